// V8 settings of a lint run of the `hpclint` command (docs/engine.md, Cost).
import { setFlagsFromString } from 'node:v8';

/**
 * How long a function runs before V8 considers optimizing it (`--interrupt-budget`, 67,584 by default): ten times
 * the default. Over many small recipes the default made V8's optimizing compiler cost about as much CPU as the lint,
 * once per lint worker (each is an isolate of its own), optimizing and de-optimizing rule bodies that were hot only
 * briefly. What stays hot, as on a large recipe, is still optimized, a little later.
 */
const INTERRUPT_BUDGET = 10 * 67_584;

/** Applies to the isolates created afterwards (the lint workers) and to the functions this thread has not run yet. */
export function tierUpLater(): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}

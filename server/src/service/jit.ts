// V8 settings of the lint workers, for the `hpclint` command and the language server (docs/engine.md, Cost).
import { setFlagsFromString } from 'node:v8';

/**
 * How long a function runs before V8 considers optimizing it (`--interrupt-budget`, 67,584 by default): ten times
 * the default. Each lint worker is an isolate of its own that compiles the same rules again, and with the default
 * V8 optimized and de-optimized rule bodies that were hot only briefly: over many small recipes its optimizing
 * compiler cost about as much CPU as the lint, and the language server's first ten lints of a 4,000-line recipe
 * cost two to three times the later ones. What stays hot, as on a large recipe, is still optimized, a little later.
 */
const INTERRUPT_BUDGET = 10 * 67_584;

/** Applies to the isolates created afterwards (the lint workers) and to the functions this thread has not run yet. */
export function tierUpLater(): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}

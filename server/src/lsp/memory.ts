// V8 settings of the language server process that keep its resident memory down (docs/engine.md, Cost).
import { setFlagsFromString } from 'node:v8';

/** Young-generation limit of the interactive lint worker (MB, `resourceLimits.maxYoungGenerationSizeMb`; docs/engine.md, Memory, compares 4 MB). */
export const INTERACTIVE_WORKER_YOUNG_MB = 2;

/**
 * Isolates created after this call (the lint workers; the main thread's already exists) compile optimized
 * code on their own thread instead of V8's background compiler threads, whose malloc arenas stayed resident:
 * 8 MB of the server's RSS with 50 recipes open. V8 flags are process-wide, so this runs before any worker starts.
 */
export function compileOnWorkerThreads(): void {
  setFlagsFromString('--no-concurrent-recompilation');
}

// V8 settings of the language server process that keep its resident memory down (docs/engine.md, Cost).
import { setFlagsFromString } from 'node:v8';

/** Young-generation limit of the interactive lint worker (MB, `resourceLimits.maxYoungGenerationSizeMb`; docs/engine.md, Memory, compares 4 MB). */
export const INTERACTIVE_WORKER_YOUNG_MB = 2;

/**
 * The main thread's young generation keeps V8's initial 1 MB semi-spaces instead of growing to 4 MB while the
 * server's modules load (its new space 8.4 → 2.1 MB: ~3 MB of the RSS with 50 recipes open). V8 reads
 * `--semi-space-growth-factor` whenever a heap would grow, so it holds for the isolate that already exists; a lint
 * worker's young generation is what its resource limits say, with or without it (2.1 MB for the interactive worker,
 * 33.5 MB for the `large` lane's, which sets none). dist/server.js runs this before it loads anything else
 * (lsp/startFlags.ts); `startServer` runs it again for `hpclint lsp`, whose modules have loaded by then.
 * The room it makes pays for concurrent recompilation in the workers (V8's default, no longer turned off: the
 * optimizing compiles of a lint then run beside it instead of on its thread).
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

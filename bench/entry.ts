// Bench entry: bundled by bench/run.mjs into bench/out/engine.cjs so timings reflect the shipped bundle.
export { lint } from '../server/src/engine/lint';
export { defaultConfig } from '../server/src/engine/config';
export { validate as dockerfileUtilsValidate } from 'dockerfile-utils';
export { allRules } from '../server/src/rules/index';

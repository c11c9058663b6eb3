// One side of the analysis ratio (bench/analysis.mjs): a process of its own, so its JIT feedback, optimized code,
// heap and V8's helper threads are its own. It lints or validates the corpus files it is asked for and answers
// with its CPU time so far (the whole process's, and its main thread's), counted from its start.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [enginePath, side, listFile] = process.argv.slice(2);
const engine = createRequire(import.meta.url)(enginePath);
const config = { ...engine.defaultConfig(), syntaxValidation: false };
const recipes = JSON.parse(readFileSync(listFile, 'utf8')).map((recipe) => ({ ...recipe, text: readFileSync(recipe.path, 'utf8') }));

// The main thread's CPU time in ms (Linux; elsewhere the process's).
const threadCpuMs = () => {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return processCpuMs();
  }
};
const processCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const analyse =
  side === 'validate'
    ? (recipe) => engine.dockerfileUtilsValidate(recipe.text).length
    : (recipe) => engine.lint(recipe.text, { fileName: recipe.path, format: recipe.format, config, rules: engine.allRules }).diagnostics.length;

process.on('message', ({ from, to }) => {
  let findings = 0;
  for (let i = from; i < to; i++) {
    findings += analyse(recipes[i]);
  }
  process.send({ findings, cpuMs: processCpuMs(), threadMs: threadCpuMs() });
});
process.send({ ready: true });

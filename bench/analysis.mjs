// Engine analysis in-process (the bundled engine, bench/entry.ts): every corpus recipe vs dockerfile-utils'
// validate of the same Dockerfiles, and where the time of one 4,000-line lint goes (for engine work).
import { join } from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { quantile } from './lib/stats.mjs';

export async function loadEngine(root) {
  const outfile = join(root, 'bench/out/engine.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: true,
    logLevel: 'warning',
    loader: { '.md': 'text' },
  });
  return createRequire(import.meta.url)(outfile);
}

/** Best of `rounds` interleaved rounds (least disturbed by GC, JIT tiering and the neighbours). */
export function measureAnalysis(engine, recipes, config, rounds) {
  const dockerfiles = recipes.filter((r) => r.format === 'dockerfile');
  const lintAll = (list) => {
    let findings = 0;
    for (const recipe of list) {
      findings += engine.lint(recipe.text, { fileName: recipe.path, format: recipe.format, config, rules: engine.allRules }).diagnostics.length;
    }
    return findings;
  };
  const validateAll = (list) => {
    let findings = 0;
    for (const recipe of list) {
      findings += engine.dockerfileUtilsValidate(recipe.text).length;
    }
    return findings;
  };
  lintAll(dockerfiles.slice(0, 50));
  validateAll(dockerfiles.slice(0, 50));
  const best = {};
  const keep = (key, fn) => {
    const start = performance.now();
    const result = fn();
    const elapsed = performance.now() - start;
    if (best[key] === undefined || elapsed < best[key].ms) {
      best[key] = { ms: elapsed, result };
    }
  };
  for (let round = 0; round < rounds; round++) {
    keep('hpclintDocker', () => lintAll(dockerfiles));
    keep('utils', () => validateAll(dockerfiles));
    keep('hpclintAll', () => lintAll(recipes));
  }
  return { dockerfiles: dockerfiles.length, all: recipes.length, ...best };
}

/** In-process lint of a one-character edit of `text`, `runs` times (median, p95). */
export function measureLintOfEdit(engine, config, format, text, runs) {
  const middle = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
  const samples = [];
  for (let i = 0; i < runs + 3; i++) {
    const edited = `${text.slice(0, middle)}#${String.fromCharCode(97 + (i % 26))}\n${text.slice(middle)}`;
    const start = performance.now();
    engine.lint(edited, { fileName: format === 'dockerfile' ? 'Dockerfile' : 'app.def', format, config, rules: engine.allRules });
    if (i >= 3) {
      samples.push(performance.now() - start);
    }
  }
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

/** Parse alone, then each rule on top of parsing (median of a few runs), slowest first. */
export function breakdown(engine, config, format, text) {
  const medianOf = (rules) => {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      engine.lint(text, { format, config, rules });
      samples.push(performance.now() - start);
    }
    return quantile(samples, 0.5);
  };
  const parse = medianOf([]);
  const rules = engine.allRules
    .filter((rule) => rule.meta.formats.includes(format))
    .map((rule) => ({ code: rule.meta.code, ms: Math.max(0, medianOf([rule]) - parse) }))
    .sort((a, b) => b.ms - a.ms);
  return { parse, rules };
}

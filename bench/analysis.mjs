// Engine analysis in-process (the bundled engine, bench/entry.ts): every corpus recipe vs dockerfile-utils'
// validate of the same Dockerfiles, and where the time of one 4,000-line lint goes (for engine work).
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as esbuild from 'esbuild';
import { quantile } from './lib/stats.mjs';

export async function loadEngine(root) {
  const outfile = enginePath(root);
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

/** The bundle loadEngine builds. */
export const enginePath = (root) => join(root, 'bench/out/engine.cjs');

/**
 * The engine's analysis of the corpus Dockerfiles against dockerfile-utils' validate of the same files, as a
 * ratio of CPU time in the steady state (docs/engine.md, Cost). Each side is a process of its
 * own, so neither runs on code the JIT optimized for the other (both parse with dockerfile-ast) nor collects
 * the other's garbage. After `warmUp` passes over the corpus on each side, every round runs both over the whole
 * corpus in slices of `slice` files, alternating sides slice by slice (and which side goes first from round to
 * round), so a change of the machine's load reaches both alike. A round's ratio is the CPU time its side's
 * process spent in the round (V8's helper threads included), and the figure is the median of the rounds' ratios.
 */
export async function measureAnalysis(root, recipes, { rounds, warmUp, slice = 25 }) {
  const dockerfiles = recipes.filter((r) => r.format === 'dockerfile');
  const definitionFiles = recipes.filter((r) => r.format !== 'dockerfile');
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-bench-'));
  const start = (side, list) => {
    const listFile = join(dir, `${side}.json`);
    writeFileSync(listFile, JSON.stringify(list.map(({ path, format }) => ({ path, format }))));
    const child = fork(new URL('./lib/analysisSide.mjs', import.meta.url), [enginePath(root), side, listFile], { execArgv: [] });
    return { child, ready: answerOf(child) };
  };
  const lint = start('lint', [...dockerfiles, ...definitionFiles]);
  const validate = start('validate', dockerfiles);
  const run = (side, from, to) => {
    const answer = answerOf(side.child);
    side.child.send({ from, to });
    return answer;
  };
  try {
    await Promise.all([lint.ready, validate.ready]);
    for (let pass = 0; pass < warmUp; pass++) {
      await run(lint, 0, dockerfiles.length);
      await run(validate, 0, dockerfiles.length);
    }
    const perRound = [];
    let before = { lint: await run(lint, 0, 0), validate: await run(validate, 0, 0) };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['lint', 'validate'] : ['validate', 'lint'];
      const after = {};
      const findings = { lint: 0, validate: 0 };
      for (let from = 0; from < dockerfiles.length; from += slice) {
        const to = Math.min(dockerfiles.length, from + slice);
        for (const side of order) {
          after[side] = await run(side === 'lint' ? lint : validate, from, to);
          findings[side] += after[side].findings;
        }
      }
      // Read both again at the end, so each side's round includes its helper threads' work after its last slice.
      after.lint = await run(lint, 0, 0);
      after.validate = await run(validate, 0, 0);
      perRound.push({
        lint: { cpuMs: after.lint.cpuMs - before.lint.cpuMs, threadMs: after.lint.threadMs - before.lint.threadMs, findings: findings.lint },
        validate: {
          cpuMs: after.validate.cpuMs - before.validate.cpuMs,
          threadMs: after.validate.threadMs - before.validate.threadMs,
          findings: findings.validate,
        },
      });
      before = after;
    }
    const everyRecipe = await run(lint, 0, dockerfiles.length + definitionFiles.length);
    const ratios = perRound.map((r) => r.lint.cpuMs / r.validate.cpuMs).sort((x, y) => x - y);
    return {
      dockerfiles: dockerfiles.length,
      rounds,
      ratio: quantile(ratios, 0.5),
      lowest: ratios[0],
      highest: ratios[ratios.length - 1],
      threadRatio: quantile(perRound.map((r) => r.lint.threadMs / r.validate.threadMs), 0.5),
      lint: { cpuMs: quantile(perRound.map((r) => r.lint.cpuMs), 0.5), findings: perRound[0].lint.findings },
      validate: { cpuMs: quantile(perRound.map((r) => r.validate.cpuMs), 0.5), findings: perRound[0].validate.findings },
      all: { recipes: recipes.length, findings: everyRecipe.findings },
    };
  } finally {
    lint.child.kill();
    validate.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const answerOf = (child) =>
  new Promise((resolve, reject) => {
    const exited = (code) => reject(new Error(`bench: an analysis process exited (${code})`));
    child.once('exit', exited);
    child.once('message', (answer) => {
      child.off('exit', exited);
      resolve(answer);
    });
  });

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

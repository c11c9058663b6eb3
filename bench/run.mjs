// npm run bench [-- --quick] [--strict] [--only analysis,cli,lsp,memory] [--runs N] [--rounds N] [--corpus DIR]
// Measures the performance budgets (#11, architecture.md) in one run, as ratios against peers where
// there are peers, and prints the table. A full run writes bench/RESULTS.md (with the machine's load);
// `--quick` (CI) measures fewer samples and writes nothing. Exits 0 unless --strict and a budget fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { breakdown, loadEngine, measureAnalysis, measureLintOfEdit } from './analysis.mjs';
import { measureCli } from './cli.mjs';
import { bigDefinition, bigDockerfile, corpusRecipes } from './lib/corpus.mjs';
import { ms, ratio } from './lib/stats.mjs';
import { measureKeystrokes, TYPING_MS } from './lsp.mjs';
import { measureMemory, OPEN_DOCUMENTS } from './memory.mjs';
import { measureShapes } from './shapes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const sections = new Set((option('--only') ?? 'analysis,cli,lsp,memory').split(','));
const rounds = Number(option('--rounds') ?? (quick ? 1 : 3));
const keystrokes = Number(option('--runs') ?? (quick ? 12 : 40));
const corpusDir = resolve(option('--corpus') ?? process.env.HPCLINT_CORPUS ?? join(root, '../shared/corpus'));

const BUDGETS = {
  analysis: 0.5, // engine analysis / dockerfile-utils validate, corpus Dockerfiles
  cli: 1.0, // CLI process / validate-only process, corpus Dockerfiles
  pacedMs: 50, // didChange → publishDiagnostics p95, 4,000-line recipe, over LSP
  burstMs: 100, // last keystroke of a burst (code actions interleaved) → its diagnostics
  rssMb: 100, // server with 50 recipes open
  shapeMs: 2000, // a ~2 MB recipe of pathological shape (40,000 stages, 8,000 %post sections), default settings
};

const log = [];
const say = (line = '') => {
  console.log(line);
  log.push(line);
};
const rows = [];
const row = (budget, measured, limit, pass) => rows.push({ budget, measured, limit, pass });

const loadBefore = loadavg();
// The production bundles (minified, as shipped); `npm run build` or `npm test` restores the development ones.
const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: the build failed; measuring whatever dist/ holds');
}
const serverPath = join(root, 'dist/server.js');
const recipes = corpusRecipes(corpusDir);
say(`corpus: ${relative(root, corpusDir) || corpusDir} (${recipes.length} recipes)${quick ? ', quick run' : ''}`);

if (sections.has('analysis')) {
  const engine = await loadEngine(root);
  const config = { ...engine.defaultConfig(), syntaxValidation: false };
  const warmUp = quick ? 1 : 4;
  const analysis = await measureAnalysis(root, recipes, { rounds: Number(option('--rounds') ?? (quick ? 1 : 5)), warmUp });
  const spread = analysis.lowest === analysis.highest ? '' : `, rounds ${ratio(analysis.lowest)}-${ratio(analysis.highest)}`;
  say(`\n(a) engine analysis, a process per side, CPU time (V8's helper threads included) of rounds after ${warmUp} warm-up passes, median of ${analysis.rounds} interleaved rounds`);
  say(`    hpclint rules, ${analysis.dockerfiles} Dockerfiles: ${ms(analysis.lint.cpuMs)} (${analysis.lint.findings} findings)`);
  say(`    dockerfile-utils validate, same files: ${ms(analysis.validate.cpuMs)} (${analysis.validate.findings} findings)`);
  say(`    ratio ${ratio(analysis.ratio)}${spread}; main threads alone ${ratio(analysis.threadRatio)}; hpclint rules on all ${analysis.all.recipes} recipes: ${analysis.all.findings} findings`);
  row('engine analysis / dockerfile-utils validate (corpus)', ratio(analysis.ratio), `<= ${ratio(BUDGETS.analysis)}`, analysis.ratio <= BUDGETS.analysis);
  for (const [format, text] of [
    ['dockerfile', bigDockerfile(recipes)],
    ['apptainer', bigDefinition(recipes)],
  ]) {
    const rulesOnly = measureLintOfEdit(engine, config, format, text, quick ? 5 : 15);
    const withSyntax = format === 'dockerfile' ? measureLintOfEdit(engine, engine.defaultConfig(), format, text, quick ? 5 : 15) : undefined;
    const parts = quick ? undefined : breakdown(engine, config, format, text);
    const slowest = parts ? `; parse ${ms(parts.parse)}; slowest rules ${parts.rules.slice(0, 3).map((r) => `${r.code} ${ms(r.ms)}`).join(', ')}` : '';
    say(`    4,000-line ${format}: lint median ${ms(rulesOnly.median)}${withSyntax ? `, with dockerfile-utils ${ms(withSyntax.median)}` : ''}${slowest}`);
  }
  for (const shape of measureShapes(engine, quick ? 1 : 3)) {
    say(`    ${shape.name}, ${shape.megabytes.toFixed(2)} MB: lint median ${ms(shape.ms)}`);
    row(`lint of ${shape.name}, ~2 MB`, ms(shape.ms), `<= ${BUDGETS.shapeMs} ms`, shape.ms <= BUDGETS.shapeMs);
  }
}

if (sections.has('cli')) {
  const files = recipes.filter((r) => r.format === 'dockerfile').map((r) => r.path);
  const cli = measureCli({ root, files, rounds, warmUp: !quick });
  const value = cli.cliMs / cli.validateMs;
  say(`\n(b) whole processes over ${cli.files} corpus Dockerfiles, best of ${rounds}, ${availableParallelism()} cores`);
  say(`    hpclint --format json, cold (no cache; the budget): ${ms(cli.cliMs)} (${cli.findings} findings, default settings incl. syntax checks)`);
  say(`    hpclint --format json --no-shellcheck: ${ms(cli.noShellCheckMs)} (${ratio(cli.noShellCheckMs / cli.validateMs)} of validate)`);
  say(`    hpclint --format json --shellcheck-cache FILE, warm (same report): ${ms(cli.warmCacheMs)} (${ratio(cli.warmCacheMs / cli.validateMs)} of validate)`);
  say(`    dockerfile-utils validate alone: ${ms(cli.validateMs)}`);
  row('CLI process / validate-only process (corpus Dockerfiles)', ratio(value), `<= ${ratio(BUDGETS.cli)}`, value <= BUDGETS.cli);
}

if (sections.has('lsp')) {
  say(`\n(c) keystrokes over LSP (dist/server.js, stdio, default settings), ${keystrokes} paced keystrokes, burst of ${keystrokes} at ${TYPING_MS} ms with a code-action request each`);
  for (const [format, text] of [
    ['dockerfile', bigDockerfile(recipes)],
    ['apptainer', bigDefinition(recipes)],
  ]) {
    const result = await measureKeystrokes({ serverPath, format, text, keystrokes, burstKeystrokes: keystrokes });
    say(
      `    ${format}, ${result.lines} lines: paced p50 ${ms(result.pacedP50)}, p95 ${ms(result.pacedP95)}; burst: last keystroke → diagnostics ${ms(result.burstFinal)}, code actions p95 ${ms(result.codeActionP95)} (${result.codeActionsAnswered} answered); RSS ${result.rss.toFixed(0)} MB`,
    );
    say(
      `      paced, per keystroke (p50): the lint job on the worker ${ms(result.pacedJobP50)} (its thread's CPU ${ms(result.pacedThreadCpuP50)}), everything else ${ms(result.pacedOutsideJobP50)}`,
    );
    row(`didChange → diagnostics p95, 4,000-line ${format}`, ms(result.pacedP95), `<= ${BUDGETS.pacedMs} ms`, result.pacedP95 <= BUDGETS.pacedMs);
    row(`burst with code actions, last key → diagnostics, ${format}`, ms(result.burstFinal), `<= ${BUDGETS.burstMs} ms`, result.burstFinal <= BUDGETS.burstMs);
  }
}

if (sections.has('memory')) {
  const memory = await measureMemory({ serverPath, recipes, corpusDir });
  say(`\n(d) language server memory: RSS ${memory.baseline.toFixed(1)} MB after initialize, ${memory.rss.toFixed(1)} MB with ${memory.opened} recipes open (worker included)`);
  row(`server RSS, ${OPEN_DOCUMENTS} recipes open`, `${memory.rss.toFixed(1)} MB`, `< ${BUDGETS.rssMb} MB`, memory.rss < BUDGETS.rssMb);
}

const loadAfter = loadavg();
const header = ['budget', 'measured', 'limit', 'result'];
const cells = rows.map((r) => [r.budget, r.measured, r.limit, r.pass ? 'PASS' : 'FAIL']);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
say();
say(header.map((h, i) => h.padEnd(widths[i])).join('  '));
for (const c of cells) {
  say(c.map((cell, i) => cell.padEnd(widths[i])).join('  '));
}
const failed = rows.filter((r) => !r.pass).length;
const load = `load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`;
say(`\n${failed === 0 ? 'all budgets met' : `${failed} budget(s) missed`} (${load})`);

if (!quick && sections.size === 4 && !args.includes('--no-results')) {
  const commit = existsSync(join(root, '.git')) ? execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim() : 'unknown';
  const machine = `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`;
  const table = [
    '| budget | measured | limit | result |',
    '|---|---|---|---|',
    ...cells.map((c) => `| ${c.join(' | ')} |`),
  ];
  writeFileSync(
    join(root, 'bench/RESULTS.md'),
    [
      '# Bench results',
      '',
      `\`npm run bench\` at ${commit}, ${new Date().toISOString().slice(0, 10)}, on ${machine}; ${load} (1-minute averages).`,
      'The machine is shared: absolute times vary with its load; the ratios and budgets are measured in one run.',
      '',
      ...table,
      '',
      '## Details',
      '',
      '```text',
      ...log.slice(0, log.length - cells.length - 4),
      '```',
      '',
    ].join('\n'),
  );
  console.log('\nwrote bench/RESULTS.md');
}
process.exit(strict && failed > 0 ? 1 : 0);

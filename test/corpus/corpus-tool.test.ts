// The corpus check (npm run corpus:report / corpus:sample): counts, baseline round trip, diff, sampling.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { diffSnapshots, formatCounts, formatSerious, parseBaseline, snapshot, type CountedFinding } from '../../scripts/corpus/counts';
import { repositoryOf, type CorpusFinding } from '../../scripts/corpus/findings';
import { pickSample } from '../../scripts/corpus/sample';

const root = join(__dirname, '../..');
const MINI = join(root, 'test/fixtures/corpus-mini');

const finding = (path: string, code: string, severity: CountedFinding['severity'], line = 1): CountedFinding => ({ path, code, severity, line });

test('snapshot counts per code by severity, files hit, and failing/shown files', () => {
  const snap = snapshot('2026-12-06', ['a', 'b', 'c'], [
    finding('a', 'HPC-EOL-001', 'error'),
    finding('a', 'HPC-SEC-001', 'hint'),
    finding('b', 'HPC-SEC-001', 'hint'),
    finding('b', 'HPC-SEC-001', 'info', 2),
    finding('c', 'dockerfile-utils/DEPRECATED_MAINTAINER', 'hint'),
  ]);
  assert.deepEqual(snap.totals, { files: 3, failing: 1, shown: 2 });
  assert.deepEqual(snap.rules, [
    { code: 'HPC-EOL-001', error: 1, warning: 0, info: 0, hint: 0, files: 1 },
    { code: 'HPC-SEC-001', error: 0, warning: 0, info: 1, hint: 2, files: 2 },
    { code: 'dockerfile-utils/DEPRECATED_MAINTAINER', error: 0, warning: 0, info: 0, hint: 1, files: 1 },
  ]);
  assert.deepEqual(snap.serious, ['a:1\tHPC-EOL-001\terror']);
});

test('the baseline text round-trips and an unchanged run has an empty diff', () => {
  const snap = snapshot('2026-12-06', ['a', 'b'], [finding('a', 'HPC-EOL-001', 'error'), finding('b', 'HPC-MAINT-001', 'warning', 7)]);
  const parsed = parseBaseline(formatCounts(snap), formatSerious(snap));
  assert.deepEqual(parsed, snap);
  assert.equal(diffSnapshots(parsed, snap), '');
});

test('the diff names changed counts and each new or gone error/warning finding', () => {
  const before = snapshot('d', ['a', 'b'], [finding('a', 'HPC-SEC-001', 'warning', 2), finding('b', 'HPC-SEC-001', 'warning', 2)]);
  const after = snapshot('d', ['a', 'b'], [finding('a', 'HPC-SEC-001', 'info', 2), finding('b', 'HPC-SEC-001', 'warning', 2), finding('b', 'HPC-DEF-010', 'warning', 1)]);
  assert.equal(
    diffSnapshots(before, after),
    [
      'files with an error or warning (exit 1): 2 → 1',
      '',
      'Counts per code (before→after):',
      `  ${'HPC-DEF-010'.padEnd(40)} warning 0→1, files 0→1`,
      `  ${'HPC-SEC-001'.padEnd(40)} warning 2→1, info 0→1`,
      '',
      'Error and warning findings: 1 new, 1 gone (path:line code severity):',
      '  + b:1 HPC-DEF-010 warning',
      '  - a:2 HPC-SEC-001 warning',
    ].join('\n'),
  );
});

test('repositories come from the folder, and from the file name for singularity-catalog copies', () => {
  assert.equal(repositoryOf('dockerfile/PawseySC__pawsey-containers/x__Dockerfile'), 'PawseySC/pawsey-containers');
  assert.equal(repositoryOf('singularity/singularityhub__singularity-catalog/_recipes__NIH-HPC__singularity-def-files__x.def'), 'NIH-HPC/singularity-def-files');
});

test('a sample takes one finding per repository before a second one from any', () => {
  const at = (path: string, line: number): CorpusFinding => ({ path, code: 'HPC-X-001', severity: 'warning', message: 'm', line, column: 1, endLine: line, endColumn: 2 });
  const findings = [
    ...[1, 2, 3, 4, 5].map((line) => at('dockerfile/big__repo/Dockerfile', line)),
    at('dockerfile/small__one/Dockerfile', 1),
    at('dockerfile/small__two/Dockerfile', 1),
  ];
  const { picked, total } = pickSample(findings, 'hpc-x-001', { count: 4, seed: 3, context: 0 });
  assert.equal(total, 7);
  assert.equal(picked.length, 4);
  assert.equal(new Set(picked.slice(0, 3).map((f) => repositoryOf(f.path))).size, 3);
  assert.deepEqual(pickSample(findings, 'HPC-X-001', { count: 4, seed: 3, context: 0 }).picked, picked, 'same seed, same sample');
});

function runTool(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/corpus/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
}

test('report and sample run end to end on a small corpus', () => {
  const report = runTool(['report', '--corpus', MINI]);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /^HPC-SEC-004 +0 +1 +0 +0 +1$/m);
  assert.match(report.stdout, /^files linted: 3$/m);
  assert.match(report.stdout, /Changes against the baseline/, 'the mini corpus differs from the real baseline');

  const sample = runTool(['sample', 'HPC-SEC-004', '2', '--corpus', MINI, '--context', '1']);
  assert.equal(sample.status, 0, sample.stderr);
  assert.match(sample.stdout, /^\[1\/1\] HPC-SEC-004 warning {2}dockerfile\/acme__tools\/Dockerfile:2:\d+ {2}\(acme\/tools\)$/m);
  assert.match(sample.stdout, /^ {2}> 2 \| RUN wget --no-check-certificate/m);
});

test('each recipe is linted in a clone of its MANIFEST repository (the catalog\'s upstream for its copies)', () => {
  const report = runTool(['report', '--corpus', MINI]);
  assert.equal(report.status, 0, report.stderr);
  // acme/tools clones itself (info) and other/lib (warning); the catalog copy of lab/pipeline clones lab/pipeline (info).
  assert.match(report.stdout, /^HPC-MAINT-001 +0 +1 +2 +0 +2$/m);
  const sample = runTool(['sample', 'HPC-MAINT-001', '2', '--severity', 'warning', '--corpus', MINI, '--context', '0']);
  assert.match(sample.stdout, /^\[1\/1\] HPC-MAINT-001 warning {2}dockerfile\/acme__tools\/build__Dockerfile:4:\d+ {2}\(acme\/tools\)$/m);
});

test('without a corpus the check says so and does not fail', () => {
  const run = runTool(['report', '--corpus', join(root, 'no-such-corpus')]);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^corpus check skipped: corpus not found at .*no-such-corpus/);
});

test('a bad command line exits 2 with a message', () => {
  const run = runTool(['sample']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /needs a rule code/);
});

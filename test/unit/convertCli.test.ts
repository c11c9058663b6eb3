// `hpclint convert` through the bundled CLI (dist/cli.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');
const fixture = join(root, 'test', 'fixtures', 'convert', 'Dockerfile');

function run(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(cli)) {
    const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
  }
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(): string {
  const directory = mkdtempSync(join(tmpdir(), 'hpclint-convert-'));
  copyFileSync(fixture, join(directory, 'Dockerfile'));
  // Stops the config search here (a stray .hpclint.yaml in a parent of the temp dir must not apply).
  writeFileSync(join(directory, '.hpclint.yaml'), 'rules: {}\n');
  return directory;
}

test('hpclint convert writes Apptainer.def next to the Dockerfile and prints the notes', (t) => {
  const directory = workspace();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  const result = run(['convert', 'Dockerfile'], directory);
  assert.equal(result.status, 0, result.stderr);
  const written = readFileSync(join(directory, 'Apptainer.def'), 'utf8');
  assert.match(written, /^Bootstrap: docker\nFrom: python:3\.12-slim\nStage: build\n/m);
  assert.match(written, /%files from build\n {4}# hpclint-convert: if \/install is a directory.*\n {4}\/install \/usr\/local\/\n/);
  assert.match(written, /%runscript\n {4}exec python3 \/opt\/app\/app\.py "\$@"\n/);
  const lines = written.split('\n');
  const noteLines = result.stdout.trim().split('\n').slice(0, -1);
  assert.ok(noteLines.length >= 2);
  for (const line of noteLines) {
    const match = /^Apptainer\.def:(\d+):1 (warning|info) HPC-BUILD-002 (.+)$/.exec(line);
    assert.ok(match, line);
    // The reported line is the converted line right below the note's comment.
    const index = Number(match[1]) - 1;
    assert.ok(lines.slice(0, index).some((text) => text.trim() === `# hpclint-convert: ${match[3]}`), line);
  }
  assert.match(result.stdout, /hpclint convert: wrote Apptainer\.def \(\d+ notes\)\n$/);
});

test('hpclint convert refuses to overwrite without --force; -o and --stdout', (t) => {
  const directory = workspace();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  writeFileSync(join(directory, 'Apptainer.def'), 'keep\n');
  const refused = run(['convert', 'Dockerfile'], directory);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /Apptainer\.def exists; use --force/);
  assert.equal(readFileSync(join(directory, 'Apptainer.def'), 'utf8'), 'keep\n');

  assert.equal(run(['convert', 'Dockerfile', '--force'], directory).status, 0);
  assert.match(readFileSync(join(directory, 'Apptainer.def'), 'utf8'), /^Bootstrap: docker$/m);

  assert.equal(run(['convert', 'Dockerfile', '-o', 'out/../app.def'], directory).status, 0);
  assert.ok(existsSync(join(directory, 'app.def')));

  const printed = run(['convert', 'Dockerfile', '--stdout'], directory);
  assert.equal(printed.status, 0);
  assert.match(printed.stdout, /^# Converted from a Dockerfile/);
  assert.match(printed.stderr, /^<stdout>:\d+:1 (info|warning) HPC-BUILD-002 /m);
  const target = run(['convert', 'Dockerfile', '--stdout', '--stage', 'build'], directory);
  assert.equal(target.status, 0);
  assert.match(target.stdout, /^Stage: build$/m);
  assert.doesNotMatch(target.stdout, /Stage: stage1|%runscript/);
});

test('hpclint convert usage errors exit 2', (t) => {
  const directory = workspace();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  assert.equal(run(['convert'], directory).status, 2);
  assert.equal(run(['convert', 'missing'], directory).status, 2);
  assert.equal(run(['convert', 'Dockerfile', '--bogus'], directory).status, 2);
  const unknownStage = run(['convert', 'Dockerfile', '--stage', 'nope', '--stdout'], directory);
  assert.equal(unknownStage.status, 2);
  assert.match(unknownStage.stderr, /no stage named "nope"/);
  assert.match(run(['convert', '--help'], directory).stdout, /^Usage: hpclint convert/);
});

test('the written definition file lints without definition-file errors', (t) => {
  const directory = workspace();
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  assert.equal(run(['convert', 'Dockerfile'], directory).status, 0);
  const lintRun = run(['--format', 'json', '--fail-on', 'never', 'Apptainer.def'], directory);
  assert.equal(lintRun.status, 0, lintRun.stderr);
  const report = JSON.parse(lintRun.stdout) as { files: Array<{ format: string; diagnostics: Array<{ code: string; severity: string }> }> };
  assert.equal(report.files[0].format, 'apptainer');
  assert.deepEqual(
    report.files[0].diagnostics.filter((d) => d.severity === 'error' || d.code === 'hpclint/parse'),
    [],
  );
});

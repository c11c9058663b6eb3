// Reading and discovery: special files, unreadable paths, symlinks out of the tree, and which files a
// directory walk lints.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { collectFiles, discoveryByName, formatFromRecipeStart, readBounded, readFoundFile, type FoundFile } from '../../server/src/cli/files';
import { children, cliPath, parseJson, parseXml, root, runCli, sarifValidator, type CliRun } from './helpers';

const temp = mkdtempSync(join(tmpdir(), 'hpclint-files-'));
chmodSync(temp, 0o755);
// A repository root: config lookup from the temp projects stops here.
mkdirSync(join(temp, '.git'));
after(() => {
  execFileSync('chmod', ['-R', 'u+rwx', temp]);
  rmSync(temp, { recursive: true, force: true });
});

const RECIPE = 'FROM ubuntu:24.04\nRUN gcc -march=native -o app app.c\n';
const DEFINITION = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    gcc -march=native -o app app.c\n';
const canMakeFifo = spawnSync('mkfifo', ['--version']).status === 0;

function project(name: string, files: Record<string, string>): string {
  const dir = join(temp, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  return dir;
}

test('walking picks recipes by name and by how the file starts, and skips backups, docs and other files', () => {
  const dir = project('discovery', {
    'Dockerfile': RECIPE,
    'Dockerfile~': RECIPE,
    'Dockerfile.bak': RECIPE,
    '#Singularity#': DEFINITION,
    'Singularity.orig': DEFINITION,
    'Dockerfile.dockerignore': '*.o\n',
    'app.dockerfile': RECIPE,
    'build.docker': RECIPE,
    'containers/tacc-ubuntu18-mvapich2.3-ib': '# TACC base\nARG ORG=tacc\nARG VER=latest\nFROM ${ORG}/tacc-ubuntu18:${VER}\n',
    'containers/centos-base': '\uFEFFBootstrap: docker\nFrom: rockylinux:9\n',
    'docs/SingularityTests.md': '# Using Singularity\n\nBuild it with:\n\n```\nBootstrap: docker\nFrom: ubuntu\n%post\n  make\n```\n',
    'docs/notes.txt': RECIPE,
    'texlive/Singularity.tex': DEFINITION,
    'texlive/Singularity.md': '# Singularity\n\nNot a recipe.\n',
    'bin/tool': '#!/usr/bin/env python3\nfrom os import path\n',
    'lib/module': 'from os import path\nimport sys\n',
    'Makefile': 'all:\n\tdocker build .\n',
    'win/exports.def': 'LIBRARY mylib\nEXPORTS\n',
    'hpc/app.def': DEFINITION,
    'singularity-compose.yml': 'version: "1.0"\n',
  });
  if (canMakeFifo) {
    execFileSync('mkfifo', [join(dir, 'a-fifo')]); // not named like a recipe: skipped silently, never opened
  }
  const run = runCli(['--format', 'json', '--fail-on', 'never', '.'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.deepEqual(
    parseJson(run).files.map((f) => [f.path, f.format]),
    [
      ['Dockerfile', 'dockerfile'],
      ['app.dockerfile', 'dockerfile'],
      ['build.docker', 'dockerfile'],
      ['containers/centos-base', 'apptainer'],
      ['containers/tacc-ubuntu18-mvapich2.3-ib', 'dockerfile'],
      ['hpc/app.def', 'apptainer'],
      ['texlive/Singularity.tex', 'apptainer'],
    ],
  );
  // Named on the command line, a file is always linted.
  const explicit = runCli(['--format', 'json', '--fail-on', 'never', 'Dockerfile~', 'docs/notes.txt'], { cwd: dir });
  assert.deepEqual(
    parseJson(explicit).files.map((f) => f.path),
    ['Dockerfile~', 'docs/notes.txt'],
  );
});

test('discovery by name and by the start of the content', () => {
  const cases: Array<[string, ReturnType<typeof discoveryByName>]> = [
    ['Dockerfile', 'name'],
    ['Containerfile.gpu', 'name'],
    ['Singularity', 'name'],
    ['Apptainer.cuda', 'name'],
    ['x.dockerfile', 'name'],
    ['x.docker', 'content'],
    ['x.def', 'content'],
    ['examples__mpi__Apptainer', 'content'],
    ['tacc-centos7-impi19.0.7-common', 'strict'],
    ['LICENSE', 'strict'],
    ['SingularityTests.md', 'strict'],
    ['Singularity_lammps_mpi.cfg', 'content'],
    ['README.md', undefined],
    ['setup.py', undefined],
    ['Dockerfile~', undefined],
    ['Dockerfile.bak', undefined],
    ['.Dockerfile.swp', undefined],
    ['Dockerfile.dockerignore', undefined],
  ];
  assert.deepEqual(
    cases.map(([name]) => [name, discoveryByName(name)]),
    cases,
  );
  assert.equal(formatFromRecipeStart('# syntax=docker/dockerfile:1\n\nARG BASE=ubuntu\nFROM ${BASE}\n'), 'dockerfile');
  assert.equal(formatFromRecipeStart('\r\n# comment\r\nBootStrap: docker\r\n'), 'apptainer');
  assert.equal(formatFromRecipeStart('#!/bin/sh\nFROM=1\n'), undefined);
  assert.equal(formatFromRecipeStart('from os import path\n'), undefined);
  assert.equal(formatFromRecipeStart('FROM:\n'), undefined);
  assert.equal(formatFromRecipeStart('ARG X\nBootstrap: docker\n'), undefined);
  assert.equal(formatFromRecipeStart('LABEL a=b\nFROM x\n'), undefined);
  assert.equal(formatFromRecipeStart(''), undefined);
});

test('bounded reads: special files are refused from their stat, big files are not read, lying sizes are capped', (t) => {
  const dir = project('bounded', { 'small': 'FROM x\n', 'big': 'x'.repeat(5000) });
  assert.deepEqual(readBounded(join(dir, 'small'), 100), { kind: 'bytes', bytes: Buffer.from('FROM x\n'), truncated: false });
  assert.deepEqual(readBounded(join(dir, 'big'), 100), { kind: 'tooLarge', bytes: 5000 });
  const head = readBounded(join(dir, 'big'), 100, { truncate: true });
  assert.equal(head.kind === 'bytes' && head.bytes.length, 100);
  assert.deepEqual(readBounded(dir, 100), { kind: 'unreadable', reason: 'is a directory' });
  assert.deepEqual(readBounded(join(dir, 'missing'), 100), { kind: 'unreadable', reason: 'no such file or directory' });
  if (existsSync('/dev/zero')) {
    const zero = readBounded('/dev/zero', 100);
    assert.equal(zero.kind, 'unreadable');
    assert.match(zero.kind === 'unreadable' ? zero.reason : '', /^not a regular file \(a character device\)/);
  }
  if (canMakeFifo) {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const fifo = readBounded(join(dir, 'fifo'), 100);
    assert.match(fifo.kind === 'unreadable' ? fifo.reason : '', /^not a regular file \(a FIFO\)/);
  }
  // /proc files are regular with st_size 0 yet have content: read up to the limit, never past it.
  if (existsSync('/proc/self/status')) {
    const status = readBounded('/proc/self/status', 1_000_000);
    assert.ok(status.kind === 'bytes' && status.bytes.toString().includes('Name:'));
    assert.equal(readBounded('/proc/self/status', 10).kind, 'tooLarge');
  } else {
    t.diagnostic('no /proc: the lying-size case is not exercised');
  }
});

/** Runs the CLI as an unprivileged user when this test runs as root, so that permissions apply. */
function cliRunner(): { run: (args: string[]) => CliRun; asUser: string } | undefined {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    return { run: (args) => spawnRun([process.execPath, cliPath, ...args]), asUser: 'the current user' };
  }
  if (spawnSync('runuser', ['--help']).status !== 0) {
    return undefined;
  }
  // The checkout may not be readable by `nobody` (e.g. under /root): run a copy of the bundle.
  const bin = join(temp, 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(cliPath, join(bin, 'cli.js'));
  execFileSync('chmod', ['-R', 'a+rX', bin]);
  const probe = spawnRun(['runuser', '-u', 'nobody', '--', process.execPath, join(bin, 'cli.js'), '--version']);
  if (probe.status !== 0) {
    return undefined;
  }
  return { run: (args) => spawnRun(['runuser', '-u', 'nobody', '--', process.execPath, join(bin, 'cli.js'), ...args]), asUser: 'nobody' };
}

function spawnRun(command: string[]): CliRun {
  const result = spawnSync(command[0], command.slice(1), {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, HPCLINT_TODAY: '2026-01-15' },
    // A FIFO or /dev/zero must not hang the run: anything near this limit is a failure.
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(result.error, undefined, `${command.join(' ')}: ${String(result.error)}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('a FIFO, /dev/zero linked in and an unreadable directory: one error each, the recipe still linted, every format complete (json, text, github, sarif, gitlab, checkstyle, junit)', (t) => {
  const runner = cliRunner();
  if (!runner) {
    t.skip('running as root without `runuser -u nobody`: permissions cannot be tested');
    return;
  }
  if (!canMakeFifo || !existsSync('/dev/zero')) {
    t.skip('needs mkfifo and /dev/zero');
    return;
  }
  const dir = project('hostile', { 'app/Dockerfile': RECIPE, 'locked/Dockerfile': RECIPE });
  execFileSync('mkfifo', [join(dir, 'pipe-Dockerfile')]);
  mkdirSync(join(dir, 'dev'));
  symlinkSync('/dev/zero', join(dir, 'dev', 'Singularity'));
  chmodSync(join(dir, 'locked'), 0o000);
  const bad = [
    [join(dir, 'dev/Singularity'), /^symbolic link to something that is not a regular file \(a character device\)/],
    [join(dir, 'locked'), /^permission denied$/],
    [join(dir, 'pipe-Dockerfile'), /^not a regular file \(a FIFO\)/],
  ] as const;
  const recipe = join(dir, 'app/Dockerfile');
  t.diagnostic(`running as ${runner.asUser}`);

  const json = runner.run(['--format', 'json', dir]);
  assert.equal(json.status, 2, json.stderr);
  const report = parseJson(json);
  assert.deepEqual(
    report.files.map((f) => f.path),
    [recipe, ...bad.map(([path]) => path)],
  );
  assert.ok(report.files[0].diagnostics.some((d) => d.code === 'HPC-PORT-001' && d.line === 2));
  for (const [index, [path, reason]] of bad.entries()) {
    const [only, ...rest] = report.files[index + 1].diagnostics;
    assert.deepEqual(rest, []);
    assert.equal(only.code, 'hpclint/unreadable');
    assert.equal(only.severity, 'error');
    const prefix = `Cannot read this ${path.endsWith('locked') ? 'directory' : 'file'}: `;
    assert.ok(only.message.startsWith(prefix), only.message);
    assert.match(only.message.slice(prefix.length).replace(/\. hpclint did not lint it\.$/, ''), reason);
  }
  assert.deepEqual(
    json.stderr.trimEnd().split('\n').map((line) => line.slice(0, line.indexOf(': ', 'hpclint: cannot read '.length))),
    bad.map(([path]) => `hpclint: cannot read ${path}`),
  );

  const text = runner.run([dir]);
  assert.equal(text.status, 2);
  assert.match(text.stdout, new RegExp(`^${recipe}:2:\\d+ warning HPC-PORT-001 `, 'm'));
  for (const [path] of bad) {
    assert.match(text.stdout, new RegExp(`^${path}:1:1 error hpclint/unreadable Cannot read `, 'm'));
  }
  assert.match(text.stdout, /\n4 problems \(3 errors, 1 warning, 0 info\) in 4 files; 3 hints not shown \(--min-severity hint shows them\)\n$/);

  const github = runner.run(['--format', 'github', dir]);
  assert.equal(github.status, 2);
  for (const [path] of bad) {
    assert.ok(github.stdout.includes(`::error file=${path.replace(/:/g, '%3A')},line=1,col=1,`), path);
  }
  assert.match(github.stdout, /^::warning file=[^\n]*app\/Dockerfile,line=2,[^\n]*title=HPC-PORT-001::/m);

  const sarif = runner.run(['--format', 'sarif', dir]);
  assert.equal(sarif.status, 2);
  const log = JSON.parse(sarif.stdout) as {
    runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: unknown[] }>; results: Array<{ ruleId: string }> }>;
  };
  const [sarifRun] = log.runs;
  assert.equal(sarifRun.invocations[0].executionSuccessful, false);
  assert.equal(sarifRun.invocations[0].toolExecutionNotifications.length, 3);
  assert.equal(sarifRun.results.filter((r) => r.ruleId === 'hpclint/unreadable').length, 3);
  assert.ok(sarifRun.results.some((r) => r.ruleId === 'HPC-PORT-001'));
  const validate = sarifValidator();
  if (validate) {
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  }

  const gitlab = runner.run(['--format', 'gitlab', dir]);
  assert.equal(gitlab.status, 2);
  const issues = JSON.parse(gitlab.stdout) as Array<{ check_name: string; severity: string; location: { path: string; lines: { begin: number } } }>;
  assert.deepEqual(
    issues.filter((issue) => issue.check_name === 'hpclint/unreadable').map((issue) => [issue.location.path, issue.location.lines.begin, issue.severity]),
    bad.map(([path]) => [path, 1, 'critical']),
  );
  assert.ok(issues.some((issue) => issue.check_name === 'HPC-PORT-001' && issue.location.path === recipe));

  const checkstyle = runner.run(['--format', 'checkstyle', dir]);
  assert.equal(checkstyle.status, 2);
  const files = children(parseXml(checkstyle.stdout).checkstyle, 'file');
  const errorsOf = (path: string) => children(files.find((file) => file.$?.name === path) ?? {}, 'error').map((error) => error.$ ?? {});
  for (const [path] of bad) {
    assert.deepEqual(errorsOf(path).map((error) => [error.source, error.severity]), [['hpclint.hpclint/unreadable', 'error']], path);
  }
  assert.ok(errorsOf(recipe).some((error) => error.source === 'hpclint.HPC-PORT-001'));

  const junit = runner.run(['--format', 'junit', dir]);
  assert.equal(junit.status, 2);
  const suites = children(parseXml(junit.stdout).testsuites, 'testsuite');
  for (const [path] of bad) {
    const cases = children(suites.find((suite) => suite.$?.name === path) ?? {}, 'testcase');
    assert.deepEqual(cases.map((testcase) => [testcase.$?.name, children(testcase, 'failure').length]), [['hpclint/unreadable 1:1', 1]], path);
  }
  assert.ok(children(suites.find((suite) => suite.$?.name === recipe) ?? {}, 'testcase').some((testcase) => testcase.$?.name?.startsWith('HPC-PORT-001 ')));
});

test('a walk follows no symbolic link out of the tree, and never prints what is behind one', () => {
  const outside = project('outside', { 'secret-token': 'FROM ghp_SECRETVALUE0123456789 AS leak\n' });
  const dir = project('links', { 'app/Dockerfile': RECIPE, 'shared/Dockerfile.base': RECIPE });
  symlinkSync(join(outside, 'secret-token'), join(dir, 'app', 'Dockerfile.leak'));
  symlinkSync('../shared/Dockerfile.base', join(dir, 'app', 'Dockerfile.shared'));
  symlinkSync(join(dir, 'missing'), join(dir, 'app', 'Dockerfile.dangling'));
  symlinkSync(outside, join(dir, 'app', 'outside-dir'));
  symlinkSync(join(outside, 'secret-token'), join(dir, 'app', 'unrelated-name'));
  const app = join(dir, 'app');
  for (const format of ['text', 'json', 'sarif', 'github']) {
    const run = runCli(['--format', format, '.'], { cwd: app });
    assert.equal(run.status, 2, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /SECRETVALUE/, format);
  }
  const outsideReason = (target: string): string =>
    `Cannot read this file: symbolic link to ${target}, outside ${app}; not followed (name it on the command line to lint it). hpclint did not lint it.`;
  const run = runCli(['--format', 'json', '.'], { cwd: app });
  assert.deepEqual(
    parseJson(run).files.map((f) => [f.path, f.diagnostics.filter((d) => d.code === 'hpclint/unreadable').map((d) => d.message)]),
    [
      ['Dockerfile', []],
      ['Dockerfile.dangling', ['Cannot read this file: broken symbolic link (no such file or directory). hpclint did not lint it.']],
      ['Dockerfile.leak', [outsideReason(join(outside, 'secret-token'))]],
      ['Dockerfile.shared', [outsideReason(join(dir, 'shared/Dockerfile.base'))]],
    ],
  );
  // Run from the repository root, a link to a sibling directory stays inside the tree and is followed.
  const fromRoot = runCli(['--format', 'json', '--fail-on', 'never', 'app'], { cwd: dir });
  const shared = parseJson(fromRoot).files.find((f) => f.path === 'app/Dockerfile.shared');
  assert.ok(shared?.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
});

test('a directory without recipes is a usage error, not a silent pass', () => {
  const dir = project('empty', { 'README.md': '# nothing here\n', 'src/main.c': 'int main(void) { return 0; }\n' });
  const run = runCli(['--format', 'json', dir]);
  assert.equal(run.status, 2);
  assert.equal(run.stderr, `hpclint: no recipes found in ${dir}\n`);
  assert.deepEqual(parseJson(run).files, []);
  // Recipes that exist but are excluded by ignorePaths are the user's choice.
  const ignored = project('ignored', { '.hpclint.yaml': 'ignorePaths:\n  - vendor/\n', 'vendor/Dockerfile': RECIPE });
  assert.equal(runCli([ignored]).status, 0);
});

test('every corpus recipe is found by walking, under its flattened and its original name; the README is not', (t) => {
  const corpus = join(root, '../shared/corpus');
  if (!existsSync(join(corpus, 'MANIFEST.tsv'))) {
    t.skip(`corpus not found at ${corpus}`);
    return;
  }
  const rows = readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
  const linted = new Set(
    collectFiles([corpus]).found
      .filter((found): found is FoundFile => found.kind === 'file' && readFoundFile(found, found.path).kind === 'text')
      .map((found) => found.path.slice(corpus.length + 1)),
  );
  const byOriginalName = rows.filter(([, local, , , original]) => {
    const discovery = discoveryByName(basename(original));
    const file: FoundFile = { kind: 'file', path: basename(original), explicit: false, discovery: discovery ?? 'strict', origin: 0 };
    return discovery !== undefined && readFoundFile(file, join(corpus, local)).kind === 'text';
  });
  const readme = 'singularity/singularityhub__singularity-catalog/_recipes__TANGO-Project__alde__SingularityTests.md';
  const expected = rows.map(([, local]) => local).filter((local) => local !== readme);
  assert.deepEqual(
    rows.map(([, local]) => local).filter((local) => !linted.has(local)),
    [readme],
  );
  assert.deepEqual(
    byOriginalName.map(([, local]) => local),
    expected,
  );
});

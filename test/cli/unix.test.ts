// The CLI behaves like a Unix filter: quiet on a closed pipe, stdin, NO_COLOR/--color, --quiet,
// paths relative to the working directory, and a --help that lists every command and format.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FORMATS } from '../../server/src/cli/args';
import { cliPath, parseJson, root, runCli } from './helpers';

const temp = mkdtempSync(join(tmpdir(), 'hpclint-unix-'));
mkdirSync(join(temp, '.git'));
after(() => rmSync(temp, { recursive: true, force: true }));

const ESC = '\u001b[';
const MARCH = 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\n';

test('--help lists every sub-command and every output format', () => {
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  for (const command of ['hpclint convert', 'hpclint lsp --stdio', '--stdin']) {
    assert.ok(help.stdout.includes(command), `--help mentions ${command}`);
  }
  for (const format of FORMATS) {
    assert.match(help.stdout, new RegExp(`^ {38}${format} +\\S`, 'm'), `--help describes --format ${format}`);
  }
  assert.deepEqual([...FORMATS].sort(), ['checkstyle', 'github', 'gitlab', 'json', 'junit', 'sarif', 'text']);
  for (const option of ['--quiet', '--color', '--no-color', '--fix', '--explain', '--list-rules', '--stdin-filename']) {
    assert.ok(help.stdout.includes(option), `--help mentions ${option}`);
  }
});

test('output piped into a reader that stops early ends quietly (no EPIPE stack trace)', () => {
  for (const args of [['--format', 'sarif', 'examples/'], ['--list-rules'], ['--explain', 'HPC-PORT-001']]) {
    const shell = spawnSync(
      'bash',
      ['-c', `node "$0" "$@" 2>"${join(temp, 'stderr')}" | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"; cat "${join(temp, 'stderr')}"`, cliPath, ...args],
      { cwd: root, encoding: 'utf8' },
    );
    const [status, ...stderr] = shell.stdout.split('\n');
    assert.equal(stderr.join('\n').trim(), '', `stderr of hpclint ${args.join(' ')} | head`);
    assert.match(status, /^[01]$/, `hpclint ${args.join(' ')} | head exits with its own status, not a crash`);
  }
});

test('--stdin and a lone - read standard input; --stdin-filename names it for format and config', () => {
  const def = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n    export A=1\n';
  for (const args of [['-'], ['--stdin'], ['--stdin', '--stdin-filename', 'Singularity']]) {
    const run = runCli(['--format', 'json', ...args], { input: def });
    assert.equal(run.status, 1, run.stderr);
    const file = parseJson(run).files[0];
    assert.equal(file.format, 'apptainer');
    assert.deepEqual(
      file.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
      ['HPC-DEF-005'],
    );
  }
  assert.equal(parseJson(runCli(['--format', 'json', '--stdin', '--stdin-filename', 'Singularity'], { input: def })).files[0].path, 'Singularity');
  assert.equal(runCli(['-', 'examples/'], { input: def }).status, 2);
});

test('colour: only on a terminal or with --color, never with NO_COLOR or --no-color', () => {
  const file = join(temp, 'colour', 'Dockerfile');
  mkdirSync(join(file, '..'));
  writeFileSync(file, MARCH);
  const piped = runCli([file]);
  assert.ok(!piped.stdout.includes(ESC), 'no colour when stdout is a pipe');
  const forced = runCli(['--color', file]);
  assert.ok(forced.stdout.includes(`${ESC}33mwarning${ESC}39m`), forced.stdout);
  assert.ok(runCli(['--color=always', file], { env: { NO_COLOR: '1' } }).stdout.includes(ESC), '--color=always wins over NO_COLOR');
  assert.ok(!runCli(['--color', 'never', file]).stdout.includes(ESC));
  assert.ok(!runCli(['--color', '--no-color', file]).stdout.includes(ESC));
  assert.ok(!runCli(['--color', 'always', '--format', 'json', file]).stdout.includes(ESC), 'machine formats are never coloured');
  // On a real terminal (script(1) gives the CLI a pty) colour is on unless NO_COLOR is set.
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.status === 0) {
    const onTty = (env: NodeJS.ProcessEnv): string =>
      spawnSync('script', ['-qec', `node "${cliPath}" "${file}"`, '/dev/null'], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout;
    assert.ok(onTty({ NO_COLOR: '', TERM: 'xterm' }).includes(ESC), 'a terminal gets colour');
    assert.ok(!onTty({ NO_COLOR: '1', TERM: 'xterm' }).includes(ESC), 'NO_COLOR switches it off');
  }
});

test('--quiet prints only errors and fails only on them', () => {
  const dir = join(temp, 'quiet');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), MARCH);
  const loud = runCli(['Dockerfile'], { cwd: dir });
  assert.equal(loud.status, 1);
  assert.match(loud.stdout, /warning HPC-PORT-001/);
  const quiet = runCli(['--quiet', 'Dockerfile'], { cwd: dir });
  assert.deepEqual([quiet.status, quiet.stdout, quiet.stderr], [0, '', '']);
  assert.equal(parseJson(runCli(['-q', '--format', 'json', 'Dockerfile'], { cwd: dir })).files[0].diagnostics.length, 0);
  writeFileSync(join(dir, 'Dockerfile'), `${MARCH}ENV API_TOKEN=abc123secretvalue\n`);
  const withError = runCli(['-q', 'Dockerfile'], { cwd: dir });
  assert.equal(withError.status, 1);
  assert.deepEqual(
    withError.stdout.split('\n').filter((line) => /^Dockerfile:\d+:\d+ /.test(line)).map((line) => line.split(' ').slice(1, 3).join(' ')),
    ['error HPC-SEC-005'],
  );
});

test('output paths are relative to the working directory', () => {
  const project = join(temp, 'project');
  mkdirSync(join(project, 'sub'), { recursive: true });
  mkdirSync(join(project, 'other'), { recursive: true });
  writeFileSync(join(project, 'sub', 'Dockerfile'), MARCH);
  writeFileSync(join(project, 'other', 'Dockerfile'), MARCH);
  const paths = (args: string[], cwd: string): string[] => parseJson(runCli(['--format', 'json', ...args], { cwd })).files.map((f) => f.path);
  assert.deepEqual(paths([join(project, 'sub', 'Dockerfile')], project), ['sub/Dockerfile']);
  assert.deepEqual(paths([project], project), ['other/Dockerfile', 'sub/Dockerfile']);
  assert.deepEqual(paths(['./sub/../sub/Dockerfile'], project), ['sub/Dockerfile']);
  assert.deepEqual(paths(['.'], join(project, 'sub')), ['Dockerfile']);
  assert.deepEqual(paths(['../other'], join(project, 'sub')), [join(project, 'other', 'Dockerfile')], 'outside the working directory: absolute');
  const text = runCli([join(project, 'sub')], { cwd: project });
  assert.match(text.stdout, /^sub\/Dockerfile:2:9 warning HPC-PORT-001 /m);
});

test('hpclint lsp --help prints the server usage instead of starting it', () => {
  const help = runCli(['lsp', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: hpclint lsp \[--stdio/);
});

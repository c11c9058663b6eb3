import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import packageJson from '../../package.json';
import { allRules } from '../../server/src/rules/index';
import { cliPath, fixtures, parseJson, runCli } from './helpers';

const QUIET = 'test/fixtures/cli/quiet';
const MAINTAINER = 'dockerfile-utils/DEPRECATED_MAINTAINER';
const temp = mkdtempSync(join(tmpdir(), 'hpclint-cli-'));
// A repository root: config lookup from the temp projects stops here.
mkdirSync(join(temp, '.git'));
after(() => rmSync(temp, { recursive: true, force: true }));

function tempProject(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(temp, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

test('--version and --help', () => {
  const version = runCli(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `${packageJson.version}\n`);
  const help = runCli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: hpclint \[options\] <file\|dir>\.\.\./);
  assert.match(help.stdout, /--fail-on error\|warning\|info\|hint\|never/);
  assert.match(help.stdout, /--min-severity error\|warning\|info\|hint/);
});

test('text format: grouped lines, fix hints and a summary; directories are walked for recipes only', () => {
  const run = runCli([QUIET]);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, '');
  assert.equal(
    run.stdout,
    `${QUIET}/Dockerfile:2:1 warning ${MAINTAINER} MAINTAINER has been deprecated\n\n` +
      '1 problem (0 errors, 1 warning, 0 info) in 3 files\n',
  );
  const clean = runCli([`${QUIET}/clean/Singularity`]);
  assert.equal(clean.status, 0);
  assert.equal(clean.stdout, '0 problems (0 errors, 0 warnings, 0 info) in 1 file\n');
});

test('text format prints a fix hint under a finding that has a fix', () => {
  const run = runCli(['test/fixtures/cli/fix/Singularity']);
  assert.equal(run.status, 1);
  assert.equal(
    run.stdout,
    'test/fixtures/cli/fix/Singularity:4:1 error HPC-DEF-005 Unknown section `%enviroment`: Apptainer stops with "invalid section(s) specified". Did you mean `%environment`?\n' +
      '  fix: Change to `%environment` (safe, --fix applies it)\n\n' +
      '1 problem (1 error, 0 warnings, 0 info) in 1 file\n',
  );
});

test('json format has exactly the documented shape', () => {
  const run = runCli(['--format', 'json', QUIET]);
  assert.equal(run.status, 1);
  const report = parseJson(run);
  assert.deepEqual(Object.keys(report), ['version', 'tool', 'files']);
  assert.equal(report.version, 1);
  assert.deepEqual(report.tool, { name: 'hpclint', version: packageJson.version });
  assert.deepEqual(
    report.files.map((file) => [file.path, file.format]),
    [
      [`${QUIET}/Dockerfile`, 'dockerfile'],
      [`${QUIET}/clean/Singularity`, 'apptainer'],
      [`${QUIET}/nested/app.def`, 'apptainer'],
    ],
  );
  for (const file of report.files) {
    assert.deepEqual(Object.keys(file), ['path', 'format', 'diagnostics']);
  }
  assert.deepEqual(report.files[0].diagnostics, [
    {
      code: MAINTAINER,
      name: 'DEPRECATED_MAINTAINER',
      category: 'syntax',
      severity: 'warning',
      message: 'MAINTAINER has been deprecated',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 11,
      fixable: false,
    },
  ]);
  const fixable = parseJson(runCli(['--format=json', 'test/fixtures/cli/fix/Singularity'])).files[0].diagnostics[0];
  assert.equal(fixable.fixable, true);
  assert.deepEqual([fixable.line, fixable.column, fixable.endLine, fixable.endColumn], [4, 1, 4, 12]);
});

test('--fail-on decides the exit status', () => {
  assert.equal(runCli([QUIET]).status, 1);
  assert.equal(runCli(['--fail-on', 'warning', QUIET]).status, 1);
  assert.equal(runCli(['--fail-on', 'error', QUIET]).status, 0);
  assert.equal(runCli(['--fail-on', 'info', QUIET]).status, 1);
  assert.equal(runCli(['--fail-on', 'never', 'test/fixtures/cli/fix']).status, 0);
  assert.equal(runCli(['--fail-on', 'error', 'test/fixtures/cli/fix']).status, 1);
  assert.equal(runCli(['--fail-on', 'info', `${QUIET}/clean`]).status, 0);
});

test('--rule overrides severities (by code or name) and is validated', () => {
  const louder = runCli(['--format', 'json', '--fail-on', 'error', '--rule', `${MAINTAINER}=error`, QUIET]);
  assert.equal(louder.status, 1);
  assert.equal(parseJson(louder).files[0].diagnostics[0].severity, 'error');
  const off = runCli(['--rule', `${MAINTAINER}=off`, QUIET]);
  assert.equal(off.status, 0);
  assert.match(off.stdout, /^0 problems/);
  const byName = runCli(['--rule', 'valid-section-names=info', 'test/fixtures/cli/fix/Singularity', '--format', 'json']);
  assert.equal(byName.status, 0);
  assert.equal(parseJson(byName).files[0].diagnostics[0].severity, 'info');
  const unknown = runCli(['--rule', 'HPC-NOPE-999=off', QUIET]);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, 'hpclint: unknown rule "HPC-NOPE-999" in --rule (see hpclint --list-rules)\n');
  assert.equal(runCli(['--rule', `${MAINTAINER}=loud`, QUIET]).status, 2);
  assert.equal(runCli(['--rule', 'nothing', QUIET]).status, 2);
});

test('usage errors exit 2 with one line on stderr', () => {
  for (const args of [['--bogus', QUIET], ['--format', 'xml', QUIET], ['--fail-on'], [], ['--stdin', QUIET], ['--stdin-filename', 'x']]) {
    const run = runCli(args);
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^hpclint: [^\n]+\n$/, args.join(' '));
  }
  assert.equal(runCli(['--bogus']).stderr, 'hpclint: unknown option --bogus (see hpclint --help)\n');
});

test('a missing file exits 2, is one error in the report, and the other files are still linted', () => {
  const missing = 'test/fixtures/cli/does-not-exist/Dockerfile';
  const run = runCli([missing, `${QUIET}/Dockerfile`]);
  assert.equal(run.status, 2);
  assert.equal(run.stderr, `hpclint: cannot read ${missing}: no such file or directory\n`);
  assert.equal(
    run.stdout,
    `${missing}:1:1 error hpclint/unreadable Cannot read this file: no such file or directory. hpclint did not lint it.\n\n` +
      `${QUIET}/Dockerfile:2:1 warning ${MAINTAINER} MAINTAINER has been deprecated\n\n` +
      '2 problems (1 error, 1 warning, 0 info) in 2 files\n',
  );
});

test('an invalid config file exits 2 naming file and line', () => {
  const found = runCli(['test/fixtures/cli/invalid-config/Dockerfile']);
  assert.equal(found.status, 2);
  assert.equal(found.stdout, '');
  assert.match(
    found.stderr,
    /^hpclint: invalid config \S*test\/fixtures\/cli\/invalid-config\/\.hpclint\.yaml:4: invalid severity for "security" in categories: expected off, error, warning, info or hint\n$/,
  );
  const explicit = runCli(['--config', 'test/fixtures/cli/invalid-config/.hpclint.yaml', `${QUIET}/Dockerfile`]);
  assert.equal(explicit.status, 2);
  assert.match(explicit.stderr, /\.hpclint\.yaml:4: /);
  const missing = runCli(['--config', 'test/fixtures/cli/nope.yaml', `${QUIET}/Dockerfile`]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.yaml:1: cannot read config file: no such file or directory/);
});

test('--config replaces the config lookup', () => {
  // The quiet config turns HPC-DEF-005 off for the fix fixture; the JSON config does not.
  const quiet = runCli(['--config', `${QUIET}/.hpclint.yaml`, 'test/fixtures/cli/fix/Singularity']);
  assert.equal(quiet.status, 0);
  const other = runCli(['--config', 'test/fixtures/config/json/.hpclint.json', 'test/fixtures/cli/fix/Singularity', '--format', 'json']);
  assert.ok(parseJson(other).files[0].diagnostics.some((d) => d.code === 'HPC-DEF-005'));
});

test('--stdin lints standard input, named by --stdin-filename', () => {
  const def = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n    export A=1\n';
  const named = runCli(['--stdin', '--stdin-filename', 'test/fixtures/cli/fix/Singularity', '--format', 'json'], { input: def });
  assert.equal(named.status, 1);
  const report = parseJson(named);
  assert.equal(report.files[0].path, 'test/fixtures/cli/fix/Singularity');
  assert.equal(report.files[0].format, 'apptainer');
  assert.deepEqual(
    report.files[0].diagnostics.map((d) => d.code),
    ['HPC-DEF-005'],
  );
  const anonymous = runCli(['--stdin', '--format', 'json', '--config', `${QUIET}/.hpclint.yaml`], {
    input: 'FROM ubuntu:22.04\nMAINTAINER x\n',
  });
  assert.equal(parseJson(anonymous).files[0].path, '<stdin>');
  assert.equal(parseJson(anonymous).files[0].format, 'dockerfile');
  assert.deepEqual(
    parseJson(anonymous).files[0].diagnostics.map((d) => d.code),
    [MAINTAINER],
  );
  assert.equal(runCli(['--stdin', '--fix'], { input: def }).status, 2);
});

test('--explain prints the rule documentation', () => {
  const run = runCli(['--explain', 'HPC-DEF-005']);
  assert.equal(run.status, 0);
  assert.match(run.stdout, /^# HPC-DEF-005 valid-section-names\n\n/);
  for (const heading of ['## What it does', '## Why is this bad on HPC?', '## How to fix', '## Examples', '## References']) {
    assert.ok(run.stdout.includes(`\n${heading}\n`), heading);
  }
  assert.ok(run.stdout.includes('```apptainer\nBootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n'));
  assert.equal(runCli(['--explain', 'valid-section-names']).stdout, run.stdout);
  const unknown = runCli(['--explain', 'HPC-NOPE-001']);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, 'hpclint: unknown rule "HPC-NOPE-001" (see hpclint --list-rules)\n');
});

test('--list-rules lists every registered rule', () => {
  const text = runCli(['--list-rules']);
  assert.equal(text.status, 0);
  const lines = text.stdout.trimEnd().split('\n');
  // The last line says whether ShellCheck runs (test/cli/shellcheck.test.ts checks it).
  assert.equal(lines.length, Math.max(allRules.length, 1) + 1);
  assert.match(lines[lines.length - 1], /^shellcheck\/SC<NNNN> {2}shell {2}ShellCheck /);
  for (const [i, rule] of allRules.entries()) {
    assert.ok(lines[i].startsWith(`${rule.meta.code} `), lines[i]);
    assert.ok(lines[i].includes(` ${rule.meta.name} `));
  }
  const json = JSON.parse(runCli(['--list-rules', '--format', 'json']).stdout) as Array<{ code: string }>;
  assert.deepEqual(
    json.map((r) => r.code),
    allRules.map((r) => r.meta.code),
  );
});

test('--fix rewrites files with safe fixes, then reports what is left; a second run changes nothing', () => {
  const dir = join(temp, 'fix');
  cpSync(join(fixtures, 'fix'), dir, { recursive: true });
  const recipe = join(dir, 'Singularity');
  const first = runCli(['--fix', dir]);
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.equal(first.stdout, '0 problems (0 errors, 0 warnings, 0 info) in 1 file\n');
  const fixed = readFileSync(recipe, 'utf8');
  assert.equal(fixed, 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export LC_ALL=C\n\n%post\n    apt-get update\n');
  const second = runCli(['--fix', recipe]);
  assert.equal(second.status, 0);
  assert.equal(readFileSync(recipe, 'utf8'), fixed);
});

test('--fix keeps every byte outside its edits: Latin-1 bytes, CRLF line ends, a UTF-8 BOM', () => {
  const dir = join(temp, 'fix-bytes');
  mkdirSync(dir, { recursive: true });
  const cases: Array<[string, Buffer, Buffer]> = [
    [
      'latin1.def',
      Buffer.from('Bootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n    export A=1\n%post\n    echo "caf\xe9 \xff"\n', 'latin1'),
      Buffer.from('Bootstrap: docker\nFrom: ubuntu:24.04\n%environment\n    export A=1\n%post\n    echo "caf\xe9 \xff"\n', 'latin1'),
    ],
    [
      'crlf.def',
      Buffer.from('Bootstrap: docker\r\nFrom: ubuntu:24.04\r\n\r\n%enviroment\r\n    export A=1\r\n', 'utf8'),
      Buffer.from('Bootstrap: docker\r\nFrom: ubuntu:24.04\r\n\r\n%environment\r\n    export A=1\r\n', 'utf8'),
    ],
    [
      'bom.def',
      Buffer.from('\ufeffBootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n    export GREETING="grüß"\n', 'utf8'),
      Buffer.from('\ufeffBootstrap: docker\nFrom: ubuntu:24.04\n%environment\n    export GREETING="grüß"\n', 'utf8'),
    ],
  ];
  for (const [name, before, after] of cases) {
    const path = join(dir, name);
    writeFileSync(path, before);
    const run = runCli(['--fix', '--rule', 'HPC-DEF-005=error', '--fail-on', 'never', path]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readFileSync(path), after, name);
  }
});

test('github format prints workflow commands', () => {
  const run = runCli(['--format', 'github', QUIET, 'test/fixtures/cli/fix/Singularity']);
  assert.equal(run.status, 1);
  assert.equal(
    run.stdout,
    `::warning file=${QUIET}/Dockerfile,line=2,col=1,endLine=2,endColumn=11,title=${MAINTAINER}::MAINTAINER has been deprecated\n` +
      '::error file=test/fixtures/cli/fix/Singularity,line=4,col=1,endLine=4,endColumn=12,title=HPC-DEF-005::' +
      'Unknown section `%25enviroment`: Apptainer stops with "invalid section(s) specified". Did you mean `%25environment`?\n',
  );
});

test('directory walking skips node_modules and .git; ignorePaths applies to walked files only', () => {
  const dir = tempProject('walk', {
    '.hpclint.yaml': 'ignorePaths:\n  - vendor/\n  - "**/*.generated.dockerfile"\n',
    'node_modules/pkg/Dockerfile': 'FROM x\n',
    '.git/Dockerfile': 'FROM x\n',
    'vendor/Dockerfile': 'FROM x\n',
    'app/Dockerfile': 'FROM ubuntu:22.04\n',
    'app/base.generated.dockerfile': 'FROM ubuntu:22.04\n',
    'app/Containerfile.gpu': 'FROM ubuntu:22.04\n',
    'hpc/Apptainer': 'Bootstrap: docker\nFrom: ubuntu:22.04\n',
    'hpc/examples__mpi__Apptainer': 'Bootstrap: docker\nFrom: ubuntu:22.04\n',
    'hpc/exports.def': 'LIBRARY mylib\n',
    'singularity-compose.yml': 'version: "1.0"\n',
    'notes.txt': 'FROM ubuntu\n',
  });
  mkdirSync(join(dir, '.git', 'objects'), { recursive: true });
  const run = runCli(['--format', 'json', '--fail-on', 'never', '.'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    parseJson(run).files.map((f) => f.path),
    ['app/Containerfile.gpu', 'app/Dockerfile', 'hpc/Apptainer', 'hpc/examples__mpi__Apptainer'],
  );
  const explicit = runCli(['--format', 'json', '--fail-on', 'never', 'vendor/Dockerfile', 'notes.txt'], { cwd: dir });
  assert.deepEqual(
    parseJson(explicit).files.map((f) => [f.path, f.format]),
    [
      ['vendor/Dockerfile', 'dockerfile'],
      ['notes.txt', 'dockerfile'],
    ],
  );
});

test('huge and binary files are reported as skipped, not dropped; a recipe too large to check fails CI', () => {
  const line = 'RUN echo "padding padding padding padding padding padding padding padding padding"\n';
  const dir = tempProject('skip', {
    'big/Dockerfile': 'FROM ubuntu:22.04\n' + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)),
    'bin/Dockerfile': Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x00, 0xff, 0xfe, 0x00, 0x01, 0x02]),
  });
  const started = Date.now();
  const run = runCli(['--format', 'json', dir]);
  const elapsed = Date.now() - started;
  assert.equal(run.status, 1, run.stderr);
  const report = parseJson(run);
  assert.deepEqual(
    report.files.map((f) => [f.path.slice(dir.length + 1), f.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)]),
    [
      ['big/Dockerfile', ["hpclint/skipped warning File skipped: 10.0 MB exceeds hpclint's 2 MB limit"]],
      ['bin/Dockerfile', ['hpclint/skipped info File skipped: looks binary (contains NUL bytes)']],
    ],
  );
  const text = runCli([dir]);
  assert.match(text.stdout, /big\/Dockerfile:1:1 warning hpclint\/skipped File skipped: 10\.0 MB exceeds hpclint's 2 MB limit\n/);
  console.log(`# huge+binary run took ${elapsed} ms`);
});

test('hpclint lsp --stdio starts the language server once and answers initialize', async () => {
  const child = spawn(process.execPath, [cliPath, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  try {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const output = await new Promise<string>((resolve, reject) => {
      let data = '';
      const timer = setTimeout(() => reject(new Error(`no initialize response; got: ${data}`)), 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
        if (/"id":1/.test(data) && /"capabilities"/.test(data)) {
          clearTimeout(timer);
          // Give a second server instance (the bug this guards against) time to answer too.
          setTimeout(() => resolve(data), 300);
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${data}`)));
    });
    assert.equal(output.match(/Content-Length/g)?.length, 1, output);
    assert.match(output, /"textDocumentSync"/);
  } finally {
    child.kill();
  }
});

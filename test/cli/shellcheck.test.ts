// ShellCheck through the CLI: on by default when installed, batched over all files, off with --no-shellcheck
// or `categories: { shell: off }`, and silent (no findings, no error) when the binary is missing; its results
// kept between runs with --shellcheck-cache.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { haveShellCheck } from '../unit/shellcheck/helpers';
import { parseJson, root, runCli } from './helpers';

const FIXTURE = 'test/fixtures/shellcheck/run-forms.Dockerfile';
const DEFAULTS_ONLY = join(root, 'test/fixtures/config/empty/.hpclint.yaml');
/** An empty directory as the whole PATH (the CLI runs node by its absolute path). */
function withoutShellCheckOnPath<T>(use: (env: NodeJS.ProcessEnv) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-path-'));
  try {
    return use({ PATH: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shellFindings(args: readonly string[], env?: NodeJS.ProcessEnv): string[] {
  const run = runCli(['--format', 'json', '--config', DEFAULTS_ONLY, ...args], { env });
  assert.equal(run.stderr, '');
  return parseJson(run).files.flatMap((file) =>
    file.diagnostics.filter((d) => d.category === 'shell').map((d) => `${d.line}:${d.column} ${d.severity} ${d.code}`),
  );
}

test('the CLI reports ShellCheck findings as shellcheck/SC<NNNN> in category shell', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const run = runCli(['--format', 'json', '--config', DEFAULTS_ONLY, FIXTURE]);
  const diagnostics = parseJson(run).files[0].diagnostics.filter((d) => d.category === 'shell');
  assert.equal(diagnostics.length, 7); // the SC2086 quoting advice is a hint, left out by default
  assert.deepEqual(diagnostics[0], {
    code: 'shellcheck/SC3010',
    name: 'SC3010',
    category: 'shell',
    severity: 'warning',
    message: 'In dash, [[ ]] is not supported. This script runs with /bin/sh (dash on this Debian/Ubuntu base).',
    line: 5,
    column: 8,
    endLine: 5,
    endColumn: 32,
    fixable: false,
  });
  assert.equal(run.status, 1);
  const text = runCli(['--config', DEFAULTS_ONLY, FIXTURE]).stdout;
  assert.match(text, /run-forms\.Dockerfile:5:8 warning shellcheck\/SC3010 In dash, \[\[ \]\] is not supported\./);
});

test('--no-shellcheck, categories: shell: off and --rule turn ShellCheck findings off', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  assert.equal(shellFindings([FIXTURE]).length, 7);
  assert.deepEqual(shellFindings(['--no-shellcheck', FIXTURE]), []);
  assert.deepEqual(shellFindings(['--rule', 'SC2154=off', '--rule', 'shellcheck/SC2086=off', '--rule', 'SC3010=error', FIXTURE]), [
    '5:8 error shellcheck/SC3010',
    '11:5 info shellcheck/SC2164',
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-config-'));
  try {
    writeFileSync(join(dir, '.hpclint.yaml'), 'categories:\n  shell: off\n');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:12\nRUN echo $undefined\n');
    const run = runCli(['--format', 'json', join(dir, 'Dockerfile')]);
    assert.deepEqual(parseJson(run).files[0].diagnostics.filter((d) => d.category === 'shell'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without shellcheck on the PATH: no ShellCheck findings, no error, and --list-rules says why', () => {
  withoutShellCheckOnPath((env) => {
    assert.deepEqual(shellFindings([FIXTURE], env), []);
    const run = runCli(['--config', DEFAULTS_ONLY, FIXTURE], { env });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0);
    const listed = runCli(['--list-rules'], { env });
    assert.equal(listed.status, 0);
    assert.equal(
      listed.stdout.trimEnd().split('\n').pop(),
      'shellcheck/SC<NNNN>  shell  ShellCheck is not available, so shell scripts are not checked: shellcheck was not found on the PATH; install it (Debian/Ubuntu: apt-get install shellcheck).',
    );
  });
});

test('a ShellCheck that fails is reported on stderr per script and the lint still completes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-fake-'));
  try {
    const fake = join(dir, 'shellcheck');
    writeFileSync(fake, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "version: 0.9.0"; exit 0; fi\necho "not json"\nexit 1\n');
    chmodSync(fake, 0o755);
    const run = runCli(['--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, '--shellcheck', fake, FIXTURE]);
    assert.equal(run.status, 0, 'the lint itself succeeds: the fixture has no hpclint warnings');
    assert.ok(parseJson(run).files[0].diagnostics.length > 0);
    assert.match(run.stderr, /^hpclint: shellcheck: test\/fixtures\/shellcheck\/run-forms\.Dockerfile: line 5: RUN: shellcheck printed output that is not JSON\n/);
    const missing = runCli(['--format', 'json', '--config', DEFAULTS_ONLY, '--shellcheck', join(dir, 'nope'), FIXTURE]);
    assert.equal(missing.stderr, `hpclint: shellcheck: ${join(dir, 'nope')} is not an executable file; install it (Debian/Ubuntu: apt-get install shellcheck)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A `shellcheck` that says it is `version` and fails every check (so only cached results can give findings). */
function failingShellCheck(dir: string, version: string): string {
  const fake = join(dir, `shellcheck-${version}`);
  writeFileSync(fake, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "version: ${version}"; exit 0; fi\necho "not json"\nexit 1\n`);
  chmodSync(fake, 0o755);
  return fake;
}

test('--shellcheck-cache keeps ShellCheck results between runs: the same report without checking again, for the same version only', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const version = /version:\s*(\S+)/.exec(spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).stdout)?.[1];
  assert.ok(version);
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-cache-'));
  try {
    const cache = join(dir, 'cache', 'shellcheck.json');
    const args = ['--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, FIXTURE];
    const uncached = runCli(args);
    const cold = runCli(['--shellcheck-cache', cache, ...args]);
    assert.equal(cold.stderr, '');
    assert.equal(cold.stdout, uncached.stdout);
    assert.ok(existsSync(cache));

    // Every script is in the cache: a ShellCheck that cannot check anything is never asked.
    const warm = runCli(['--shellcheck-cache', cache, '--shellcheck', failingShellCheck(dir, version), ...args]);
    assert.equal(warm.stderr, '');
    assert.equal(warm.stdout, uncached.stdout);
    assert.equal(warm.status, uncached.status);

    // Another version's results are not used (and the cache is rewritten for it).
    const other = runCli(['--shellcheck-cache', cache, '--shellcheck', failingShellCheck(dir, '0.7.2'), ...args]);
    assert.match(other.stderr, /^hpclint: shellcheck: test\/fixtures\/shellcheck\/run-forms\.Dockerfile: line 5: RUN: shellcheck printed output that is not JSON\n/);
    assert.ok(parseJson(other).files[0].diagnostics.every((d) => d.category !== 'shell'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--shellcheck-cache: a damaged or foreign cache file counts as empty and is replaced; one that cannot be written is reported', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-cache-'));
  try {
    const args = ['--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, FIXTURE];
    const uncached = runCli(args);
    const cache = join(dir, 'shellcheck.json');
    for (const content of ['not json', '[]', '{"hpclintShellCheckCache":1,"identity":"x","results":{}}']) {
      writeFileSync(cache, content);
      const run = runCli(['--shellcheck-cache', cache, ...args]);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, uncached.stdout);
      assert.ok(Object.keys((JSON.parse(readFileSync(cache, 'utf8')) as { results: object }).results).length > 0);
    }
    // Entries that are not ShellCheck comments are not used: the script is checked again.
    const stored = JSON.parse(readFileSync(cache, 'utf8')) as { results: Record<string, unknown> };
    for (const key of Object.keys(stored.results)) {
      stored.results[key] = [{ line: 'one' }];
    }
    writeFileSync(cache, JSON.stringify(stored));
    assert.equal(runCli(['--shellcheck-cache', cache, ...args]).stdout, uncached.stdout);

    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    const unwritable = runCli(['--shellcheck-cache', join(blocked, 'cache.json'), ...args]);
    assert.equal(unwritable.stdout, uncached.stdout);
    assert.match(unwritable.stderr, /^hpclint: shellcheck: cannot write the cache .*a-file\/cache\.json: /);
    assert.equal(runCli(['--shellcheck-cache', '', FIXTURE]).stderr, 'hpclint: --shellcheck-cache needs a file\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

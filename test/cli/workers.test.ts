// With enough files the CLI lints on worker threads; the report, exit status and --fix result are
// byte for byte those of the in-process run (HPCLINT_WORKERS=0), in input order.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { root, runCli } from './helpers';

const temp = mkdtempSync(join(tmpdir(), 'hpclint-cli-workers-'));
after(() => rmSync(temp, { recursive: true, force: true }));

/** Every rule fixture's bad example: over 100 recipes of both formats with findings and fixes. */
function fixtureRecipes(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(path);
      } else if (/^bad[^.]*\.(Dockerfile|def)$/.test(entry.name)) {
        found.push(path);
      }
    }
  };
  walk(join(root, 'test', 'fixtures', 'rules'));
  return found.sort();
}

function copyRecipes(to: string): void {
  for (const path of fixtureRecipes()) {
    const name = `${basename(dirname(path))}-${basename(path)}`;
    cpSync(path, join(to, name.endsWith('.def') ? name : `${name.replace(/\.Dockerfile$/, '')}.Dockerfile`));
  }
}

function readAll(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

test('enough files to use worker threads: the same report as in-process', () => {
  const dir = join(temp, 'lint');
  copyRecipes(dir);
  assert.ok(readdirSync(dir).length >= 64, 'enough files for two workers');
  // With ShellCheck (when installed) one lint worker, which also places ShellCheck's findings; without it one per core.
  for (const args of [['--format', 'json', dir], ['--format', 'json', '--no-shellcheck', dir]]) {
    const inProcess = runCli(args, { env: { HPCLINT_WORKERS: '0' } });
    const threaded = runCli(args);
    assert.equal(threaded.status, inProcess.status);
    assert.equal(threaded.stderr, inProcess.stderr);
    assert.equal(threaded.stdout, inProcess.stdout);
    assert.ok((JSON.parse(threaded.stdout) as { files: unknown[] }).files.length >= 64);
  }
});

test('--fix on worker threads writes exactly what the in-process run writes', () => {
  const one = join(temp, 'fix-in-process');
  const two = join(temp, 'fix-threaded');
  copyRecipes(one);
  copyRecipes(two);
  const inProcess = runCli(['--fix', '--format', 'json', one], { env: { HPCLINT_WORKERS: '0' } });
  const threaded = runCli(['--fix', '--format', 'json', two]);
  assert.equal(threaded.status, inProcess.status);
  assert.equal(threaded.stdout.replaceAll(two, one), inProcess.stdout);
  assert.deepEqual(readAll(two), readAll(one));
  const original = join(temp, 'original');
  copyRecipes(original);
  const before = readAll(original);
  const changed = Object.entries(readAll(one)).filter(([name, text]) => before[name] !== text);
  assert.ok(changed.length >= 5, `--fix changed ${changed.length} files`);
});

test('ShellCheck problems on worker threads are reported in input order, as in-process', () => {
  const dir = join(temp, 'shellcheck-fails');
  copyRecipes(dir);
  const fake = join(temp, 'shellcheck');
  writeFileSync(fake, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "version: 0.9.0"; exit 0; fi\necho "not json"\nexit 1\n');
  chmodSync(fake, 0o755);
  const args = ['--format', 'json', '--shellcheck', fake, dir];
  const inProcess = runCli(args, { env: { HPCLINT_WORKERS: '0' } });
  const threaded = runCli(args);
  const lines = threaded.stderr.trimEnd().split('\n');
  assert.ok(lines.length >= 64, `${lines.length} lines`);
  assert.ok(lines.every((line) => line.includes(': shellcheck printed output that is not JSON')));
  assert.equal(threaded.stderr, inProcess.stderr);
  const files = lines.map((line) => /^hpclint: shellcheck: (.*?): line \d+/.exec(line)?.[1]);
  assert.deepEqual(files, [...files].sort());
});

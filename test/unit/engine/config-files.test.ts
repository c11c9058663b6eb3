// Config and site-profile files are read like untrusted input: regular files only, bounded, and a file
// found by the upward search (or named by one) never through a link out of its repository.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, loadConfigFile } from '../../../server/src/engine/config';
import { allRules } from '../../../server/src/rules/index';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-config-files-')));
after(() => rmSync(temp, { recursive: true, force: true }));

function detail(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return `${error.line}: ${error.detail}`;
  }
  return 'no error';
}

test('a FIFO, a device or a huge file as config is refused at once', () => {
  const fifo = join(temp, 'fifo.yaml');
  execFileSync('mkfifo', [fifo]);
  assert.match(detail(() => loadConfigFile(fifo, allRules)), /^1: cannot read config file: not a regular file \(a FIFO\)/);
  if (existsSync('/dev/zero')) {
    const zero = join(temp, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    assert.match(detail(() => loadConfigFile(zero, allRules)), /^1: cannot read config file: not a regular file \(a character device\)/);
  }
  const big = join(temp, 'big.yaml');
  writeFileSync(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  assert.equal(detail(() => loadConfigFile(big, allRules)), '1: config file is larger than 1 MB');
});

test('a looked-up config that links out of its repository is not read; one named by the user is', () => {
  const repo = join(temp, 'repo');
  const elsewhere = join(temp, 'elsewhere');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'shared'));
  mkdirSync(join(repo, 'app'));
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'private.yaml'), 'rules:\n  HPC-PORT-001: off\n');
  writeFileSync(join(repo, 'shared', 'base.yaml'), 'rules:\n  HPC-PORT-001: error\n');
  symlinkSync(join(elsewhere, 'private.yaml'), join(repo, '.hpclint.yaml'));
  symlinkSync('../shared/base.yaml', join(repo, 'app', '.hpclint.yaml'));
  assert.equal(
    detail(() => loadConfigFile(join(repo, '.hpclint.yaml'), allRules, { discovered: true })),
    `1: ${join(elsewhere, 'private.yaml')} is outside ${repo}; not read`,
  );
  assert.deepEqual(loadConfigFile(join(repo, '.hpclint.yaml'), allRules).rules, { 'HPC-PORT-001': 'off' });
  assert.deepEqual(loadConfigFile(join(repo, 'app', '.hpclint.yaml'), allRules, { discovered: true }).rules, { 'HPC-PORT-001': 'error' });
});

test('a config file names site profiles inside its repository only', () => {
  const repo = join(temp, 'sites');
  mkdirSync(join(repo, '.git'), { recursive: true });
  writeFileSync(join(repo, '.hpclint.yaml'), `site: ${join(temp, 'elsewhere', 'x.hpclint-site.yaml')}\n`);
  assert.match(detail(() => loadConfigFile(join(repo, '.hpclint.yaml'), allRules)), /^1: site profile \/.*x\.hpclint-site\.yaml is outside .*; not read$/);
});

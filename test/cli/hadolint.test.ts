// `.hadolint.yaml` through the CLI: found by walking up like `.hpclint.yaml`, below it, and its
// failure-threshold is the default --fail-on; a broken one is an invalid config.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJson, runCli } from './helpers';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-hadolint-'));
  mkdirSync(join(dir, '.git'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const RECIPE = 'FROM ubuntu:latest\nFROM quay.io/someone/tool:1.0\nENV API_TOKEN=abc123secret\nUSER root\n';

test('.hadolint.yaml above the recipe: ignored, override, trustedRegistries, failure-threshold', () => {
  const dir = project({
    '.hadolint.yaml': 'ignored: [DL3064]\noverride:\n  warning: [DL3002]\ntrustedRegistries: ["docker.io"]\nfailure-threshold: error\n',
    'images/app/Dockerfile': RECIPE,
  });
  try {
    const run = runCli(['--format', 'json', '--no-shellcheck', 'images'], { cwd: dir });
    const found = parseJson(run).files[0].diagnostics.filter((d) => /SEC-00[257]/.test(d.code)).map((d) => `${d.line} ${d.code} ${d.severity}`);
    // DL3064 ignored: no HPC-SEC-005; DL3002 overridden; quay.io is not in trustedRegistries.
    assert.deepEqual(found, ['2 HPC-SEC-002 info', '4 HPC-SEC-007 warning']);
    assert.equal(run.status, 0, 'failure-threshold: error → a warning does not fail');
    assert.equal(runCli(['--no-shellcheck', '--fail-on', 'warning', 'images'], { cwd: dir }).status, 1, '--fail-on wins');

    writeFileSync(join(dir, 'images/.hpclint.yaml'), 'rules:\n  HPC-SEC-007: error\n');
    const withHpclint = parseJson(runCli(['--format', 'json', '--no-shellcheck', 'images'], { cwd: dir })).files[0].diagnostics;
    assert.equal(withHpclint.find((d) => d.code === 'HPC-SEC-007')?.severity, 'error', '.hpclint.yaml wins');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken .hadolint.yaml is reported like a broken config file', () => {
  const dir = project({ '.hadolint.yaml': 'override:\n  fatal: [DL3002]\n', Dockerfile: RECIPE });
  try {
    const run = runCli(['--no-shellcheck', 'Dockerfile'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.equal(run.stderr, `hpclint: invalid config ${join(dir, '.hadolint.yaml')}:2: unknown override level "fatal" (expected error, warning, info or style)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Secret values found in recipes never appear in any output format.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './helpers';

const DOCKERFILE = [
  'FROM ubuntu:24.04',
  'ARG GITLAB_TOKEN=glpat-S3CR3TVALUE1',
  'ENV DB_PASSWORD=S3CR3TVALUE2 API_KEY=S3CR3TVALUE3',
  'RUN curl -H "Authorization: Bearer $GITLAB_TOKEN" https://example.org/x',
  '',
].join('\n');

const DEFINITION = [
  'Bootstrap: zypper',
  'OSVersion: 15.5',
  'Product: SLES',
  'User: me@example.org',
  'Regcode: S3CR3TVALUE4',
  'MirrorURL: https://example.org',
  '',
  '%arguments',
  '    API_TOKEN=S3CR3TVALUE5',
  '',
  '%environment',
  '    export SECRET_KEY=S3CR3TVALUE6',
  '',
].join('\n');

test('secrets are reported by name, and their values appear in no output format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-secrets-'));
  try {
    const files = [join(dir, 'Dockerfile'), join(dir, 'app.def')];
    writeFileSync(files[0], DOCKERFILE);
    writeFileSync(files[1], DEFINITION);
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const run = runCli(['--format', format, ...files]);
      assert.equal(run.status, 1);
      assert.doesNotMatch(run.stdout + run.stderr, /S3CR3TVALUE/, `${format} output leaks a secret value`);
      assert.match(run.stdout, /HPC-SEC-005/, `${format} reports HPC-SEC-005`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

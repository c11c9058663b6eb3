// Copied scripts in the language server (#12 item 10): a real server process reads the script a recipe
// runs inside the workspace folder, reports its findings on the RUN with relatedInformation at the
// script's line, watches the script, and lints the recipe again when the client says it changed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, TestClient } from './client';

const RECIPE = ['FROM ubuntu:24.04', 'COPY build.sh /opt/build.sh', 'RUN bash /opt/build.sh', ''].join('\n');
const UNPINNED = ['#!/bin/sh', 'set -e', 'git clone https://github.com/example/solver.git', ''].join('\n');
const PINNED = ['#!/bin/sh', 'set -e', 'git clone --branch v1.2.0 --depth 1 https://github.com/example/solver.git', ''].join('\n');

const about = (diagnostics: readonly Diagnostic[], code: string): Diagnostic[] => diagnostics.filter((d) => d.code === code);

test('a copied script: findings on the RUN with the script line as related information; an edit of the script re-lints the recipe', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hpclint-lsp-scripts-'));
  const folder = join(base, 'workspace');
  mkdirSync(folder);
  const script = join(folder, 'build.sh');
  writeFileSync(script, UNPINNED);
  const client = await TestClient.start({ workspaceFolder: folder });
  try {
    const uri = fileUri(join(folder, 'Dockerfile'));
    const first = await client.open(uri, 'dockerfile', RECIPE);
    const [clone] = about(first.diagnostics, 'HPC-MAINT-001');
    assert.ok(clone, JSON.stringify(first.diagnostics, null, 2));
    assert.deepEqual(clone.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 22 } });
    assert.equal(clone.severity, 2);
    assert.match(String(clone.message), /^build\.sh line 3 \(run here\): `git clone/);
    assert.deepEqual(
      clone.relatedInformation?.map((info) => ({ uri: info.location.uri, range: info.location.range })),
      [{ uri: fileUri(script), range: { start: { line: 2, character: 4 }, end: { line: 2, character: 47 } } }],
    );
    assert.deepEqual(about(first.diagnostics, 'HPC-USE-010'), []);

    // The server asked the client to watch the script.
    const watched = await client.waitFor(
      () => [...client.registrations.values()].find((r) => JSON.stringify(r.registerOptions ?? {}).includes('"pattern":"build.sh"')),
      'a watcher for build.sh',
    );
    assert.equal(watched.method, 'workspace/didChangeWatchedFiles');

    writeFileSync(script, PINNED);
    const before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(script), type: 2 }] });
    const relinted = await client.nextDiagnostics(uri, before);
    assert.deepEqual(about(relinted.diagnostics, 'HPC-MAINT-001'), []);
  } finally {
    await client.stop();
    rmSync(base, { recursive: true, force: true });
  }
});

test('a script linked out of the workspace is not read: one info finding on the RUN', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hpclint-lsp-scripts-'));
  const folder = join(base, 'workspace');
  mkdirSync(folder);
  writeFileSync(join(base, 'outside.sh'), UNPINNED);
  symlinkSync(join(base, 'outside.sh'), join(folder, 'build.sh'));
  const client = await TestClient.start({ workspaceFolder: folder });
  try {
    const published = await client.open(fileUri(join(folder, 'Dockerfile')), 'dockerfile', RECIPE);
    assert.deepEqual(about(published.diagnostics, 'HPC-MAINT-001'), []);
    const unseen = about(published.diagnostics, 'HPC-USE-010');
    assert.deepEqual(
      unseen.map((d) => [d.range, d.severity, d.message]),
      [
        [
          { start: { line: 2, character: 4 }, end: { line: 2, character: 22 } },
          3,
          'RUN runs `build.sh`, copied in from the build context, but hpclint cannot see inside (build.sh leads outside the workspace): its commands are not checked for HPC pitfalls.',
        ],
      ],
    );
  } finally {
    await client.stop();
    rmSync(base, { recursive: true, force: true });
  }
});

// `.hadolint.yaml` in the language server: read below hpclint's config, re-read when the client reports a change.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fileUri, TestClient } from './client';

const codes = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => String(d.code));

test('a .hadolint.yaml in the workspace silences mapped checks; editing it re-lints open recipes', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'hpclint-lsp-hadolint-'));
  mkdirSync(join(folder, '.git'));
  const configPath = join(folder, '.hadolint.yaml');
  writeFileSync(configPath, 'ignored:\n  - DL3002\n  - DL3064\n');
  const client = await TestClient.start({ workspaceFolder: folder });
  try {
    const uri = fileUri(join(folder, 'Dockerfile'));
    const first = await client.open(uri, 'dockerfile', 'FROM debian:12\nENV API_TOKEN=abc123secret\nUSER root\n');
    assert.ok(!codes(first.diagnostics).includes('HPC-SEC-007'));
    assert.ok(!codes(first.diagnostics).includes('HPC-SEC-005'));

    writeFileSync(configPath, 'ignored:\n  - DL3064\n');
    const before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath), type: 2 }] });
    const relinted = await client.nextDiagnostics(uri, before);
    assert.ok(codes(relinted.diagnostics).includes('HPC-SEC-007'));
    assert.ok(!codes(relinted.diagnostics).includes('HPC-SEC-005'));
  } finally {
    await client.stop();
    rmSync(folder, { recursive: true, force: true });
  }
});

// The hpclint/convertDockerfile request over stdio, as the VS Code command sends it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileUri, TestClient } from '../lsp/client';

test('hpclint/convertDockerfile answers with text, notes and the suggested file name', async (t) => {
  const workspace = mkdtempSync(join(tmpdir(), 'hpclint-convert-lsp-'));
  mkdirSync(join(workspace, 'conf'));
  const client = await TestClient.start({ workspaceFolder: workspace });
  t.after(() => rmSync(workspace, { recursive: true, force: true }));
  try {
    const uri = fileUri(join(workspace, 'Dockerfile'));
    const result = await client.request<{ text: string; notes: Array<{ line: number; severity: string; code: string; message: string }>; fileName: string }>(
      'hpclint/convertDockerfile',
      { uri, text: 'FROM alpine:3.20\nCOPY conf /etc/app/\nUSER nobody\n' },
    );
    assert.equal(result.fileName, 'Apptainer.def');
    // `conf` exists as a directory in the build context, so its contents are copied.
    assert.match(result.text, /%files\n {4}conf\/\. \/etc\/app\/\n/);
    assert.deepEqual(
      result.notes.map((note) => [note.code, note.severity, result.text.split('\n')[note.line]]),
      [['HPC-BUILD-002', 'info', '    # USER nobody']],
    );
    const failed = await client.request<{ error: string }>('hpclint/convertDockerfile', { uri, text: 'RUN echo\n' });
    assert.deepEqual(failed, { error: 'no FROM instruction: nothing to convert' });
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

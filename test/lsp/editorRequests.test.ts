// What the editor sees while lints come and go: a code action asked while the lint of its version is pending
// or stopped is answered from the newest result, and a version's diagnostics reach the client again only when
// they changed (VS Code drops a quick-fix or Fix All request in flight whenever a document's markers change).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CodeAction, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TestClient, fileUri } from './client';

const workspace = mkdtempSync(join(tmpdir(), 'hpclint-editor-requests-'));
after(() => rmSync(workspace, { recursive: true, force: true }));

/** A recipe whose lint takes long enough that the requests sent right after a change find it pending. */
function slowRecipe(last: string): string {
  return `FROM ubuntu:22.04\n${'RUN apt-get update && apt-get install -y --no-install-recommends make gcc && rm -rf /var/lib/apt/lists/*\n'.repeat(1500)}${last}\n`;
}

const versionsOf = (published: readonly PublishDiagnosticsParams[] | undefined) => (published ?? []).map((params) => params.version);

test('a code action asked while its lint is pending or stopped by a newer version is answered from the newest result', async () => {
  const client = await TestClient.start({ workspaceFolder: workspace });
  try {
    const uri = fileUri(join(workspace, 'Dockerfile'));
    await client.open(uri, 'dockerfile', slowRecipe('RUN echo ready'));
    const line = 1501;
    const send = (version: number, text: string) =>
      client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    const actionsAt = (character: number) =>
      client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line, character }, end: { line, character: character + 1 } },
        // As an editor asks right after typing: the markers it has are those of an older version.
        context: { diagnostics: [], only: ['quickfix'] },
      });
    // Sent back to back: the request for version 2 finds its lint running, and version 3 stops that lint.
    await send(2, slowRecipe('RUN gcc -O3 -mtune=native -o app app.c'));
    const forVersion2 = actionsAt(20);
    await send(3, slowRecipe('RUN gcc -O3 -march=native -o app app.c'));
    const forVersion3 = actionsAt(20);

    const [answer2, answer3] = await Promise.all([forVersion2, forVersion3]);
    const titles3 = answer3.map((action) => action.title);
    assert.ok(titles3.some((title) => title.startsWith('Replace `-march=native` with `-march=x86-64-v3`')), titles3.join(' | '));
    assert.ok(titles3.includes('Ignore HPC-PORT-001 for this line'), titles3.join(' | '));
    // The request for version 2 is answered too (nothing of version 3 in it: that text is not what it asked about).
    assert.ok(!answer2.some((action) => action.title.includes('-march=native')), answer2.map((action) => action.title).join(' | '));
    const published = await client.nextDiagnostics(uri, 0, (params) => params.version === 3);
    assert.ok(published.diagnostics.some((d) => d.code === 'HPC-PORT-001' && d.range.start.line === line));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('a re-lint that finds the same sends nothing; one that finds something else publishes the version again', async () => {
  let settings: Record<string, unknown> = {};
  const client = await TestClient.start({ workspaceFolder: workspace, settings: () => settings });
  try {
    const first = fileUri(join(workspace, 'a', 'Dockerfile'));
    const second = fileUri(join(workspace, 'b', 'Dockerfile'));
    await client.open(first, 'dockerfile', 'FROM ubuntu:22.04\nRUN gcc -march=native a.c\n');
    await client.open(second, 'dockerfile', 'FROM ubuntu:22.04\nRUN make\n');

    // Settings "changed" to the same values: both documents are linted again and find what they found.
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // The lane lints in order, so by the time the second document's next version is published, the first
    // document's re-lint is done.
    await client.change(second, 'FROM ubuntu:22.04\nRUN make install\n');
    assert.deepEqual(versionsOf(client.diagnostics.get(first)), [1]);
    assert.deepEqual(versionsOf(client.diagnostics.get(second)), [1, 2]);

    settings = { rules: { 'HPC-PORT-001': 'off' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const relinted = await client.nextDiagnostics(first, 1);
    assert.equal(relinted.version, 1);
    assert.ok(!relinted.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

// `hpclint lsp --stdio` (dist/cli.js) serves the same language server.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, TestClient, parseFramedMessages } from './client';

test('hpclint lsp --stdio answers initialize and publishes diagnostics', async () => {
  const client = await TestClient.start({ command: [join(ROOT, 'dist', 'cli.js'), 'lsp', '--stdio'] });
  try {
    assert.equal(client.initializeResult?.serverInfo?.name, 'hpclint');
    const published = await client.open('untitled:Dockerfile', 'dockerfile', 'FROM alpine:3.20\nRUN gcc -march=native x.c\n');
    assert.deepEqual(
      published.diagnostics.filter((d) => d.code === 'HPC-PORT-001').map((d) => d.range),
      [{ start: { line: 1, character: 8 }, end: { line: 1, character: 21 } }],
    );
  } finally {
    assert.equal(await client.stop(), 0);
  }
  const initializeResponses = parseFramedMessages(client.stdout).filter(
    (message) => (message as { result?: { serverInfo?: unknown } }).result?.serverInfo !== undefined,
  );
  assert.equal(initializeResponses.length, 1, 'exactly one server answers (it was started once)');
});

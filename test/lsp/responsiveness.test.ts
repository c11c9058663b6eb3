// The editor never waits for hpclint: large recipes lint on their own worker, config files are not
// re-read per keystroke (clients without file watching re-check them on open/save).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TestClient, fileUri } from './client';

const workspace = mkdtempSync(join(tmpdir(), 'hpclint-responsive-'));
mkdirSync(join(workspace, '.git'));
after(() => rmSync(workspace, { recursive: true, force: true }));

test("a large recipe's lint does not hold up another document's diagnostics", async () => {
  const client = await TestClient.start({ workspaceFolder: workspace });
  try {
    // Over 512 KB: the large-document lane. Its lint takes about a second; the small one a few milliseconds.
    const comments = '# a comment line long enough to make this recipe larger than half a megabyte......\n'.repeat(7000);
    const runs = 'RUN echo hello world && make -j4 install\n'.repeat(2000);
    const bigUri = fileUri(join(workspace, 'big', 'Dockerfile'));
    const smallUri = fileUri(join(workspace, 'small', 'Dockerfile'));
    const order: string[] = [];
    const big = client.open(bigUri, 'dockerfile', `FROM alpine:3.20\n${comments}${runs}RUN gcc -march=native a.c\n`).then((published) => {
      order.push('big');
      return published;
    });
    const small = await client.open(smallUri, 'dockerfile', 'FROM alpine:3.20\nRUN gcc -march=native a.c\n');
    order.push('small');
    assert.ok(small.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
    const bigPublished = await big;
    assert.deepEqual(order, ['small', 'big']);
    assert.ok(bigPublished.diagnostics.some((d) => d.code === 'HPC-PORT-001' && d.range.start.line === 9001));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

test('without file watching, a changed config file applies when a recipe is saved', async () => {
  const folder = join(workspace, 'nowatch');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '.hpclint.yaml'), 'rules:\n  HPC-PORT-001: warning\n');
  const client = await TestClient.start({ workspaceFolder: folder, capabilities: { workspace: { workspaceFolders: true } } });
  try {
    const uri = fileUri(join(folder, 'Dockerfile'));
    const text = 'FROM alpine:3.20\nRUN gcc -march=native a.c\n';
    const opened = await client.open(uri, 'dockerfile', text);
    assert.equal(opened.diagnostics.find((d) => d.code === 'HPC-PORT-001')?.severity, 2);
    writeFileSync(join(folder, '.hpclint.yaml'), 'rules:\n  HPC-PORT-001: off\n');
    const typed = await client.change(uri, `${text}\n`);
    assert.equal(typed.diagnostics.find((d) => d.code === 'HPC-PORT-001')?.severity, 2, 'typing never re-reads config files');
    const before = client.publishedCount(uri);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const saved = await client.nextDiagnostics(uri, before);
    assert.ok(!saved.diagnostics.some((d) => d.code === 'HPC-PORT-001'), JSON.stringify(saved.diagnostics.map((d) => d.code)));
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

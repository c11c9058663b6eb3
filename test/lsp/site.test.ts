// Site profiles through the language server: findings and hovers name the site and the fact, the status
// request says which sites apply, and open recipes are re-linted when a profile file or the setting changes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver/node';
import { fileUri, TestClient } from './client';

const PROFILE = (microarch: string): string =>
  `name: campus\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64, microarch: ${microarch} }\nsources:\n  partitions.cpu: https://campus.example/hardware\n`;
const RECIPE = 'FROM gcc:13\nRUN gcc -O3 -march=x86-64-v4 -o app app.c\n';

test('site profiles in the language server: finding, hover, status, and re-lint when the profile or the setting changes', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-site-'));
  const profile = join(workspace, 'campus.hpclint-site.yaml');
  writeFileSync(profile, PROFILE('x86-64-v3'));
  writeFileSync(join(workspace, '.hpclint.yaml'), 'site: ./campus.hpclint-site.yaml\n');
  let settings: Record<string, unknown> = {};
  const client = await TestClient.start({ workspaceFolder: workspace, settings: () => settings });
  try {
    const uri = fileUri(join(workspace, 'Dockerfile'));
    const published = await client.open(uri, 'dockerfile', RECIPE);
    const finding = published.diagnostics.find((d) => d.code === 'HPC-PORT-001');
    assert.ok(finding, JSON.stringify(published.diagnostics));
    assert.equal(finding.severity, 1);
    assert.match(String(finding.message), /^On campus: `-march=x86-64-v4` needs x86-64-v4, which partition cpu \(x86-64-v3\) lacks/);

    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 22 } });
    const text = (hover?.contents as MarkupContent).value;
    assert.ok(text.includes('**Site:** campus — partition cpu: x86-64-v3 (source: https://campus.example/hardware)'), text);

    assert.deepEqual(await client.request('hpclint/siteStatus', { uri }), { sites: ['campus'], from: 'config', configFile: join(workspace, '.hpclint.yaml') });
    const listed = await client.request<{ name: string }[]>('hpclint/listSites', {});
    assert.deepEqual(listed.map((site) => site.name), ['bede-gh', 'cscs-daint', 'generic-x86-64-v3-ib', 'lumi']);

    // The profile now says the nodes have AVX-512: the open recipe is re-linted without the error.
    let before = client.publishedCount(uri);
    writeFileSync(profile, PROFILE('sapphirerapids'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(profile), type: 2 }] });
    const relinted = await client.nextDiagnostics(uri, before);
    assert.ok(!relinted.diagnostics.some((d) => d.code === 'HPC-PORT-001'), JSON.stringify(relinted.diagnostics));

    // hpclint.site replaces the config file's site: (LUMI's Zen 3 nodes cannot run x86-64-v4).
    before = client.publishedCount(uri);
    settings = { site: 'lumi' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { hpclint: settings } });
    const withLumi = await client.nextDiagnostics(uri, before, (params) => params.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
    assert.match(String(withLumi.diagnostics.find((d) => d.code === 'HPC-PORT-001')!.message), /^On lumi: /);
    assert.deepEqual(await client.request('hpclint/siteStatus', { uri }), { sites: ['lumi'], from: 'setting', configFile: join(workspace, '.hpclint.yaml') });

    // A broken site setting is reported once and linting goes on without it.
    settings = { site: 'nowhere' };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { hpclint: settings } });
    const message = await client.waitFor(() => client.messages.find((m) => m.message.includes('hpclint.site')), 'a message about the site setting');
    assert.match(message.message, /^hpclint: invalid setting hpclint\.site: unknown site profile "nowhere"/);
  } finally {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
});

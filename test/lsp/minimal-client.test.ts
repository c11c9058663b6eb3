// A bare LSP client (no workspace folders, no workspace/configuration, no diagnostic `data` echo, no
// dynamic registration) gets diagnostics, hovers and quick fixes, and the server logs no error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver/node';
import { TestClient } from './client';

test('a client that declares almost nothing works without errors', async () => {
  const client = await TestClient.start({ capabilities: {} });
  try {
    const uri = 'untitled:Dockerfile';
    const published = await client.open(uri, 'dockerfile', 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\n');
    const finding = published.diagnostics.find((d) => d.code === 'HPC-PORT-001');
    assert.ok(finding, JSON.stringify(published.diagnostics));
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 10 },
    });
    assert.match(JSON.stringify(hover?.contents ?? ''), /HPC-PORT-001/);
    // The client sends the diagnostic back without `data` (and without codeDescription), as plain LSP 3.15 clients do.
    const echoed: Diagnostic = { range: finding.range, severity: finding.severity, code: finding.code, source: finding.source, message: finding.message };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [echoed] },
    });
    const fix = actions.find((action) => action.edit !== undefined && /march/.test(action.title));
    assert.ok(fix, `a rule fix without data echo: ${actions.map((a) => a.title).join(' | ')}`);
    assert.deepEqual(fix.edit?.changes?.[uri], [{ range: finding.range, newText: '-march=x86-64-v3' }]);
    assert.deepEqual(client.configurationRequests, [], 'no workspace/configuration request to a client that did not offer it');
    const problems = client.logs.filter((line) => /error|failed|exception|unhandled/i.test(line));
    assert.deepEqual(problems, []);
    assert.deepEqual(client.messages, []);
  } finally {
    assert.equal(await client.stop(), 0);
  }
});

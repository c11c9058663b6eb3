// One finding, its hover and its quick fix per rule group, over real JSON-RPC with the bundled server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, Hover, MarkupContent, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleByCodeOrName } from '../../server/src/engine/registry';
import { GROUPS } from '../groupCases';
import { TestClient, fileUri } from './client';
import { MAX_EXCERPT } from '../../server/src/lsp/features/findingsHover';
import { leadSentence } from '../../server/src/lsp/features/leadSentence';
import { allRules } from '../../server/src/rules/index';

function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'a hover');
  return (hover.contents as MarkupContent).value;
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'plaintext', 1, text), edits);
}

function count(diagnostics: readonly Diagnostic[], code: string): number {
  return diagnostics.filter((diagnostic) => diagnostic.code === code).length;
}

describe('every rule group through the language server', () => {
  let client: TestClient;
  let workspace: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-groups-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({ workspaceFolder: workspace });
  });

  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  for (const group of GROUPS) {
    test(`${group.code}: finding, hover and quick fix`, async () => {
      const path = join(workspace, group.file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, group.text);
      const uri = fileUri(path);
      const languageId = group.file.endsWith('Dockerfile') ? 'dockerfile' : 'apptainer';
      const { diagnostics } = await client.open(uri, languageId, group.text);
      const finding = diagnostics.find((diagnostic) => diagnostic.code === group.code);
      assert.ok(finding, `${group.code} not among ${JSON.stringify(diagnostics.map((d) => d.code))}`);
      assert.equal(finding.source, 'hpclint');

      const meta = ruleByCodeOrName(group.code, allRules)!.meta;
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: finding.range.start });
      assert.ok(hoverText(hover).includes(leadSentence(meta.docs.whyHpc, MAX_EXCERPT).text), 'the hover explains why it bites on HPC systems');

      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: finding.range,
        context: { diagnostics: [finding] },
      });
      const fix = actions.find((action) => !/^(Ignore|Show documentation)/.test(action.title) && group.fixTitle.test(action.title));
      assert.ok(fix?.edit?.changes?.[uri], `no fix among ${JSON.stringify(actions.map((action) => action.title))}`);
      const fixed = applyEdits(group.text, fix.edit.changes[uri]);
      const relinted = await client.change(uri, fixed);
      assert.equal(count(relinted.diagnostics, group.code), count(diagnostics, group.code) - 1, `the fix removes the finding:\n${fixed}`);
      assert.ok(!relinted.diagnostics.some((diagnostic) => diagnostic.code === 'hpclint/parse'), 'the fixed recipe still parses');
      await client.close(uri);
    });
  }
});

// End-to-end: Apptainer/Singularity definition files in the language server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  MarkupContent,
  TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleByCodeOrName } from '../../server/src/engine/registry';
import { bootstrapAgent, headerKeyword, sectionSpec } from '../../server/src/recipe/apptainer-spec';
import { TestClient, fileUri } from './client';
import { MAX_EXCERPT } from '../../server/src/lsp/features/findingsHover';
import { leadSentence } from '../../server/src/lsp/features/leadSentence';
import { allRules } from '../../server/src/rules/index';

const DEF = [
  'Bootstrap: docker',
  'From: ubuntu:24.04',
  'Stage: build',
  '',
  '%post',
  '    apt-get update',
  '    gcc -O2 -march=native -o /usr/local/bin/app app.c',
  '',
  '%enviroment',
  '    export OMP_NUM_THREADS=1',
  '',
  '%runscript',
  '    exec app "$@"',
  '',
].join('\n');

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'apptainer', 1, text), edits);
}

function hoverValue(hover: Hover | null): string {
  assert.ok(hover, 'hover result');
  return (hover.contents as MarkupContent).value;
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

describe('definition files', () => {
  let client: TestClient;
  let workspace: string;
  let uri: string;
  let diagnostics: Diagnostic[];

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-def-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({ workspaceFolder: workspace });
    uri = fileUri(join(workspace, 'Singularity'));
    diagnostics = (await client.open(uri, 'apptainer', DEF)).diagnostics;
  });

  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  test('findings of definition-file rules are published with exact ranges', () => {
    const misspelled = diagnostics.find((d) => d.code === 'HPC-DEF-005');
    assert.ok(misspelled, JSON.stringify(codes(diagnostics)));
    assert.deepEqual(misspelled.range, { start: { line: 8, character: 0 }, end: { line: 8, character: 11 } });
    assert.equal(misspelled.severity, 1);
    const march = diagnostics.find((d) => d.code === 'HPC-PORT-001');
    assert.deepEqual(march?.range, { start: { line: 6, character: 12 }, end: { line: 6, character: 25 } });
  });

  test('the safe fix is the preferred quick fix and the ignore pragma keeps the indentation', async () => {
    const misspelled = diagnostics.find((d) => d.code === 'HPC-DEF-005')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: misspelled.range,
      context: { diagnostics: [misspelled] },
    });
    const fix = actions.find((action) => action.title === 'Change to `%environment`');
    assert.ok(fix, JSON.stringify(actions.map((action) => action.title)));
    assert.equal(fix.isPreferred, true);
    assert.equal(fix.kind, 'quickfix');
    assert.deepEqual(fix.edit?.changes?.[uri], [
      { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 11 } }, newText: '%environment' },
    ]);

    const march = diagnostics.find((d) => d.code === 'HPC-PORT-001')!;
    const marchActions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: march.range,
      context: { diagnostics: [march] },
    });
    const ignore = marchActions.find((action) => action.title === 'Ignore HPC-PORT-001 for this line')!;
    const ignored = applyEdits(DEF, ignore.edit!.changes![uri]);
    assert.ok(ignored.includes('    apt-get update\n    # hpclint ignore=HPC-PORT-001\n    gcc -O2 -march=native'), ignored);
    const relinted = await client.change(uri, ignored);
    assert.ok(!codes(relinted.diagnostics).includes('HPC-PORT-001'), 'the pragma silences the next line');
    assert.ok(codes(relinted.diagnostics).includes('HPC-DEF-005'));
    await client.change(uri, DEF);
  });

  test('source.fixAll.hpclint applies the safe fixes only', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.hpclint'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.hpclint');
    const fixed = applyEdits(DEF, actions[0].edit!.changes![uri]);
    assert.equal(fixed, DEF.replace('%enviroment', '%environment'), 'the unsafe -march fix is not applied');
    assert.deepEqual(actions[0].edit!.changes![uri], [
      { range: { start: { line: 8, character: 7 }, end: { line: 8, character: 7 } }, newText: 'n' },
    ]);
    const quickFixesOnly = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(
      quickFixesOnly.filter((action) => action.kind?.startsWith('source')),
      [],
      'fix-all is only computed when asked for',
    );
  });

  test('hover on a finding explains it; hover on keywords documents them', async () => {
    const finding = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 3 } });
    const meta = ruleByCodeOrName('HPC-DEF-005', allRules)!.meta;
    assert.ok(hoverValue(finding).includes(`**Why it bites on HPC systems:** ${leadSentence(meta.docs.whyHpc, MAX_EXCERPT).text}`));

    const section = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 2 } });
    assert.ok(hoverValue(section).includes(sectionSpec('post')!.doc));
    assert.deepEqual(section?.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } });

    const key = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.ok(hoverValue(key).includes(headerKeyword('from')!.doc));

    const agent = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 13 } });
    assert.ok(hoverValue(agent).includes(bootstrapAgent('docker')!.doc));

    const body = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 5 } });
    assert.equal(body, null);
  });

  test('completion: sections after %, agents after Bootstrap:, header keys in the header only', async () => {
    const completionUri = fileUri(join(workspace, 'Apptainer.completion'));
    const text = 'Bootstrap: \nFr\n\n%po\n    ech\n';
    await client.open(completionUri, 'apptainer', text);
    const at = (line: number, character: number) =>
      client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: completionUri }, position: { line, character } });

    const agents = await at(0, 11);
    assert.ok(agents.some((item) => item.label === 'docker'));
    assert.ok(agents.some((item) => item.label === 'localimage'));

    const keys = await at(1, 2);
    const from = keys.find((item) => item.label === 'From');
    assert.deepEqual(from?.textEdit, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 2 } }, newText: 'From: ' });

    const sections = await at(3, 3);
    const post = sections.find((item) => item.label === '%post');
    assert.deepEqual(post?.textEdit, { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } }, newText: '%post' });
    assert.ok(sections.some((item) => item.label === '%environment'));
    assert.ok(sections.some((item) => item.label === '%appinstall'));

    assert.deepEqual(await at(4, 7), [], 'nothing inside a script body');
    await client.close(completionUri);
  });

  test('document symbols: the stage with its header keys and sections', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'Stage build (docker: ubuntu:24.04)');
    assert.deepEqual(
      symbols[0].children?.map((child) => child.name),
      ['Bootstrap: docker', 'From: ubuntu:24.04', 'Stage: build', '%post', '%enviroment', '%runscript'],
    );
  });

  test('folding: one range per section, ending at its last non-blank line', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(
      ranges.map((range) => [range.startLine, range.endLine]),
      [
        [4, 6],
        [8, 9],
        [11, 12],
      ],
    );
  });

  test('Dockerfile-only requests (signature help, on-type formatting) answer empty for definition files', async () => {
    const position = { line: 0, character: 0 };
    assert.equal(await client.request('textDocument/signatureHelp', { textDocument: { uri }, position }), null);
    const edits = await client.request<TextEdit[] | null>('textDocument/onTypeFormatting', {
      textDocument: { uri },
      position,
      ch: '\\',
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(edits, null);
  });
});

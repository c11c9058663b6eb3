// End-to-end: the bundled server over stdio, driven by a JSON-RPC client.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  MarkupContent,
  TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleByCodeOrName } from '../../server/src/engine/registry';
import { renderRuleDoc } from '../../server/src/docs/render';
import { ROOT, TestClient, fileUri, parseFramedMessages } from './client';
import { MAX_EXCERPT } from '../../server/src/lsp/features/findingsHover';
import { leadSentence } from '../../server/src/lsp/features/leadSentence';
import { allRules } from '../../server/src/rules/index';

const MARCH = 'FROM ubuntu:22.04\nRUN gcc -O3 -march=native -o app app.c\n';
const MARCH_RANGE = { start: { line: 1, character: 12 }, end: { line: 1, character: 25 } };

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'dockerfile', 1, text), edits);
}

function editsOf(action: CodeAction, uri: string): TextEdit[] {
  const edits = action.edit?.changes?.[uri];
  assert.ok(edits, `action "${action.title}" has edits for ${uri}`);
  return edits;
}

function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}

function hoverValue(hover: Hover | null): string {
  assert.ok(hover, 'hover result');
  return (hover.contents as MarkupContent).value;
}

describe('language server over stdio', () => {
  let client: TestClient;
  let workspace: string;
  let rules: Record<string, string> = {};
  let extraSettings: Record<string, unknown> = {};

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({ workspaceFolder: workspace, settings: () => ({ rules, ...extraSettings }) });
  });

  after(async () => {
    const exitCode = await client.stop();
    rmSync(workspace, { recursive: true, force: true });
    assert.equal(exitCode, 0, 'server exits cleanly after shutdown/exit');
  });

  test('initialize declares the features', async () => {
    const capabilities = client.initializeResult!.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.equal(capabilities.hoverProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.hpclint'], resolveProvider: false });
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['=', ' ', '$', '-', '%', ':']);
    assert.equal(capabilities.semanticTokensProvider?.legend.tokenTypes[0], 'keyword');
    for (const provider of ['documentFormattingProvider', 'documentSymbolProvider', 'foldingRangeProvider', 'definitionProvider'] as const) {
      assert.equal(capabilities[provider], true, provider);
    }
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.equal(client.initializeResult!.serverInfo?.name, 'hpclint');
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: 'file:///not-open' } });
    assert.equal(symbols, null, 'requests for unknown documents answer empty');
  });

  test('dockerfile-utils syntax findings are published with their source and code', async () => {
    const uri = fileUri(join(workspace, 'syntax', 'Dockerfile'));
    const published = await client.open(uri, 'dockerfile', 'FROM alpine:3.20\nFOO bar\n');
    const unknown = published.diagnostics.find((d) => d.code === 'dockerfile-utils/UNKNOWN_INSTRUCTION');
    assert.ok(unknown, `UNKNOWN_INSTRUCTION in ${JSON.stringify(codes(published.diagnostics))}`);
    assert.equal(unknown.source, 'dockerfile-utils');
    assert.equal(unknown.severity, 1);
    assert.deepEqual(unknown.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } });
    assert.equal(unknown.message, 'Unknown instruction: FOO');
    await client.close(uri);
  });

  test('HPC-PORT-001 is published with range, severity, doc link and its code as data; the fix comes with the code action', async () => {
    const uri = fileUri(join(workspace, 'march', 'Dockerfile'));
    const published = await client.open(uri, 'dockerfile', MARCH);
    const finding = published.diagnostics.find((d) => d.code === 'HPC-PORT-001');
    assert.ok(finding, `HPC-PORT-001 in ${JSON.stringify(codes(published.diagnostics))}`);
    assert.equal(finding.source, 'hpclint');
    assert.equal(finding.severity, 2);
    assert.deepEqual(finding.range, MARCH_RANGE);
    assert.equal(published.version, 1);
    const doc = join(ROOT, 'docs', 'rules', 'HPC-PORT-001.md');
    assert.deepEqual(finding.codeDescription, existsSync(doc) ? { href: fileUri(doc) } : undefined);
    assert.deepEqual(finding.data, { code: 'HPC-PORT-001' }, 'the fixes stay on the server');

    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 20 },
    });
    const meta = ruleByCodeOrName('HPC-PORT-001', allRules)!.meta;
    const text = hoverValue(hover);
    assert.match(text, /^\*\*HPC-PORT-001\*\* `no-march-native` \(warning\) — /);
    assert.ok(!text.includes(finding.message as string), 'the editor shows the message; the hover does not repeat it');
    assert.ok(text.includes(`**Why it bites on HPC systems:** ${leadSentence(meta.docs.whyHpc, MAX_EXCERPT).text}`));
    assert.ok(text.includes(`**How to fix:** ${leadSentence(meta.docs.howToFix, MAX_EXCERPT).text}`));
    assert.deepEqual(hover?.range, MARCH_RANGE);

    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding] },
    });
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Ignore HPC-PORT-001 for this line'), JSON.stringify(titles));
    assert.ok(titles.includes('Ignore HPC-PORT-001 in this file'));
    const show = actions.find((action) => action.title === 'Show documentation for HPC-PORT-001');
    assert.deepEqual(show?.command, {
      title: 'Show documentation for HPC-PORT-001',
      command: 'hpclint.showRuleDocumentation',
      arguments: ['HPC-PORT-001'],
    });

    const fix = actions.find((action) => action.title.startsWith('Replace `-march=native`'));
    assert.ok(fix, 'the rule fix is offered');
    assert.equal(fix.isPreferred, false, 'an unsafe fix is not preferred');
    const fixed = applyEdits(MARCH, editsOf(fix, uri));
    assert.equal(fixed, 'FROM ubuntu:22.04\nRUN gcc -O3 -march=x86-64-v3 -o app app.c\n');
    const afterFix = await client.change(uri, fixed);
    assert.ok(!codes(afterFix.diagnostics).includes('HPC-PORT-001'), 'applying the fix removes the finding');

    await client.change(uri, MARCH);
    const ignore = actions.find((action) => action.title === 'Ignore HPC-PORT-001 for this line')!;
    const ignored = applyEdits(MARCH, editsOf(ignore, uri));
    assert.equal(ignored, 'FROM ubuntu:22.04\n# hpclint ignore=HPC-PORT-001\nRUN gcc -O3 -march=native -o app app.c\n');
    const afterIgnore = await client.change(uri, ignored);
    assert.ok(!codes(afterIgnore.diagnostics).includes('HPC-PORT-001'), 'the pragma silences the finding');

    const fileIgnore = actions.find((action) => action.title === 'Ignore HPC-PORT-001 in this file')!;
    assert.equal(applyEdits(MARCH, editsOf(fileIgnore, uri)), `# hpclint global ignore=HPC-PORT-001\n${MARCH}`);
    await client.close(uri);
  });

  test('typing: each version publishes what opening its text publishes, code actions find the fixes, also after reopening', async () => {
    // The worker sends a document's findings as a delta against its previous outcome (server/src/service/outcomeDelta.ts).
    const uri = fileUri(join(workspace, 'typing', 'Dockerfile'));
    const fresh = fileUri(join(workspace, 'typing', 'fresh', 'Dockerfile'));
    const lines = ['FROM ubuntu:22.04', 'RUN apt-get update && apt-get install -y gcc', 'RUN gcc -O3 -march=native -o app app.c', 'FOO bar', 'RUN pip install numpy'];
    const edits: Array<(text: string[]) => string[]> = [
      (text) => text.map((line, i) => (i === 3 ? 'FOO baz' : line)),
      (text) => [...text.slice(0, 2), '', ...text.slice(2)],
      (text) => [...text.slice(0, 2), 'R', ...text.slice(3)],
      (text) => [...text.slice(0, 2), 'RUN make', ...text.slice(3)],
      (text) => text.filter((line) => line !== 'FOO baz'),
      (text) => [...text, 'RUN curl http://example.com/x.sh | sh'],
      (text) => text.slice(1),
    ];
    /** Closes and waits for the clear, so the next open's diagnostics are the open's. */
    const closed = async (closing: string) => {
      const count = client.publishedCount(closing);
      await client.close(closing);
      await client.nextDiagnostics(closing, count, (params) => params.version === undefined);
    };
    let text = lines;
    await client.open(uri, 'dockerfile', `${text.join('\n')}\n`);
    for (const edit of edits) {
      text = edit(text);
      const typed = await client.change(uri, `${text.join('\n')}\n`);
      const opened = await client.open(fresh, 'dockerfile', `${text.join('\n')}\n`);
      await closed(fresh);
      assert.deepEqual(typed.diagnostics, opened.diagnostics, text.join('\n'));
    }
    const march = (await client.change(uri, `${lines.join('\n')}\n`)).diagnostics.find((d) => d.code === 'HPC-PORT-001');
    assert.ok(march);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: march.range, context: { diagnostics: [march] } });
    assert.ok(actions.some((action) => action.title.startsWith('Replace `-march=native`')), 'the fix of a finding the worker sent as reused');

    await closed(uri);
    const reopened = await client.open(uri, 'dockerfile', `${text.join('\n')}\n`);
    const opened = await client.open(fresh, 'dockerfile', `${text.join('\n')}\n`);
    await closed(fresh);
    assert.deepEqual(reopened.diagnostics, opened.diagnostics);
    assert.ok(reopened.diagnostics.length > 0);
    await client.close(uri);
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = fileUri(join(workspace, 'closing', 'Dockerfile'));
    const opened = await client.open(uri, 'dockerfile', 'FROM alpine:3.20\nFOO bar\n');
    assert.ok(opened.diagnostics.length > 0);
    const before = client.publishedCount(uri);
    await client.close(uri);
    const cleared = await client.nextDiagnostics(uri, before);
    assert.deepEqual(cleared.diagnostics, []);
  });

  test('"Ignore in this file" goes below Dockerfile parser directives', async () => {
    const uri = fileUri(join(workspace, 'directive', 'Dockerfile'));
    const text = `# syntax=docker/dockerfile:1\n${MARCH}`;
    const published = await client.open(uri, 'dockerfile', text);
    const finding = published.diagnostics.find((d) => d.code === 'HPC-PORT-001')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding] },
    });
    const fileIgnore = actions.find((action) => action.title === 'Ignore HPC-PORT-001 in this file')!;
    assert.equal(applyEdits(text, editsOf(fileIgnore, uri)), `# syntax=docker/dockerfile:1\n\n# hpclint global ignore=HPC-PORT-001\n${MARCH}`);
    const ignored = await client.change(uri, applyEdits(text, editsOf(fileIgnore, uri)));
    assert.ok(!codes(ignored.diagnostics).includes('HPC-PORT-001'));
    await client.close(uri);
  });

  test("dockerfile-language-service's quick fixes come as edits", async () => {
    const uri = fileUri(join(workspace, 'casing', 'Dockerfile'));
    const text = 'from alpine:3.20\n';
    const published = await client.open(uri, 'dockerfile', text);
    const casing = published.diagnostics.find((d) => d.code === 'dockerfile-utils/CASING_INSTRUCTION');
    assert.ok(casing, JSON.stringify(codes(published.diagnostics)));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: casing.range,
      context: { diagnostics: [casing] },
    });
    const upper = actions.find((action) => action.title === 'Convert instruction to uppercase');
    assert.ok(upper, JSON.stringify(actions.map((action) => action.title)));
    assert.equal(applyEdits(text, editsOf(upper, uri)), 'FROM alpine:3.20\n');
    await client.close(uri);
  });

  test('hover on an instruction without findings is dockerfile-language-service hover', async () => {
    const uri = fileUri(join(workspace, 'hover', 'Dockerfile'));
    await client.open(uri, 'dockerfile', 'FROM alpine:3.20\nWORKDIR /src\n');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    assert.match(hoverValue(hover), /working directory/i);
    await client.close(uri);
  });

  test('Dockerfile formatting, symbols, rename, highlight, definition, links and tokens are delegated', async () => {
    const uri = fileUri(join(workspace, 'delegated', 'Dockerfile'));
    const text = 'FROM alpine:3.20 AS build\n   RUN echo hi\nFROM alpine:3.20\nCOPY --from=build /a /b\n';
    await client.open(uri, 'dockerfile', text);
    const at = (line: number, character: number) => ({ textDocument: { uri }, position: { line, character } });

    const formatting = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.deepEqual(formatting, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: '' }]);

    const symbols = await client.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((symbol) => symbol.name), ['FROM', 'RUN', 'FROM', 'COPY']);

    const rename = await client.request<{ changes: Record<string, TextEdit[]> }>('textDocument/rename', { ...at(3, 13), newName: 'builder' });
    assert.equal(applyEdits(text, rename.changes[uri]), 'FROM alpine:3.20 AS builder\n   RUN echo hi\nFROM alpine:3.20\nCOPY --from=builder /a /b\n');

    const definition = await client.request<{ uri: string; range: unknown }>('textDocument/definition', at(3, 13));
    assert.deepEqual(definition, { uri, range: { start: { line: 0, character: 20 }, end: { line: 0, character: 25 } } });

    const highlights = await client.request<unknown[]>('textDocument/documentHighlight', at(0, 22));
    assert.equal(highlights.length, 2);

    const links = await client.request<Array<{ range: unknown }>>('textDocument/documentLink', { textDocument: { uri } });
    assert.ok(links.length >= 1);

    const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.deepEqual(tokens.data.slice(0, 5), [0, 0, 4, 0, 0], 'FROM is a keyword token at 0:0');
    await client.close(uri);
  });

  test('Dockerfile completion works offline (no Docker Hub tag lookup)', async () => {
    const uri = fileUri(join(workspace, 'completion', 'Dockerfile'));
    await client.open(uri, 'dockerfile', 'FROM alpine:3\nWORK');
    const keywords = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 1, character: 4 },
    });
    const labels = (Array.isArray(keywords) ? keywords : keywords.items).map((item) => item.label);
    assert.ok(labels.some((label) => label.startsWith("WORKDIR")), JSON.stringify(labels));
    const started = Date.now();
    const tags = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: 13 },
    });
    assert.deepEqual(tags, []);
    assert.ok(Date.now() - started < 2000, 'answered without waiting for the network');
    await client.close(uri);
  });

  test('workspace/configuration: hpclint.rules off removes the finding after didChangeConfiguration', async () => {
    const uri = fileUri(join(workspace, 'settings', 'Dockerfile'));
    const opened = await client.open(uri, 'dockerfile', MARCH);
    assert.ok(codes(opened.diagnostics).includes('HPC-PORT-001'));
    assert.ok(client.configurationRequests.some((item) => item.scopeUri === uri && item.section === 'hpclint'));

    rules = { 'HPC-PORT-001': 'off' };
    const before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const relinted = await client.nextDiagnostics(uri, before);
    assert.ok(!codes(relinted.diagnostics).includes('HPC-PORT-001'));

    rules = { 'no-march-native': 'error' };
    const before2 = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const raised = await client.nextDiagnostics(uri, before2);
    assert.equal(raised.diagnostics.find((d) => d.code === 'HPC-PORT-001')?.severity, 1, 'a rule name works as key');

    rules = { 'HPC-PORT-999': 'off', 'no-march-native': 'loud' };
    const messagesBefore = client.messages.length;
    const before3 = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const ignored = await client.nextDiagnostics(uri, before3);
    assert.equal(ignored.diagnostics.find((d) => d.code === 'HPC-PORT-001')?.severity, 2, 'ignored keys leave the default');
    await client.waitFor(() => client.messages[messagesBefore + 1], 'two warnings');
    assert.deepEqual(client.messages.slice(messagesBefore), [
      { type: 2, message: 'hpclint.rules: unknown rule "HPC-PORT-999" is ignored (use a code such as HPC-PORT-001 or a rule name).' },
      { type: 2, message: 'hpclint.rules: invalid severity "loud" for "no-march-native" is ignored (expected off, error, warning, info or hint).' },
    ]);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // The same settings again: the re-lint finds the same and publishes nothing, so the next version is the sign that they were read.
    await client.change(uri, MARCH);
    assert.equal(client.messages.length, messagesBefore + 2, 'each problem is reported once');
    rules = {};
    await client.close(uri);
  });

  test('.hpclint.yaml overrides settings; an invalid one is reported once with file:line and linting continues', async () => {
    const project = join(workspace, 'configured');
    mkdirSync(project, { recursive: true });
    const configPath = join(project, '.hpclint.yaml');
    writeFileSync(configPath, 'rules:\n  HPC-PORT-001: off\n');
    const uri = fileUri(join(project, 'Dockerfile'));
    const opened = await client.open(uri, 'dockerfile', `${MARCH}FOO bar\n`);
    assert.ok(!codes(opened.diagnostics).includes('HPC-PORT-001'), 'the config file turns the rule off');

    writeFileSync(configPath, 'rules:\n  HPC-PORT-001: sometimes\n');
    const before = client.publishedCount(uri);
    const messagesBefore = client.messages.length;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(configPath), type: 2 }] });
    const relinted = await client.nextDiagnostics(uri, before);
    const message = await client.waitFor(() => client.messages[messagesBefore], 'showMessage');
    assert.equal(message.type, 1);
    assert.ok(message.message.includes(`${configPath}:2:`), message.message);
    assert.ok(codes(relinted.diagnostics).includes('HPC-PORT-001'), 'falls back to settings/defaults');
    assert.ok(codes(relinted.diagnostics).includes('dockerfile-utils/UNKNOWN_INSTRUCTION'));

    const before2 = client.publishedCount(uri);
    await client.change(uri, `${MARCH}FOO baz\n`);
    await client.nextDiagnostics(uri, before2);
    assert.equal(client.messages.length, messagesBefore + 1, 'the same invalid file is reported only once');
    await client.close(uri);
  });

  test('hpclint.configFile names the config file, relative to the workspace folder', async () => {
    mkdirSync(join(workspace, 'ci'), { recursive: true });
    writeFileSync(join(workspace, 'ci', 'lint.yaml'), 'rules:\n  no-march-native: off\n');
    extraSettings = { configFile: 'ci/lint.yaml' };
    const uri = fileUri(join(workspace, 'explicit', 'Dockerfile'));
    const published = await client.open(uri, 'dockerfile', MARCH);
    assert.ok(!codes(published.diagnostics).includes('HPC-PORT-001'), JSON.stringify(codes(published.diagnostics)));
    extraSettings = {};
    await client.close(uri);
  });

  test('source.fixAll.hpclint is offered only when a safe fix applies', async () => {
    const uri = fileUri(join(workspace, 'fixall', 'Dockerfile'));
    await client.open(uri, 'dockerfile', MARCH);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(actions, [], 'the only fix here is unsafe');
    await client.close(uri);
  });

  test('rule documentation request renders the rule doc; unknown codes give null', async () => {
    const markdown = await client.request<string | null>('hpclint/ruleDocumentation', { code: 'no-march-native' });
    assert.equal(markdown, renderRuleDoc(ruleByCodeOrName('HPC-PORT-001', allRules)!.meta));
    assert.equal(await client.request('hpclint/ruleDocumentation', { code: 'HPC-NOPE-999' }), null);
    const list = await client.request<Array<{ code: string }>>('hpclint/listRules', {});
    assert.ok(list.some((rule) => rule.code === 'HPC-PORT-001'));
  });

  test('changes during a running lint coalesce: stale versions are dropped, the newest is published once', async () => {
    const uri = fileUri(join(workspace, 'coalesce', 'Dockerfile'));
    // Long enough that its lint is still running when the rest of the burst arrives.
    const body = Array.from({ length: 500 }, (_, i) => `RUN echo step ${i} && make -j4 install\n`).join('');
    await client.open(uri, 'dockerfile', `FROM alpine:3.20\n${body}`);
    const before = client.publishedCount(uri);
    for (let version = 2; version <= 5; version++) {
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ text: `FROM alpine:3.20\nFOO${version} bar\n${body}` }],
      });
    }
    const published = await client.nextDiagnostics(uri, before, (params) => params.version === 5);
    const unknown = published.diagnostics.filter((d) => d.code === 'dockerfile-utils/UNKNOWN_INSTRUCTION');
    assert.deepEqual(unknown.map((d) => d.message), ['Unknown instruction: FOO5']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const versions = client.diagnostics.get(uri)!.slice(before).map((params) => params.version);
    assert.equal(versions.at(-1), 5, 'the newest version is published last');
    assert.equal(versions.filter((version) => version === 5).length, 1, 'once');
    assert.ok(!versions.includes(3) && !versions.includes(4), `versions that arrived during a lint are coalesced: ${versions.join(',')}`);
    await client.close(uri);
  });

  test('hpclint.enable and hpclint.dockerfile.syntaxValidation settings', async () => {
    const uri = fileUri(join(workspace, 'toggles', 'Dockerfile'));
    const text = `${MARCH}FOO bar\n`;
    const opened = await client.open(uri, 'dockerfile', text);
    assert.ok(codes(opened.diagnostics).includes('dockerfile-utils/UNKNOWN_INSTRUCTION'));

    extraSettings = { dockerfile: { syntaxValidation: false } };
    let before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const noSyntax = await client.nextDiagnostics(uri, before);
    assert.ok(!codes(noSyntax.diagnostics).some((code) => code.startsWith('dockerfile-utils/')));
    assert.ok(codes(noSyntax.diagnostics).includes('HPC-PORT-001'));

    extraSettings = { enable: false };
    before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual((await client.nextDiagnostics(uri, before)).diagnostics, []);
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 1 } });
    assert.match(hoverValue(hover), /command/i, 'Dockerfile features still work when linting is off');

    extraSettings = {};
    before = client.publishedCount(uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.ok(codes((await client.nextDiagnostics(uri, before)).diagnostics).includes('HPC-PORT-001'));
    await client.close(uri);
  });

  test('untitled documents are linted (no config file lookup)', async () => {
    const uri = 'untitled:Untitled-1';
    const published = await client.open(uri, 'dockerfile', MARCH);
    assert.ok(codes(published.diagnostics).includes('HPC-PORT-001'));
    await client.close(uri);
  });

  test('a huge document is skipped with one finding and features answer empty', async () => {
    const uri = fileUri(join(workspace, 'huge', 'Dockerfile'));
    const huge = `FROM alpine:3.20\n${'RUN echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'.repeat(40_000)}`;
    const started = Date.now();
    const published = await client.open(uri, 'dockerfile', huge);
    assert.deepEqual(codes(published.diagnostics), ['hpclint/skipped']);
    const symbols = await client.request<unknown[] | null>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols, null);
    assert.ok(Date.now() - started < 5000);
    await client.close(uri);
  });

  test('binary garbage does not kill the server', async () => {
    const uri = fileUri(join(workspace, 'garbage', 'Dockerfile'));
    const garbage = Array.from({ length: 4000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    const published = await client.open(uri, 'dockerfile', garbage);
    assert.ok(Array.isArray(published.diagnostics));
    for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/documentSymbol', 'textDocument/foldingRange']) {
      await client.request(method, { textDocument: { uri }, position: { line: 0, character: 1 } });
    }
    await client.request('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      context: { diagnostics: [{ range: { start: { line: 99, character: 0 }, end: { line: 99, character: 1 } }, message: 'x', data: 42 }] },
    });
    const other = fileUri(join(workspace, 'after-garbage', 'Dockerfile'));
    const stillAlive = await client.open(other, 'dockerfile', MARCH);
    assert.ok(codes(stillAlive.diagnostics).includes('HPC-PORT-001'));
    await client.close(uri);
    await client.close(other);
  });

  test('stdout carries nothing but framed JSON-RPC', () => {
    const messages = parseFramedMessages(client.stdout);
    assert.ok(messages.length > 10);
  });
});

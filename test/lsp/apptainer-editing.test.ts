// Definition files over the real server: formatting (document and range), links, go-to-definition,
// highlights, rename and semantic tokens for build arguments and stage names.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  DocumentHighlight,
  DocumentLink,
  Location,
  Range,
  SemanticTokens,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TestClient, fileUri } from './client';
import { EDITING_DEF } from './recipes';

const FORMATTED = [
  'Bootstrap: docker',
  'From: nvcr.io/nvidia/cuda:{{ CUDA }}-devel-ubuntu22.04',
  'Stage: build',
  '',
  '%arguments',
  '    CUDA=12.4.1',
  '    JOBS=8',
  '',
  '%files',
  '    src/app.c /opt/src/app.c',
  '',
  '%post',
  '    # Sources: https://example.org/app/releases.',
  '    make -C /opt/src -j {{ JOBS }}',
  '',
  'Bootstrap: docker',
  'From: ubuntu:22.04',
  '',
  '%files from build',
  '    /opt/src/app /usr/local/bin/app',
  '',
  '%runscript',
  '    exec app "$@"',
  '',
].join('\n');

const at = (line: number, character: number) => ({ line, character });
const range = (line: number, start: number, end: number): Range => ({ start: at(line, start), end: at(line, end) });

describe('definition-file editing features', () => {
  let client: TestClient;
  let workspace: string;
  let uri: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-def-editing-'));
    mkdirSync(join(workspace, '.git'));
    mkdirSync(join(workspace, 'src'));
    writeFileSync(join(workspace, 'src', 'app.c'), 'int main(void) { return 0; }\n');
    client = await TestClient.start({ workspaceFolder: workspace });
    uri = fileUri(join(workspace, 'Singularity'));
    await client.open(uri, 'apptainer', EDITING_DEF);
  });

  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const document = { uri: '' };
  const textDocument = () => ({ ...document, uri });
  const apply = (edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create(uri, 'apptainer', 1, EDITING_DEF), edits);

  test('Format Document aligns the header, spaces sections and stages, indents bodies', async () => {
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: textDocument(),
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.equal(apply(edits), FORMATTED);
  });

  test('Format Selection changes only the selected lines', async () => {
    const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: textDocument(),
      range: { start: at(0, 0), end: at(2, 0) },
      options: { tabSize: 4, insertSpaces: true },
    });
    const lines = apply(edits).split('\n');
    assert.deepEqual(lines.slice(0, 3), ['Bootstrap: docker', 'From: nvcr.io/nvidia/cuda:{{ CUDA }}-devel-ubuntu22.04', 'Stage: build']);
    assert.ok(lines.includes('  make -C /opt/src -j {{ JOBS }}'), 'the %post body is outside the range');
  });

  test('links: the NGC catalog page, the local %files source, the URL in a comment', async () => {
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: textDocument() });
    const byLine = links.map((link) => [link.range.start.line, link.target]).sort((a, b) => Number(a[0]) - Number(b[0]));
    assert.deepEqual(byLine, [
      [1, 'https://catalog.ngc.nvidia.com/orgs/nvidia/containers/cuda'],
      [7, fileUri(join(workspace, 'src', 'app.c'))],
      [9, 'https://example.org/app/releases'],
      [14, 'https://hub.docker.com/_/ubuntu'],
    ]);
  });

  test('go to definition: a {{ argument }} → its %arguments entry, %files from → the Stage line', async () => {
    const toArgument = await client.request<Location[]>('textDocument/definition', { textDocument: textDocument(), position: at(10, 27) });
    assert.deepEqual(toArgument, [{ uri, range: range(5, 2, 6) }]);
    const toStage = await client.request<Location[]>('textDocument/definition', { textDocument: textDocument(), position: at(15, 13) });
    assert.deepEqual(toStage, [{ uri, range: range(2, 7, 12) }]);
    assert.equal(await client.request('textDocument/definition', { textDocument: textDocument(), position: at(18, 4) }), null);
  });

  test('highlights: the definition (write) and every use (read)', async () => {
    const highlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', {
      textDocument: textDocument(),
      position: at(4, 3),
    });
    assert.deepEqual(highlights, [
      { range: range(4, 2, 6), kind: 3 },
      { range: range(1, 30, 34), kind: 2 },
    ]);
  });

  test('rename a build argument and a stage everywhere; an invalid name is refused', async () => {
    assert.deepEqual(await client.request('textDocument/prepareRename', { textDocument: textDocument(), position: at(1, 31) }), {
      range: range(1, 30, 34),
      placeholder: 'CUDA',
    });
    const argument = await client.request<WorkspaceEdit>('textDocument/rename', {
      textDocument: textDocument(),
      position: at(1, 31),
      newName: 'CUDA_VERSION',
    });
    assert.deepEqual(argument.changes![uri], [
      { range: range(4, 2, 6), newText: 'CUDA_VERSION' },
      { range: range(1, 30, 34), newText: 'CUDA_VERSION' },
    ]);
    const stage = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: textDocument(), position: at(2, 8), newName: 'compile' });
    assert.deepEqual(stage.changes![uri], [
      { range: range(2, 7, 12), newText: 'compile' },
      { range: range(15, 12, 17), newText: 'compile' },
    ]);
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: textDocument(), position: at(2, 8), newName: 'two words' }),
      /not a valid stage name/,
    );
    assert.equal(await client.request('textDocument/prepareRename', { textDocument: textDocument(), position: at(18, 4) }), null);
  });

  test('semantic tokens: header keys, sections, stage names and build arguments', async () => {
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: textDocument() });
    const legend = client.initializeResult!.capabilities.semanticTokensProvider!.legend;
    const decoded: Array<[number, number, string, string]> = [];
    let line = 0;
    let character = 0;
    const text = EDITING_DEF.split('\n');
    for (let i = 0; i < tokens.data.length; i += 5) {
      line += tokens.data[i];
      character = tokens.data[i] === 0 ? character + tokens.data[i + 1] : tokens.data[i + 1];
      decoded.push([line, character, text[line].slice(character, character + tokens.data[i + 2]), legend.tokenTypes[tokens.data[i + 3]]]);
    }
    for (const expected of [
      [0, 0, 'Bootstrap', 'keyword'],
      [0, 10, 'docker', 'namespace'],
      [1, 27, '{{ CUDA }}', 'macro'],
      [2, 7, 'build', 'class'],
      [3, 0, '%arguments', 'keyword'],
      [4, 2, 'CUDA', 'variable'],
      [9, 2, '# Sources: https://example.org/app/releases.', 'comment'],
      [10, 22, '{{ JOBS }}', 'macro'],
      [15, 7, 'from', 'keyword'],
      [15, 12, 'build', 'class'],
    ] as const) {
      assert.ok(
        decoded.some((token) => JSON.stringify(token) === JSON.stringify(expected)),
        `token ${JSON.stringify(expected)} in ${JSON.stringify(decoded)}`,
      );
    }
  });
});

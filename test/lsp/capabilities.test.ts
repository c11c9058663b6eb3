// Nothing advertised that does nothing (#14 item 1): every capability the server advertises — in its
// initialize result or by dynamic registration — answers something useful for each recipe language on a
// realistic recipe, or is one of the few declared Dockerfile-only features and answers empty for definition
// files. A capability added to the server without an entry here fails the test.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClientCapabilities, Diagnostic, Position, ServerCapabilities } from 'vscode-languageserver/node';
import { CAPABILITIES, TestClient, fileUri } from './client';
import { EDITING_DEF } from './recipes';

const DOCKERFILE = [
  'FROM ubuntu:24.04 AS build', // 0
  'ARG JOBS=4', // 1
  'RUN apt-get update && apt-get install -y gcc \\', // 2
  ' && gcc -O3 -march=native -o /app app.c', // 3
  'FROM ubuntu:24.04', // 4
  'COPY --from=build /app /usr/local/bin/app', // 5
  '  WORKDIR /data', // 6
  '',
].join('\n');

type Language = 'dockerfile' | 'apptainer';

interface Probe {
  method: string;
  /** Where the request asks (position-based requests). */
  at: Record<Language, Position>;
  /** Extra parameters. */
  params?: (language: Language, diagnostics: Diagnostic[]) => Record<string, unknown>;
  /** Languages the feature is not offered for: the answer must be empty there. */
  notFor?: Language[];
}

const FORMAT_OPTIONS = { tabSize: 4, insertSpaces: true };

/** One probe per advertised capability (server capability key or registered method). */
const PROBES: Record<string, Probe[]> = {
  hoverProvider: [{ method: 'textDocument/hover', at: { dockerfile: { line: 3, character: 15 }, apptainer: { line: 10, character: 26 } } }],
  completionProvider: [
    { method: 'textDocument/completion', at: { dockerfile: { line: 6, character: 5 }, apptainer: { line: 15, character: 13 } } },
  ],
  codeActionProvider: [
    {
      method: 'textDocument/codeAction',
      at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } },
      params: (_language, diagnostics) => ({ range: diagnostics[0].range, context: { diagnostics: [diagnostics[0]] } }),
    },
  ],
  documentFormattingProvider: [{ method: 'textDocument/formatting', at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } }, params: () => ({ options: FORMAT_OPTIONS }) }],
  documentRangeFormattingProvider: [
    {
      method: 'textDocument/rangeFormatting',
      at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } },
      params: () => ({ range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } }, options: FORMAT_OPTIONS }),
    },
  ],
  documentOnTypeFormattingProvider: [
    {
      method: 'textDocument/onTypeFormatting',
      at: { dockerfile: { line: 2, character: 46 }, apptainer: { line: 10, character: 2 } },
      params: () => ({ ch: '\\', options: FORMAT_OPTIONS }),
      notFor: ['apptainer'],
    },
  ],
  documentSymbolProvider: [{ method: 'textDocument/documentSymbol', at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } } }],
  foldingRangeProvider: [{ method: 'textDocument/foldingRange', at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } } }],
  documentLinkProvider: [{ method: 'textDocument/documentLink', at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } } }],
  renameProvider: [
    { method: 'textDocument/prepareRename', at: { dockerfile: { line: 5, character: 14 }, apptainer: { line: 10, character: 26 } } },
    {
      method: 'textDocument/rename',
      at: { dockerfile: { line: 5, character: 14 }, apptainer: { line: 10, character: 26 } },
      params: () => ({ newName: 'renamed' }),
    },
  ],
  documentHighlightProvider: [
    { method: 'textDocument/documentHighlight', at: { dockerfile: { line: 5, character: 14 }, apptainer: { line: 10, character: 26 } } },
  ],
  definitionProvider: [{ method: 'textDocument/definition', at: { dockerfile: { line: 5, character: 14 }, apptainer: { line: 10, character: 26 } } }],
  signatureHelpProvider: [
    { method: 'textDocument/signatureHelp', at: { dockerfile: { line: 5, character: 5 }, apptainer: { line: 10, character: 2 } }, notFor: ['apptainer'] },
  ],
  semanticTokensProvider: [
    { method: 'textDocument/semanticTokens/full', at: { dockerfile: { line: 0, character: 0 }, apptainer: { line: 0, character: 0 } } },
  ],
};

/** Capability keys that are not requests about a recipe. */
const NOT_PROBED = new Set(['textDocumentSync', 'workspace']);

/** Registered methods → the capability key they stand for. */
const REGISTERED: Record<string, string> = {
  'textDocument/formatting': 'documentFormattingProvider',
  'textDocument/rangeFormatting': 'documentRangeFormattingProvider',
  'textDocument/onTypeFormatting': 'documentOnTypeFormattingProvider',
};

function useful(result: unknown): boolean {
  if (result === null || result === undefined) {
    return false;
  }
  if (Array.isArray(result)) {
    return result.length > 0;
  }
  const record = result as Record<string, unknown>;
  if ('items' in record) {
    return Array.isArray(record.items) && record.items.length > 0;
  }
  if ('data' in record && Array.isArray(record.data)) {
    return record.data.length > 0;
  }
  if ('signatures' in record) {
    return Array.isArray(record.signatures) && record.signatures.length > 0;
  }
  if ('changes' in record) {
    return Object.values(record.changes as Record<string, unknown[]>).some((edits) => edits.length > 0);
  }
  if ('contents' in record) {
    return JSON.stringify(record.contents).length > 20;
  }
  return Object.keys(record).length > 0;
}

const dynamicFormatting: ClientCapabilities = {
  ...CAPABILITIES,
  textDocument: {
    ...CAPABILITIES.textDocument,
    formatting: { dynamicRegistration: true },
    rangeFormatting: { dynamicRegistration: true },
    onTypeFormatting: { dynamicRegistration: true },
  },
};

for (const [kind, capabilities] of [
  ['a client with static capabilities', CAPABILITIES],
  ['a client that takes dynamic formatting registrations (VS Code)', dynamicFormatting],
] as const) {
  describe(`every advertised capability answers, per language (${kind})`, () => {
    let client: TestClient;
    let workspace: string;
    const uris: Record<Language, string> = { dockerfile: '', apptainer: '' };
    const diagnostics: Record<Language, Diagnostic[]> = { dockerfile: [], apptainer: [] };

    before(async () => {
      workspace = mkdtempSync(join(tmpdir(), 'hpclint-capabilities-'));
      mkdirSync(join(workspace, '.git'));
      mkdirSync(join(workspace, 'src'));
      writeFileSync(join(workspace, 'src', 'app.c'), 'int main(void) { return 0; }\n');
      client = await TestClient.start({ workspaceFolder: workspace, capabilities });
      uris.dockerfile = fileUri(join(workspace, 'Dockerfile'));
      uris.apptainer = fileUri(join(workspace, 'Singularity'));
      diagnostics.dockerfile = (await client.open(uris.dockerfile, 'dockerfile', DOCKERFILE)).diagnostics;
      diagnostics.apptainer = (await client.open(uris.apptainer, 'apptainer', EDITING_DEF)).diagnostics;
    });

    after(async () => {
      assert.equal(await client.stop(), 0);
      rmSync(workspace, { recursive: true, force: true });
    });

    /** Capability keys from the initialize result and from the registrations seen so far. */
    async function advertised(): Promise<string[]> {
      const fromInitialize = Object.keys(client.initializeResult!.capabilities as ServerCapabilities).filter((key) => !NOT_PROBED.has(key));
      if (capabilities === dynamicFormatting) {
        await client.waitFor(() => ([...client.registrations.values()].some((r) => r.method === 'textDocument/onTypeFormatting') ? true : undefined), 'formatting registrations');
      }
      const registered = [...client.registrations.values()].map((registration) => REGISTERED[registration.method]).filter((key) => key !== undefined);
      return [...new Set([...fromInitialize, ...registered])].sort();
    }

    test('every capability has a probe (a new capability needs one here)', async () => {
      const keys = await advertised();
      assert.deepEqual(keys.filter((key) => !(key in PROBES)), []);
      assert.deepEqual(Object.keys(PROBES).filter((key) => !keys.includes(key)), [], 'every probed capability is advertised');
    });

    for (const language of ['dockerfile', 'apptainer'] as const) {
      test(`${language}: a useful answer from every capability (empty only where declared Dockerfile-only)`, async () => {
        assert.ok(diagnostics[language].length > 0, 'the recipe has findings for the code-action probe');
        const failures: string[] = [];
        for (const key of await advertised()) {
          for (const probe of PROBES[key]) {
            const params = { textDocument: { uri: uris[language] }, position: probe.at[language], ...probe.params?.(language, diagnostics[language]) };
            const result = await client.request<unknown>(probe.method, params);
            const expected = !probe.notFor?.includes(language);
            if (useful(result) !== expected) {
              failures.push(`${probe.method}: ${expected ? 'nothing useful' : 'an answer where none is offered'}: ${JSON.stringify(result)?.slice(0, 160)}`);
            }
          }
        }
        const [item] = await client.request<{ items?: unknown[] } | unknown[]>('textDocument/completion', {
          textDocument: { uri: uris[language] },
          position: PROBES.completionProvider[0].at[language],
        }).then((result) => (Array.isArray(result) ? result : (result.items ?? [])) as Array<{ label: string }>);
        const resolved = await client.request<{ label: string } | null>('completionItem/resolve', item);
        if (resolved?.label !== item.label) {
          failures.push(`completionItem/resolve: ${JSON.stringify(resolved)}`);
        }
        const [link] = await client.request<Array<{ range: unknown; target?: string }>>('textDocument/documentLink', { textDocument: { uri: uris[language] } });
        const resolvedLink = await client.request<{ range: unknown } | null>('documentLink/resolve', link);
        if (!resolvedLink || JSON.stringify(resolvedLink.range) !== JSON.stringify(link.range)) {
          failures.push(`documentLink/resolve: ${JSON.stringify(resolvedLink)}`);
        }
        assert.deepEqual(failures, []);
      });
    }
  });
}

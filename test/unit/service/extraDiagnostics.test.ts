// The hook for slower diagnostic sources (ShellCheck): a second publish merged with hpclint's findings,
// stale runs cancelled and dropped, trusted workspaces only for providers that need trust.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CancellationToken, Connection, Diagnostic } from 'vscode-languageserver';
import { defaultConfig } from '../../../server/src/engine/config';
import { ExtraDiagnostics, type ExtraDiagnosticsProvider } from '../../../server/src/lsp/diagnostics/extraDiagnostics';
import { DiagnosticPublisher } from '../../../server/src/lsp/diagnostics/publisher';
import { defaultSettings } from '../../../server/src/lsp/documents/settings';
import type { DocumentLint } from '../../../server/src/lsp/linting/documentLinter';

const URI = 'file:///w/Dockerfile';
const quiet = { error() {}, warn() {}, info() {}, log() {} };

function diagnostic(source: string, line: number): Diagnostic {
  return { range: { start: { line, character: 0 }, end: { line, character: 1 } }, message: source, source };
}

function lint(version: number): DocumentLint {
  return { uri: URI, version, format: 'dockerfile', diagnostics: [], statements: [], settings: defaultSettings(), config: defaultConfig() };
}

/** A provider whose runs finish when the test says so. */
class ManualProvider implements ExtraDiagnosticsProvider {
  readonly source = 'slow';
  readonly runs: Array<{ version: number; token: CancellationToken; finish: (diagnostics: Diagnostic[]) => void }> = [];
  constructor(readonly requiresTrust: boolean) {}
  provide(input: { lint: DocumentLint }, token: CancellationToken): Promise<Diagnostic[]> {
    return new Promise((resolve) => this.runs.push({ version: input.lint.version, token, finish: resolve }));
  }
}

function setup(trusted: boolean, requiresTrust = true) {
  const sent: Array<{ version?: number; diagnostics: Diagnostic[] }> = [];
  const connection = { sendDiagnostics: async (params: { version?: number; diagnostics: Diagnostic[] }) => void sent.push(params) };
  const publisher = new DiagnosticPublisher(connection as unknown as Connection, quiet);
  const extra = new ExtraDiagnostics(publisher, quiet, () => trusted);
  const provider = new ManualProvider(requiresTrust);
  extra.register(provider);
  const publishVersion = (version: number) => {
    publisher.publish(URI, version, [diagnostic('hpclint', 0)]);
    extra.afterPublish({ lint: lint(version), text: 'FROM a\n' });
  };
  return { sent, provider, publishVersion, publisher };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('extra diagnostics', () => {
  test('a provider result is published again, merged with hpclint findings of the same version', async () => {
    const { sent, provider, publishVersion } = setup(true);
    publishVersion(1);
    provider.runs[0].finish([diagnostic('slow', 3)]);
    await tick();
    assert.deepEqual(
      sent.map((params) => [params.version, params.diagnostics.map((d) => d.source)]),
      [
        [1, ['hpclint']],
        [1, ['hpclint', 'slow']],
      ],
    );
  });

  test('a newer version cancels the older run; its late result is dropped; the last results stay until replaced', async () => {
    const { sent, provider, publishVersion } = setup(true);
    publishVersion(1);
    provider.runs[0].finish([diagnostic('slow', 1)]);
    await tick();
    publishVersion(2);
    assert.equal(provider.runs[0].token.isCancellationRequested, false);
    publishVersion(3);
    assert.equal(provider.runs[1].token.isCancellationRequested, true);
    provider.runs[1].finish([diagnostic('slow', 2)]);
    await tick();
    assert.deepEqual(
      sent.at(-1)?.diagnostics.map((d) => d.message),
      ['hpclint', 'slow'],
      'version 3 keeps the previous slow findings until its own run reports',
    );
    assert.ok(!sent.some((params) => params.diagnostics.some((d) => d.range.start.line === 2)), 'the cancelled run is never published');
    provider.runs[2].finish([]);
    await tick();
    assert.deepEqual(
      sent.at(-1)?.diagnostics.map((d) => d.source),
      ['hpclint'],
    );
  });

  test('providers that need trust never run in an untrusted workspace', async () => {
    const { sent, provider, publishVersion } = setup(false);
    publishVersion(1);
    assert.equal(provider.runs.length, 0);
    assert.equal(sent.length, 1);
    const open = setup(false, false);
    open.publishVersion(1);
    assert.equal(open.provider.runs.length, 1, 'providers that run nothing need no trust');
  });
});

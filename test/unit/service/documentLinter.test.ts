// The language server's scheduling, in-process with a linter whose jobs finish when the test says so:
// lint at once when idle, coalesce while busy, drop stale versions, a large document never holds up
// a small one, hovers and code actions read results instead of linting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CancellationTokenSource, type Connection, type TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { allRules } from '../../../server/src/rules/index';
import { DiagnosticPublisher } from '../../../server/src/lsp/diagnostics/publisher';
import { DocumentConfigs } from '../../../server/src/lsp/documents/documentConfigs';
import { defaultSettings, type SettingsStore } from '../../../server/src/lsp/documents/settings';
import { DocumentLinter } from '../../../server/src/lsp/linting/documentLinter';
import type { LintJob, LintOutcome } from '../../../server/src/service/jobs';
import type { Linter } from '../../../server/src/service/linter';
import { LARGE_TEXT_CHARS, LintService } from '../../../server/src/service/lintService';
import { LintCancelledError } from '../../../server/src/engine/lint';
import { JobTimeoutError } from '../../../server/src/service/workerPool';

/** A linter whose jobs wait until `finish()`; records every job. */
class ManualLinter implements Linter {
  readonly jobs: Array<{
    job: LintJob;
    signal?: AbortSignal;
    finish: (outcome?: Partial<LintOutcome>) => void;
    fail: (error: Error) => void;
  }> = [];

  run(job: LintJob, signal?: AbortSignal): Promise<LintOutcome> {
    return new Promise((resolve, reject) => {
      this.jobs.push({
        job,
        signal,
        finish: (outcome) => resolve({ format: job.format, diagnostics: [], statements: [], ...outcome }),
        fail: reject,
      });
    });
  }

  async close(): Promise<void> {}
}

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code?: unknown }[];
}

function setup() {
  const interactive = new ManualLinter();
  const large = new ManualLinter();
  const service = new LintService(allRules, { interactive, large });
  const docs = new Map<string, TextDocument>();
  const documents = { get: (uri: string) => docs.get(uri), all: () => [...docs.values()] } as unknown as TextDocuments<TextDocument>;
  const published: Published[] = [];
  const connection = { sendDiagnostics: async (params: Published) => void published.push(params) } as unknown as Connection;
  const settings = { get: async () => defaultSettings() } as unknown as SettingsStore;
  const quiet = { error() {}, warn() {}, info() {}, log() {} };
  const linter = new DocumentLinter({
    documents,
    service,
    settings,
    configs: new DocumentConfigs(service, () => []),
    publisher: new DiagnosticPublisher(connection, quiet),
    logger: quiet,
  });
  const open = (uri: string, text: string): TextDocument => {
    const document = TextDocument.create(uri, 'dockerfile', 1, text);
    docs.set(uri, document);
    linter.request(uri);
    return document;
  };
  const change = (document: TextDocument, text: string): void => {
    TextDocument.update(document, [{ text }], document.version + 1);
    linter.request(document.uri);
  };
  return { interactive, large, linter, published, open, change };
}

/** Lets the settings promise and the job hand-off run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DocumentLinter', () => {
  test('an idle lane lints a change at once, without a debounce timer', async () => {
    const { interactive, open } = setup();
    open('file:///a/Dockerfile', 'FROM alpine:3.20\n');
    await settle();
    assert.equal(interactive.jobs.length, 1);
    assert.equal(interactive.jobs[0].job.text, 'FROM alpine:3.20\n');
    assert.equal(interactive.jobs[0].job.statements, true);
  });

  test('changes during a lint coalesce into one lint of the newest version; the stale result is dropped', async () => {
    const { interactive, open, change, published } = setup();
    const document = open('file:///a/Dockerfile', 'FROM a\n');
    await settle();
    change(document, 'FROM b\n');
    change(document, 'FROM c\n');
    change(document, 'FROM d\n');
    await settle();
    assert.equal(interactive.jobs.length, 1, 'nothing starts while the lane is busy');
    interactive.jobs[0].finish({ diagnostics: [] });
    await settle();
    assert.equal(published.length, 0, 'the result for version 1 is stale');
    assert.deepEqual(
      interactive.jobs.map((entry) => entry.job.text),
      ['FROM a\n', 'FROM d\n'],
    );
    interactive.jobs[1].finish();
    await settle();
    assert.deepEqual(
      published.map((params) => params.version),
      [4],
    );
  });

  test('a newer version stops the running lint of the older one, which publishes nothing; the newest starts at once', async () => {
    const { interactive, open, change, published } = setup();
    const document = open('file:///a/Dockerfile', 'FROM a\n');
    await settle();
    const first = interactive.jobs[0];
    assert.equal(first.signal?.aborted, false);
    change(document, 'FROM b\n');
    assert.equal(first.signal?.aborted, true, 'the lint of version 1 is asked to stop');
    first.fail(new LintCancelledError());
    await settle();
    assert.deepEqual(
      interactive.jobs.map((entry) => entry.job.text),
      ['FROM a\n', 'FROM b\n'],
    );
    assert.equal(interactive.jobs[1].signal?.aborted, false);
    interactive.jobs[1].finish();
    await settle();
    assert.deepEqual(
      published.map((params) => params.version),
      [2],
    );
  });

  test('closing a document stops its running lint; the next document\'s lint then starts and is not stopped', async () => {
    const { interactive, linter, open, published } = setup();
    open('file:///a/Dockerfile', 'FROM a\n');
    open('file:///b/Dockerfile', 'FROM b\n');
    await settle();
    linter.forget('file:///a/Dockerfile');
    assert.equal(interactive.jobs[0].signal?.aborted, true);
    interactive.jobs[0].fail(new LintCancelledError());
    await settle();
    assert.equal(interactive.jobs[1].job.text, 'FROM b\n');
    assert.equal(interactive.jobs[1].signal?.aborted, false);
    interactive.jobs[1].finish();
    await settle();
    assert.deepEqual(
      published.map((params) => params.uri),
      ['file:///b/Dockerfile'],
    );
  });

  test('a large document has its own lane: its lint never holds up a small document', async () => {
    const { interactive, large, open, published } = setup();
    open('file:///big/Dockerfile', `FROM a\n${'#'.repeat(LARGE_TEXT_CHARS)}\n`);
    open('file:///small/Dockerfile', 'FROM b\n');
    await settle();
    assert.equal(large.jobs.length, 1);
    assert.equal(interactive.jobs.length, 1);
    interactive.jobs[0].finish();
    await settle();
    assert.deepEqual(
      published.map((params) => params.uri),
      ['file:///small/Dockerfile'],
    );
    large.jobs[0].finish();
    await settle();
    assert.equal(published.length, 2);
  });

  test('resultFor waits for a pending lint (no lint of its own) and returns at once when nothing is pending', async () => {
    const { interactive, linter, open } = setup();
    const document = open('file:///a/Dockerfile', 'FROM a\n');
    await settle();
    let answered = false;
    const pending = linter.resultFor(document.uri, document.version).then((lint) => {
      answered = true;
      return lint;
    });
    await settle();
    assert.equal(answered, false);
    interactive.jobs[0].finish({ diagnostics: [] });
    const lint = await pending;
    assert.equal(lint?.version, 1);
    assert.equal((await linter.resultFor(document.uri, document.version))?.version, 1);
    assert.equal(interactive.jobs.length, 1, 'hover and code actions never lint');
  });

  test('resultFor gives up when its request is cancelled', async () => {
    const { linter, open } = setup();
    const document = open('file:///a/Dockerfile', 'FROM a\n');
    await settle();
    const cancellation = new CancellationTokenSource();
    const pending = linter.resultFor(document.uri, document.version, cancellation.token);
    cancellation.cancel();
    assert.equal(await pending, undefined);
  });

  test('a lint that overruns its time limit is reported as skipped, a crash as an internal error', async () => {
    const { interactive, open, change, published } = setup();
    const document = open('file:///a/Dockerfile', 'FROM a\n');
    await settle();
    interactive.jobs[0].fail(new JobTimeoutError(30_000));
    await settle();
    assert.deepEqual(
      published.at(-1)?.diagnostics.map((d) => d.code),
      ['hpclint/skipped'],
    );
    change(document, 'FROM b\n');
    await settle();
    interactive.jobs[1].fail(new Error('worker exited'));
    await settle();
    assert.deepEqual(
      published.at(-1)?.diagnostics.map((d) => d.code),
      ['hpclint/internal'],
    );
  });
});

// Lints open documents off the main thread and keeps each document's last result. A change is linted at
// once when its lane is idle; while the lane is busy, changes coalesce into one lint of the newest
// version. A lint of a version that is no longer current stops at its next rule (its result would be
// dropped), so the newest version starts at once. Texts above LARGE_TEXT_CHARS have their own lane
// (worker), so a 2 MB recipe never holds up another document's diagnostics.
import type { CancellationToken, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LintCancelledError, skippedDiagnostic } from '../../engine/lint';
import { INTERNAL_CODE } from '../../engine/registry';
import type { HpcDiagnostic, ResolvedConfig } from '../../engine/types';
import type { RecipeFormat } from '../../recipe/model';
import { scriptPath, type ScriptContext } from '../../io/copiedScripts';
import { laneOf, type Lane, type LintService } from '../../service/lintService';
import type { StatementLines } from '../../service/statements';
import { TIMING, type JobTiming } from '../../service/lintTiming';
import { JobTimeoutError } from '../../service/workerPool';
import { toLspDiagnostic } from '../diagnostics/lspDiagnostics';
import type { DiagnosticPublisher } from '../diagnostics/publisher';
import type { DocumentConfigs } from '../documents/documentConfigs';
import type { HpclintSettings, SettingsStore } from '../documents/settings';
import { describeError, type Logger } from '../guard';
import { baseNameOf } from '../uri';
import type { ScriptWatch } from './scriptWatch';

/** HPCLINT_TIMING=1: the moments of one lint on this thread, and the job's own timing from its worker. */
interface LintTiming {
  started: number;
  sent: number;
  returned: number;
  job?: JobTiming;
}

/** The published result of one document version. */
export interface DocumentLint {
  uri: string;
  version: number;
  format: RecipeFormat;
  /** Empty when linting is disabled for the document. */
  diagnostics: readonly HpcDiagnostic[];
  /** Where ignore pragmas go (see service/statements.ts). */
  statements: StatementLines;
  settings: HpclintSettings;
  config: ResolvedConfig;
}

export interface DocumentLinterDependencies {
  documents: TextDocuments<TextDocument>;
  service: LintService;
  settings: SettingsStore;
  configs: DocumentConfigs;
  publisher: DiagnosticPublisher;
  logger: Logger;
  /** Build contexts for copied scripts, and which documents run which (none: scripts are not read). */
  scripts?: ScriptWatch;
}

interface LaneState {
  /** The document whose lint is running. */
  running?: string;
  /** The version being linted, and how to stop that lint when a newer version arrives. */
  runningVersion?: number;
  abort?: AbortController;
  /** Documents waiting, in order of their first change since their last lint. */
  queue: Set<string>;
}

export class DocumentLinter {
  private readonly results = new Map<string, DocumentLint>();
  private readonly lanes: Record<Lane, LaneState> = { interactive: { queue: new Set() }, large: { queue: new Set() } };
  private readonly waiters = new Set<() => void>();
  private readonly listeners: Array<(lint: DocumentLint, text: string) => void> = [];
  /** HPCLINT_TIMING=1: when each document's latest change arrived (see logTiming). */
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly deps: DocumentLinterDependencies) {}

  /** Lint the document's current version: now when its lane is idle, else right after the running lint. */
  request(uri: string): void {
    const document = this.deps.documents.get(uri);
    if (!document) {
      return;
    }
    if (TIMING) {
      this.changedAt.set(uri, performance.now());
    }
    const lane = laneOf(document.getText());
    for (const [name, state] of Object.entries(this.lanes)) {
      if (name !== lane) {
        state.queue.delete(uri);
      }
      if (state.running === uri && state.runningVersion !== document.version) {
        state.abort?.abort();
      }
    }
    this.lanes[lane].queue.add(uri);
    this.pump(this.lanes[lane]);
  }

  requestAll(): void {
    for (const document of this.deps.documents.all()) {
      this.request(document.uri);
    }
  }

  /** The last published result (possibly of an older version). */
  lastResult(uri: string): DocumentLint | undefined {
    return this.results.get(uri);
  }

  /**
   * The result for `version` or later. Waits while a lint of the document is queued or running (off the
   * main thread: waiting costs nothing); gives the last result when nothing is pending or `token` fires.
   */
  async resultFor(uri: string, version: number, token?: CancellationToken): Promise<DocumentLint | undefined> {
    for (;;) {
      const last = this.results.get(uri);
      if ((last && last.version >= version) || !this.isPending(uri) || token?.isCancellationRequested) {
        return last;
      }
      await new Promise<void>((resolve) => {
        const cancel = token?.onCancellationRequested(() => done());
        const done = (): void => {
          cancel?.dispose();
          this.waiters.delete(done);
          resolve();
        };
        this.waiters.add(done);
      });
    }
  }

  /**
   * The text after every safe fix (`source.fixAll.hpclint`), computed on a worker; undefined when linting is
   * disabled, the request was cancelled or the document changed meanwhile.
   */
  async fixAll(target: { document: TextDocument; format: RecipeFormat }, token?: CancellationToken): Promise<string | undefined> {
    const { document, format } = target;
    const version = document.version;
    const settings = await this.deps.settings.get(document.uri);
    if (!settings.enable || token?.isCancellationRequested || document.version !== version) {
      return undefined;
    }
    const { config } = this.deps.configs.resolve(document.uri, settings);
    const context = this.deps.scripts?.contextOf(document.uri);
    const outcome = await this.deps.service.run({ kind: 'fix', text: document.getText(), fileName: baseNameOf(document.uri), format, config }, { scripts: context });
    return token?.isCancellationRequested || document.version !== version ? undefined : outcome.fixed?.text;
  }

  /** Called after each published result, with the text it is for (extra diagnostic sources start here). */
  onLinted(listener: (lint: DocumentLint, text: string) => void): void {
    this.listeners.push(listener);
  }

  /** Document closed. */
  forget(uri: string): void {
    this.results.delete(uri);
    this.deps.scripts?.forget(uri);
    for (const lane of Object.values(this.lanes)) {
      lane.queue.delete(uri);
      if (lane.running === uri) {
        lane.abort?.abort();
      }
    }
    this.deps.service.forget(uri);
    this.wake();
  }

  private isPending(uri: string): boolean {
    return Object.values(this.lanes).some((lane) => lane.running === uri || lane.queue.has(uri));
  }

  private pump(lane: LaneState): void {
    if (lane.running !== undefined) {
      return;
    }
    const next = lane.queue.values().next();
    if (next.done) {
      return;
    }
    const uri = next.value;
    lane.queue.delete(uri);
    lane.running = uri;
    lane.runningVersion = this.deps.documents.get(uri)?.version;
    const abort = new AbortController();
    lane.abort = abort;
    this.lintCurrentVersion(uri, abort.signal)
      .catch((error: unknown) => this.deps.logger.error(`hpclint: linting ${uri} failed: ${describeError(error)}`))
      .finally(() => {
        lane.running = undefined;
        lane.runningVersion = undefined;
        lane.abort = undefined;
        this.wake();
        this.pump(lane);
      });
  }

  private async lintCurrentVersion(uri: string, signal: AbortSignal): Promise<void> {
    const { documents, service, publisher } = this.deps;
    const document = documents.get(uri);
    if (!document) {
      return;
    }
    const version = document.version;
    const started = performance.now();
    const settings = await this.deps.settings.get(uri);
    if (documents.get(uri)?.version !== version) {
      return; // changed while the settings arrived: that change queued its own lint
    }
    const text = document.getText();
    const fileName = baseNameOf(uri);
    const format = service.formatFor({ languageId: document.languageId, fileName, text });
    if (format === undefined) {
      this.results.delete(uri);
      publisher.publish(uri, version, []);
      return;
    }
    const { config } = this.deps.configs.resolve(uri, settings);
    let diagnostics: HpcDiagnostic[] = [];
    let statements: StatementLines = [];
    let timing: LintTiming | undefined;
    if (settings.enable) {
      try {
        const context = this.deps.scripts?.contextOf(uri);
        const sent = performance.now();
        const outcome = await service.run({ kind: 'lint', text, document: uri, fileName, format, config, statements: true }, { signal, scripts: context });
        timing = TIMING ? { started, sent, returned: performance.now(), job: outcome.timing } : undefined;
        diagnostics = withScriptPaths(outcome.diagnostics, context);
        statements = outcome.statements ?? [];
        this.deps.scripts?.update(uri, context, outcome.wantedScripts ?? []);
      } catch (error) {
        if (error instanceof LintCancelledError) {
          return; // a newer version came: its lint is queued
        }
        this.deps.logger.error(`hpclint: linting ${uri} failed: ${describeError(error)}`);
        diagnostics = [failureDiagnostic(error)];
      }
    }
    if (documents.get(uri)?.version !== version) {
      return; // stale: the newer version is queued
    }
    const lint: DocumentLint = { uri, version, format, diagnostics, statements, settings, config };
    this.results.set(uri, lint);
    publisher.publish(uri, version, diagnostics.map((finding) => toLspDiagnostic(finding)));
    if (timing) {
      this.logTiming(uri, version, diagnostics.length, timing);
    }
    for (const listener of this.listeners) {
      listener(lint, text);
    }
  }

  /**
   * One line per published lint (HPCLINT_TIMING=1; `npm run bench` reads them): from the document's latest change
   * to the lint's start, the worker's round trip and the job in it (wall and thread CPU), and the conversion and
   * publish on this thread.
   */
  private logTiming(uri: string, version: number, count: number, timing: LintTiming): void {
    const published = performance.now();
    const ms = (value: number | undefined) => (value === undefined ? '?' : value.toFixed(1));
    const since = this.changedAt.get(uri) ?? timing.started;
    this.deps.logger.info(
      `hpclint timing: ${uri} v${version}: to lint start ${ms(timing.sent - since)} ms, worker round trip ${ms(timing.returned - timing.sent)} ms ` +
        `(job ${ms(timing.job?.jobMs)} ms, thread CPU ${ms(timing.job?.threadCpuMs)} ms), convert and publish ${ms(published - timing.returned)} ms, ${count} diagnostics`,
    );
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      waiter();
    }
  }
}

/** Related locations in copied scripts as absolute paths (they become the diagnostics' relatedInformation). */
function withScriptPaths(diagnostics: HpcDiagnostic[], context: ScriptContext | undefined): HpcDiagnostic[] {
  if (!context) {
    return diagnostics;
  }
  return diagnostics.map((d) => (d.related ? { ...d, related: d.related.map((related) => ({ ...related, path: scriptPath(context, related.path) })) } : d));
}

/** What the user sees when the analysis itself failed: a time-out is reported as skipped, a crash as a bug. */
function failureDiagnostic(error: unknown): HpcDiagnostic {
  if (error instanceof JobTimeoutError) {
    return skippedDiagnostic(`File skipped: ${error.message}`);
  }
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return {
    ...skippedDiagnostic(`hpclint could not analyse this file (${reason}). This is a bug in hpclint.`),
    code: INTERNAL_CODE,
    name: 'internal',
    severity: 'warning',
  };
}

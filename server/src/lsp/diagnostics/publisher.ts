// The debounced diagnostics publisher (push model: works with every client).
import type { Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analyzer } from '../documents/analyzer';
import { toLspDiagnostic } from './lspDiagnostics';
import { describeError, type Logger } from '../guard';

export const DEBOUNCE_MS = 200;

/**
 * Lints open documents after a quiet period and publishes the result. A run whose document changed
 * (or closed) while its settings were being fetched is dropped; the newer change has its own run.
 */
export class DiagnosticPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly analyzer: Analyzer,
    private readonly logger: Logger,
  ) {}

  schedule(uri: string, delay = DEBOUNCE_MS): void {
    this.cancel(uri);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.validate(uri);
      }, delay),
    );
  }

  scheduleAll(delay = 0): void {
    for (const document of this.documents.all()) {
      this.schedule(document.uri, delay);
    }
  }

  cancel(uri: string): void {
    const timer = this.timers.get(uri);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.timers.delete(uri);
    }
  }

  /** Document closed: stop pending work and clear its diagnostics. */
  clear(uri: string): void {
    this.cancel(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async validate(uri: string): Promise<void> {
    try {
      const document = this.documents.get(uri);
      if (!document) {
        return;
      }
      const version = document.version;
      const analysis = await this.analyzer.analyze(document);
      const latest = this.documents.get(uri);
      if (!latest || latest.version !== version || this.timers.has(uri)) {
        return;
      }
      const diagnostics = analysis?.result?.diagnostics.map(toLspDiagnostic) ?? [];
      await this.connection.sendDiagnostics({ uri, version, diagnostics });
    } catch (error) {
      this.logger.error(`hpclint: linting ${uri} failed: ${describeError(error)}`);
    }
  }
}

// Pushes each document's diagnostics (`textDocument/publishDiagnostics`, so every client works): hpclint's
// own findings merged with the latest results of slower extra sources (see extraDiagnostics.ts). A version's
// diagnostics are sent again only when they changed: VS Code drops a quick-fix or Fix All request still in
// flight whenever a document's markers change (its code-action model re-triggers), so a re-lint with the same
// result (settings, config files, a slower source that found nothing new) must not reach the editor.
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { describeError, type Logger } from '../guard';

interface Published {
  version: number;
  own: Diagnostic[];
  /** What the client last received for this document: its version and diagnostics. */
  sent?: { version: number; diagnostics: Diagnostic[] };
  /** Source → its latest diagnostics; kept across versions until the source reports again (no flicker). */
  extra: Map<string, Diagnostic[]>;
}

export class DiagnosticPublisher {
  private readonly documents = new Map<string, Published>();

  constructor(
    private readonly connection: Connection,
    private readonly logger: Logger,
  ) {}

  /** hpclint's findings (engine rules, syntax checks) for `version`. */
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void {
    const state = this.documents.get(uri) ?? { version, own: [], extra: new Map() };
    state.version = version;
    state.own = diagnostics;
    this.documents.set(uri, state);
    this.send(uri, state);
  }

  /** A slower source's diagnostics for `version`; dropped when the document has moved on since. */
  publishExtra(uri: string, version: number, source: string, diagnostics: Diagnostic[]): void {
    const state = this.documents.get(uri);
    if (!state || state.version !== version) {
      return;
    }
    if (diagnostics.length === 0 && !state.extra.has(source)) {
      return;
    }
    state.extra.set(source, diagnostics);
    this.send(uri, state);
  }

  /** Document closed: clear its diagnostics in the client. */
  clear(uri: string): void {
    this.documents.delete(uri);
    this.sendSafely({ uri, diagnostics: [] });
  }

  private send(uri: string, state: Published): void {
    const diagnostics = state.extra.size === 0 ? state.own : state.own.concat(...state.extra.values());
    if (state.sent?.version === state.version && sameDiagnostics(state.sent.diagnostics, diagnostics)) {
      return;
    }
    state.sent = { version: state.version, diagnostics };
    this.sendSafely({ uri, version: state.version, diagnostics });
  }

  private sendSafely(params: { uri: string; version?: number; diagnostics: Diagnostic[] }): void {
    this.connection.sendDiagnostics(params).catch((error: unknown) => {
      this.logger.error(`hpclint: publishing diagnostics for ${params.uri} failed: ${describeError(error)}`);
    });
  }
}

/** Equal as the client sees them (JSON): compared only for a second send of the same version. */
function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  return a === b || (a.length === b.length && JSON.stringify(a) === JSON.stringify(b));
}

// The hook for slower diagnostic sources (e.g. ShellCheck, #17), kept off the typing path: a provider
// runs after hpclint's own findings of a version are published, and its results are merged into a second
// publish of that version. A newer version cancels the run for the older one. Providers that execute
// anything the workspace configures declare `requiresTrust` and only run in trusted workspaces.
import { CancellationTokenSource, type CancellationToken, type Diagnostic, type Disposable } from 'vscode-languageserver';
import { describeError, type Logger } from '../guard';
import type { DocumentLint } from '../linting/documentLinter';
import type { DiagnosticPublisher } from './publisher';

export interface ExtraDiagnosticsInput {
  /** hpclint's published result for this version (format, settings, resolved config, findings). */
  lint: DocumentLint;
  /** The text of that version. */
  text: string;
}

export interface ExtraDiagnosticsProvider {
  /** Becomes the key under which the results are merged; use it as the diagnostics' `source`. */
  readonly source: string;
  /** True when the provider runs a program or reads anything the workspace configures. */
  readonly requiresTrust: boolean;
  /** Diagnostics for `input`; should stop early when `token` is cancelled (its result is then dropped). */
  provide(input: ExtraDiagnosticsInput, token: CancellationToken): Promise<Diagnostic[]>;
}

export class ExtraDiagnostics {
  private readonly providers: ExtraDiagnosticsProvider[] = [];
  /** `${source}\0${uri}` → the run in flight. */
  private readonly running = new Map<string, CancellationTokenSource>();

  constructor(
    private readonly publisher: DiagnosticPublisher,
    private readonly logger: Logger,
    private readonly workspaceTrusted: () => boolean,
  ) {}

  register(provider: ExtraDiagnosticsProvider): Disposable {
    this.providers.push(provider);
    return {
      dispose: () => {
        const index = this.providers.indexOf(provider);
        if (index >= 0) {
          this.providers.splice(index, 1);
        }
      },
    };
  }

  /** hpclint's findings for `input.lint.version` were just published. */
  afterPublish(input: ExtraDiagnosticsInput): void {
    const { uri, version } = input.lint;
    for (const provider of this.providers) {
      const key = `${provider.source}\0${uri}`;
      this.running.get(key)?.cancel();
      this.running.delete(key);
      if (provider.requiresTrust && !this.workspaceTrusted()) {
        this.publisher.publishExtra(uri, version, provider.source, []);
        continue;
      }
      const cancellation = new CancellationTokenSource();
      this.running.set(key, cancellation);
      provider
        .provide(input, cancellation.token)
        .then(
          (diagnostics) => {
            if (!cancellation.token.isCancellationRequested) {
              this.publisher.publishExtra(uri, version, provider.source, diagnostics);
            }
          },
          (error: unknown) => this.logger.error(`hpclint: ${provider.source} failed on ${uri}: ${describeError(error)}`),
        )
        .finally(() => {
          if (this.running.get(key) === cancellation) {
            this.running.delete(key);
          }
          cancellation.dispose();
        });
    }
  }

  /** Document closed: cancel its runs. */
  forget(uri: string): void {
    for (const [key, cancellation] of this.running) {
      if (key.endsWith(`\0${uri}`)) {
        cancellation.cancel();
        this.running.delete(key);
      }
    }
  }
}

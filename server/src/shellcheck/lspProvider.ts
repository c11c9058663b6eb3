// ShellCheck in the language server: an extra diagnostic source that runs after hpclint's own findings of a
// version are published (never on the typing path) and only in trusted workspaces (the ExtraDiagnostics hook
// checks `requiresTrust` before calling `provide`, so an untrusted workspace never starts a process).
import type { CancellationToken, Diagnostic } from 'vscode-languageserver';
import { skipReason } from '../engine/lint';
import type { ExtraDiagnosticsInput, ExtraDiagnosticsProvider } from '../lsp/diagnostics/extraDiagnostics';
import { toLspDiagnostic } from '../lsp/diagnostics/lspDiagnostics';
import type { Logger } from '../lsp/guard';
import { parseRecipe } from '../recipe/parse';
import { checkRecipe } from './check';
import { SHELL_CATEGORY } from './codes';
import { locateShellCheck, ShellCheckRunner, type Availability } from './runner';

/** Larger recipes are parsed on the worker only; ShellCheck skips them rather than parse them on the main thread. */
const MAX_TEXT_LENGTH = 512 * 1024;

export class ShellCheckProvider implements ExtraDiagnosticsProvider {
  readonly source = 'shellcheck';
  readonly requiresTrust = true;
  /** Per configured path ('' = the PATH): the runner, or why there is none (logged once). */
  private readonly runners = new Map<string, ShellCheckRunner | Availability>();
  /** The check in progress (see `provide`). */
  private turns: Promise<void> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  /**
   * One check at a time, and a check starts only if its version is still wanted when its turn comes: while
   * someone types, the versions in between are neither parsed on this thread nor checked by a process (each
   * publish cancels the previous version's check), so ShellCheck never piles up behind the keystrokes.
   */
  provide(input: ExtraDiagnosticsInput, token: CancellationToken): Promise<Diagnostic[]> {
    const turn = this.turns.then(() => (token.isCancellationRequested ? [] : this.check(input, token)));
    this.turns = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private async check({ lint, text }: ExtraDiagnosticsInput, token: CancellationToken): Promise<Diagnostic[]> {
    const { settings, config } = lint;
    if (!settings.enable || !settings.shellcheck.enable || config.categories[SHELL_CATEGORY] === 'off') {
      return [];
    }
    if (text.length > MAX_TEXT_LENGTH || skipReason(text) !== undefined) {
      return [];
    }
    const runner = this.runner(settings.shellcheck.path);
    if (!runner) {
      return [];
    }
    const outcome = await checkRecipe(parseRecipe(text, lint.format), config, runner);
    if (token.isCancellationRequested) {
      return [];
    }
    for (const error of outcome.errors) {
      this.logger.warn(`hpclint: ShellCheck on ${lint.uri}: ${error}`);
    }
    return outcome.diagnostics.map((finding) => toLspDiagnostic(finding, { withFixes: true }));
  }

  private runner(path: string): ShellCheckRunner | undefined {
    let known = this.runners.get(path);
    if (known === undefined) {
      const availability = locateShellCheck(path || undefined);
      if (availability.available) {
        known = new ShellCheckRunner(availability);
        this.logger.info(`hpclint: ShellCheck ${availability.version} (${availability.path}) checks RUN lines and script sections.`);
      } else {
        known = availability;
        this.logger.info(`hpclint: shell scripts are not checked: ${availability.reason}${path ? '' : ' or set hpclint.shellcheck.path'}.`);
      }
      this.runners.set(path, known);
    }
    return known instanceof ShellCheckRunner ? known : undefined;
  }
}

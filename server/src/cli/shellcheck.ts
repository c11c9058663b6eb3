// ShellCheck in the CLI: after every file is linted, the scripts of all of them go through ShellCheck in a
// few batched processes, and the findings join each file's report. Without the binary nothing happens.
import type { ResolvedConfig } from '../engine/types';
import { compareDiagnostics } from '../engine/lint';
import type { Recipe } from '../recipe/model';
import { outcomeOf, scriptsToCheck } from '../shellcheck/check';
import { DEFAULT_TIMEOUT_MS, locateShellCheck, ShellCheckRunner, type Availability } from '../shellcheck/runner';
import type { ExtractedScript } from '../shellcheck/scripts';
import type { FileReport } from './formatters';

interface Pending {
  report: FileReport;
  recipe: Recipe;
  config: ResolvedConfig;
  scripts: ExtractedScript[];
}

export class CliShellCheck {
  private readonly pending: Pending[] = [];
  private availability?: Availability;

  /** `enabled` false = `--no-shellcheck`; `executable` = `--shellcheck FILE`. */
  constructor(
    private readonly enabled: boolean,
    private readonly executable?: string,
  ) {}

  /** Enabled and the binary is there: callers then hand over each linted file with its recipe. */
  get active(): boolean {
    return this.enabled && this.located().available;
  }

  private located(): Availability {
    this.availability ??= locateShellCheck(this.executable);
    return this.availability;
  }

  /** Remembers a linted file whose scripts ShellCheck should see. */
  add(report: FileReport, recipe: Recipe, config: ResolvedConfig): void {
    if (!this.enabled) {
      return;
    }
    const scripts = scriptsToCheck(recipe, config);
    if (scripts.length > 0) {
      this.pending.push({ report, recipe, config, scripts });
    }
  }

  /**
   * Runs ShellCheck on everything added, `processes` at a time, and adds its findings to the reports;
   * returns one line per script it could not check.
   */
  async run(processes: number): Promise<string[]> {
    if (!this.enabled) {
      return [];
    }
    const availability = this.located();
    if (!availability.available) {
      // Graceful absence: `hpclint --list-rules` says why; an explicit --shellcheck FILE that fails is worth a line.
      return this.executable !== undefined ? [availability.reason] : [];
    }
    if (this.pending.length === 0) {
      return [];
    }
    // The processes share the cores: each may take that many times longer than one alone before it counts as hung.
    const runner = new ShellCheckRunner(availability, { timeoutMs: DEFAULT_TIMEOUT_MS * Math.max(1, processes) });
    const results = await runner.checkConcurrently(
      this.pending.flatMap((file) => file.scripts.map((script) => script.script.content)),
      processes,
    );
    const problems: string[] = [];
    let at = 0;
    for (const file of this.pending) {
      const outcome = outcomeOf(file.recipe, file.config, file.scripts, results.slice(at, at + file.scripts.length));
      at += file.scripts.length;
      if (outcome.diagnostics.length > 0) {
        file.report.diagnostics = [...file.report.diagnostics, ...outcome.diagnostics].sort(compareDiagnostics);
      }
      problems.push(...outcome.errors.map((error) => `${file.report.path}: ${error}`));
    }
    this.pending.length = 0;
    return problems;
  }
}

/** The line `--list-rules` prints about ShellCheck. */
export function shellcheckStatus(availability: Availability): string {
  return availability.available
    ? `shellcheck/SC<NNNN>  shell  ShellCheck ${availability.version} (${availability.path}) checks RUN lines and script sections; --no-shellcheck turns it off.`
    : `shellcheck/SC<NNNN>  shell  ShellCheck is not available, so shell scripts are not checked: ${availability.reason}.`;
}

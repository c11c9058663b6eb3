// ShellCheck in the CLI: the lint of each file returns the texts of its scripts (extracted on the lint worker,
// from the model it built), and they go to one queue for the whole run (queue.ts), which checks every distinct
// script once, in batches on every core, while the other files are still being linted. As a file's scripts are
// checked, and only when ShellCheck said something about them, a `shellcheck` job (service/jobs.ts) parses the file
// again on a lint worker to place the findings, which are added to its report. Without the binary nothing happens.
import type { ResolvedConfig } from '../engine/types';
import { compareDiagnostics } from '../engine/lint';
import type { LintOutcome } from '../service/jobs';
import type { LintService } from '../service/lintService';
import { ShellCheckQueue } from '../shellcheck/queue';
import { ShellCheckResultCache } from '../shellcheck/resultCache';
import { DEFAULT_TIMEOUT_MS, locateShellCheck, ShellCheckRunner, type Availability, type ScriptResult } from '../shellcheck/runner';
import type { FileReport } from './formatters';

interface Pending {
  report: FileReport;
  /** Resolves when ShellCheck's findings are in the report, with the scripts it could not check. */
  placed: Promise<string[]>;
}

export class CliShellCheck {
  private readonly pending: Pending[] = [];
  private availability?: Availability;
  private queue?: ShellCheckQueue;
  private cache?: ShellCheckResultCache;

  /**
   * `enabled` false = `--no-shellcheck`; `executable` = `--shellcheck FILE`; `processes` ShellCheck processes at a time;
   * `cacheFile` = `--shellcheck-cache FILE` (absolute).
   */
  constructor(
    private readonly enabled: boolean,
    private readonly executable: string | undefined,
    private readonly processes: number,
    private readonly cacheFile?: string,
  ) {}

  /** Enabled and the binary is there: callers then ask each lint for its scripts (`shellScripts`) and hand them over. */
  get active(): boolean {
    return this.enabled && this.located().available;
  }

  private located(): Availability {
    this.availability ??= locateShellCheck(this.executable);
    return this.availability;
  }

  /**
   * Hands over a linted file (`report.text` is what was linted) with the texts of its scripts, which are queued at
   * once; `service` places the findings, and must stay open until `finish` has returned.
   */
  add(report: FileReport & { text: string }, config: ResolvedConfig, scripts: readonly string[], service: LintService): void {
    const availability = this.enabled ? this.located() : undefined;
    if (!availability?.available || scripts.length === 0) {
      return;
    }
    // The processes share the cores with each other and with the lint workers: each may take that many times longer than one alone before it counts as hung.
    if (!this.queue) {
      const runner = new ShellCheckRunner(availability, { timeoutMs: DEFAULT_TIMEOUT_MS * 2 * this.processes });
      this.cache = this.cacheFile === undefined ? undefined : new ShellCheckResultCache(this.cacheFile, runner.identity);
      this.queue = new ShellCheckQueue(runner, this.processes, this.cache);
    }
    const queue = this.queue;
    const placed = queue.check(scripts).then((results) => place(report, config, scripts, results, queue, service));
    placed.catch(() => undefined); // awaited in finish(); a run that ends before it leaves no unhandled rejection
    this.pending.push({ report, placed });
  }

  /**
   * Waits for the scripts of every file added and adds their findings to the reports; returns one line per
   * script that could not be checked, in the order of `reports` (every report the run prints).
   */
  async finish(reports: readonly FileReport[]): Promise<string[]> {
    if (!this.enabled) {
      return [];
    }
    const availability = this.located();
    if (!availability.available) {
      // Graceful absence: `hpclint --list-rules` says why; an explicit --shellcheck FILE that fails is worth a line.
      return this.executable !== undefined ? [availability.reason] : [];
    }
    this.queue?.drain();
    const order = new Map(reports.map((report, index) => [report, index]));
    const files = this.pending.splice(0).sort((a, b) => (order.get(a.report) ?? 0) - (order.get(b.report) ?? 0));
    const problems: string[] = [];
    for (const file of files) {
      problems.push(...(await file.placed).map((error) => `${file.report.path}: ${error}`));
    }
    const unsaved = this.cache?.save();
    if (unsaved !== undefined) {
      problems.push(`cannot write the cache ${this.cacheFile}: ${unsaved}`);
    }
    return problems;
  }
}

/**
 * Adds ShellCheck's findings to the report as soon as the file's scripts are checked (while others still are);
 * returns the scripts it could not check. Only a file ShellCheck said something about is parsed again.
 */
async function place(
  report: FileReport & { text: string },
  config: ResolvedConfig,
  checked: readonly string[],
  results: ScriptResult[],
  queue: ShellCheckQueue,
  service: LintService,
): Promise<string[]> {
  if (results.every((result) => Array.isArray(result) && result.length === 0)) {
    return []; // nothing to place: most files
  }
  const job = { kind: 'shellcheck', text: report.text, format: report.format, config } as const;
  let outcome: LintOutcome;
  try {
    outcome = await service.run({ ...job, shellcheck: { scripts: checked, results } });
    if (outcome.shellScripts) {
      // The worker found other scripts than the lint did (see jobs.ts): those are checked and placed.
      const scripts = outcome.shellScripts;
      outcome = await service.run({ ...job, shellcheck: { scripts, results: await queue.check(scripts) } });
    }
  } catch (error) {
    return [`its findings could not be placed: ${error instanceof Error ? error.message : String(error)}`];
  }
  if (outcome.diagnostics.length > 0) {
    report.diagnostics = [...report.diagnostics, ...outcome.diagnostics].sort(compareDiagnostics);
  }
  return outcome.shellcheckErrors ?? [];
}

/** The line `--list-rules` prints about ShellCheck. */
export function shellcheckStatus(availability: Availability): string {
  return availability.available
    ? `shellcheck/SC<NNNN>  shell  ShellCheck ${availability.version} (${availability.path}) checks RUN lines and script sections; --no-shellcheck turns it off.`
    : `shellcheck/SC<NNNN>  shell  ShellCheck is not available, so shell scripts are not checked: ${availability.reason}.`;
}

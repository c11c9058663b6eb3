// The one way the CLI and the language server lint: format detection, skipping, configuration
// layering (cached), and running the engine on worker threads, which read the scripts a recipe copies in and runs.
import { skipReason } from '../engine/lint';
import type { ScriptContext } from '../io/copiedScripts';
import type { Rule } from '../engine/rule';
import type { RecipeFormat } from '../recipe/model';
import { ConfigCache, type ConfigCacheOptions, type ConfigLayers, type DirectoryConfig } from './configCache';
import { formatFor, type FormatInput } from './formats';
import type { LintJob, LintOutcome } from './jobs';
import type { Linter } from './linter';

/** Texts above this many characters go to the `large` linter, so they never hold up the others. */
export const LARGE_TEXT_CHARS = 512 * 1024;

export type Lane = 'interactive' | 'large';

export interface Linters {
  interactive: Linter;
  /** For texts above `LARGE_TEXT_CHARS` (default: `interactive`). */
  large?: Linter;
}

export function laneOf(text: string): Lane {
  return text.length > LARGE_TEXT_CHARS ? 'large' : 'interactive';
}

export interface RunOptions {
  /** Aborting it withdraws the job (see `Linter.run`). */
  signal?: AbortSignal;
  /** Where the recipe's copied scripts are read from; none: they are not read. */
  scripts?: ScriptContext;
}

export class LintService {
  readonly configs: ConfigCache;

  constructor(
    readonly rules: readonly Rule[],
    private readonly linters: Linters,
    options: ConfigCacheOptions = {},
  ) {
    this.configs = new ConfigCache(rules, options);
  }

  /** The recipe format of a text (language id, then name, then content); undefined = not a recipe. */
  formatFor(input: FormatInput): RecipeFormat | undefined {
    return formatFor(input);
  }

  /** Why a text is not analysed (too big, binary), or undefined. */
  skipReason(text: string): string | undefined {
    return skipReason(text);
  }

  /** The layered configuration for recipes in `directory` (cached until `configs.invalidate()`). */
  configFor(directory: string | undefined, layers: ConfigLayers): DirectoryConfig {
    return this.configs.forDirectory(directory, layers);
  }

  /** Starts the interactive linter's threads (the language server does this at start-up). */
  warmUp(): void {
    this.linters.interactive.warmUp?.();
  }

  /**
   * Runs a job on its lane's linter (see `laneOf`); aborting `signal` withdraws it (see `Linter.run`). With a
   * build context (`scripts`), the job reads the copied scripts the recipe runs on the thread that lints it (never in
   * the engine or a rule), as soon as the parse names them: each file is linted once.
   */
  run(job: LintJob, { signal, scripts: context }: RunOptions = {}): Promise<LintOutcome> {
    const linter = laneOf(job.text) === 'large' ? (this.linters.large ?? this.linters.interactive) : this.linters.interactive;
    return linter.run(context ? { ...job, scripts: context } : job, signal);
  }

  /** The document (`LintJob.document`) was closed: the linters drop what they keep for it. */
  forget(document: string): void {
    this.linters.interactive.forget?.(document);
    this.linters.large?.forget?.(document);
  }

  async close(): Promise<void> {
    await Promise.all([this.linters.interactive.close(), this.linters.large?.close()]);
  }
}

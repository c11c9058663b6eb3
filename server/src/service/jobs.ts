// One unit of engine work, run the same way in a lint worker thread and in-process.
import { fixAll } from '../engine/fixes';
import { lint } from '../engine/lint';
import type { Rule } from '../engine/rule';
import type { HpcDiagnostic, ResolvedConfig } from '../engine/types';
import { readScript, type ScriptContext } from '../io/copiedScripts';
import type { ScriptInput, ScriptReader } from '../recipe/copied-scripts';
import type { Recipe, RecipeFormat } from '../recipe/model';
import { parseRecipe } from '../recipe/parse';
import { outcomeOf, scriptsToCheck } from '../shellcheck/check';
import type { ScriptResult } from '../shellcheck/runner';
import type { JobTiming } from './lintTiming';
import { statementLines, type StatementLines } from './statements';
import { memoOf } from './documentMemos';

export interface LintJob {
  /**
   * `lint`: findings of `text`; `fix`: apply every safe fix (`--fix`, `source.fixAll`); `shellcheck`: ShellCheck's
   * findings in `text` from the results in `shellcheck` (the CLI checks the scripts a lint returned, then places them here).
   */
  kind: 'lint' | 'fix' | 'shellcheck';
  text: string;
  /**
   * The open document the job is for (its URI; the language server's `lint` jobs): a worker keeps per-document state
   * under it (its last outcome, see outcomeDelta.ts, and its lint memo, engine/memo.ts) until the owner forgets the
   * document.
   */
  document?: string;
  /** Used in messages and for format-dependent rules; the format itself is decided before. */
  fileName?: string;
  format: RecipeFormat;
  config: ResolvedConfig;
  /** `lint`: also return the statement extents (for ignore-pragma code actions). */
  statements?: boolean;
  /** `fix`: also return the findings left in the fixed text. */
  lintFixed?: boolean;
  /**
   * Where the copied scripts the recipe runs are read from, on the thread that lints, as soon as the parse names them
   * (undefined: no build context).
   */
  scripts?: ScriptContext;
  /** Also return the scripts ShellCheck would check (the CLI queues them without parsing the recipe again). */
  shellScripts?: boolean;
  /** `shellcheck`: the scripts a lint of `text` returned in `shellScripts`, and ShellCheck's result for each. */
  shellcheck?: { scripts: readonly string[]; results: readonly ScriptResult[] };
}

export interface LintOutcome {
  format: RecipeFormat;
  /** Findings of the text (`lint`) or of the fixed text (`fix` with `lintFixed`); empty otherwise. */
  diagnostics: HpcDiagnostic[];
  statements?: StatementLines;
  /** `fix`: the fixed text and how many fixes it took. */
  fixed?: { text: string; applied: number };
  /** Build-context paths of the copied scripts the (fixed) text runs: what the service reads for `scripts`. */
  wantedScripts?: string[];
  /**
   * With `shellScripts`: the text of each script of the (fixed) text that ShellCheck checks, in `scriptsToCheck` order.
   * `shellcheck`: present (and no findings) when they are not the scripts the job gave results for.
   */
  shellScripts?: string[];
  /** `shellcheck`: the scripts ShellCheck could not check, one line each. */
  shellcheckErrors?: string[];
  /** With HPCLINT_TIMING=1: how long the job took on its worker (see lintTiming.ts). */
  timing?: JobTiming;
}

/** `cancelled` is asked between rules of a `lint` job: true stops it with `LintCancelledError`. */
export function runJob(job: LintJob, rules: readonly Rule[], cancelled?: () => boolean): LintOutcome {
  if (job.kind === 'shellcheck') {
    return shellCheckFindings(job);
  }
  const scripts = job.scripts && scriptReader(job.scripts);
  const options = { fileName: job.fileName, format: job.format, config: job.config, rules, scripts };
  if (job.kind === 'fix') {
    const fixed = fixAll(job.text, options);
    const left = job.lintFixed ? lint(fixed.text, options) : undefined;
    const outcome: LintOutcome = { format: job.format, diagnostics: left?.diagnostics ?? [], fixed, wantedScripts: left?.wantedScripts ?? [] };
    return left && job.shellScripts ? { ...outcome, shellScripts: shellScriptsOf(left.recipe, job.config) } : outcome;
  }
  const memo = job.document !== undefined ? memoOf(job.document) : undefined;
  const result = lint(job.text, { ...options, cancelled, ...(memo ? { memo } : {}) });
  const outcome: LintOutcome = { format: result.format, diagnostics: result.diagnostics, wantedScripts: result.wantedScripts };
  if (job.statements) {
    outcome.statements = statementLines(result.recipe);
  }
  if (job.shellScripts) {
    outcome.shellScripts = shellScriptsOf(result.recipe, job.config);
  }
  return outcome;
}

/** Reads each build-context path once per job (a fix job lints several times). */
function scriptReader(context: ScriptContext): ScriptReader {
  const read = new Map<string, ScriptInput>();
  const input = (path: string): ScriptInput => {
    let found = read.get(path);
    if (!found) {
      found = readScript(context, path);
      read.set(path, found);
    }
    return found;
  };
  // fromEntries makes own properties, also of a path named `__proto__`.
  return (paths) => Object.fromEntries(paths.map((path) => [path, input(path)]));
}

/** ShellCheck's findings placed in the recipe, settled against its configuration and pragmas. */
function shellCheckFindings({ text, format, config, shellcheck }: LintJob): LintOutcome {
  const recipe = parseRecipe(text, format);
  const scripts = scriptsToCheck(recipe, config);
  const texts = scripts.map((script) => script.script.content);
  // The same front end and extraction as the lint's; were they ever to differ, the caller checks the scripts found here.
  if (!shellcheck || texts.length !== shellcheck.scripts.length || texts.some((script, i) => script !== shellcheck.scripts[i])) {
    return { format, diagnostics: [], shellScripts: texts };
  }
  const { diagnostics, errors } = outcomeOf(recipe, config, scripts, shellcheck.results);
  return { format, diagnostics, shellcheckErrors: errors };
}

function shellScriptsOf(recipe: Recipe, config: ResolvedConfig): string[] {
  return scriptsToCheck(recipe, config).map((script) => script.script.content);
}

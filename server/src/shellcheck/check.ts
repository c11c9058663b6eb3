// ShellCheck findings for a recipe: extract its scripts, run them through ShellCheck, map each finding back to
// the exact recipe range, and apply hpclint's settings and pragmas.
import { settleFindings, type ExternalFinding } from '../engine/lint';
import type { Fix, TextEdit } from '../engine/rule';
import type { HpcDiagnostic, ResolvedConfig } from '../engine/types';
import type { Recipe } from '../recipe/model';
import { LineIndex } from '../recipe/text';
import { defaultSeverity, SHELL_CATEGORY, shellcheckCode } from './codes';
import type { ShellCheckComment, ShellCheckRunner, ScriptResult } from './runner';
import { extractScripts, type ExtractedScript } from './scripts';
import { lineStarts, offsetOfColumn, type MappedScript } from './sourceMap';

export interface ShellCheckOutcome {
  diagnostics: HpcDiagnostic[];
  /** Scripts that could not be checked (timeout, crash), one line each. */
  errors: string[];
}

/** The recipe's scripts to check; empty when the `shell` category is off. */
export function scriptsToCheck(recipe: Recipe, config: ResolvedConfig): ExtractedScript[] {
  if (config.categories[SHELL_CATEGORY] === 'off') {
    return [];
  }
  return extractScripts(recipe).filter((script) => !script.script.isEmpty && script.script.content.trim().length > 0);
}

/** Runs ShellCheck synchronously (the CLI). */
export function checkRecipeSync(recipe: Recipe, config: ResolvedConfig, runner: ShellCheckRunner): ShellCheckOutcome {
  const scripts = scriptsToCheck(recipe, config);
  if (scripts.length === 0) {
    return { diagnostics: [], errors: [] };
  }
  return outcomeOf(recipe, config, scripts, runner.checkSync(scripts.map((script) => script.script.content)));
}

/** Runs ShellCheck in the background (the language server). */
export async function checkRecipe(recipe: Recipe, config: ResolvedConfig, runner: ShellCheckRunner): Promise<ShellCheckOutcome> {
  const scripts = scriptsToCheck(recipe, config);
  if (scripts.length === 0) {
    return { diagnostics: [], errors: [] };
  }
  return outcomeOf(recipe, config, scripts, await runner.check(scripts.map((script) => script.script.content)));
}

/** Findings from ShellCheck's results for `scripts` (same order), settled against `config` and the recipe's pragmas. */
export function outcomeOf(recipe: Recipe, config: ResolvedConfig, scripts: readonly ExtractedScript[], results: readonly ScriptResult[]): ShellCheckOutcome {
  const index = new LineIndex(recipe.text);
  const found: ExternalFinding[] = [];
  const errors: string[] = [];
  scripts.forEach((script, i) => {
    const result = results[i];
    if (!Array.isArray(result)) {
      const where = index.positionAt(index.offsetAt(script.step.keywordRange.start));
      errors.push(`line ${where.line + 1}: ${script.step.keyword}: ${result?.error ?? 'not checked'}`);
      return;
    }
    for (const comment of result) {
      const finding = toFinding(recipe, index, script, comment);
      if (finding) {
        found.push(finding);
      }
    }
  });
  return { diagnostics: settleFindings(found, recipe, config), errors };
}

function toFinding(recipe: Recipe, index: LineIndex, extracted: ExtractedScript, comment: ShellCheckComment): ExternalFinding | undefined {
  const { script, interpreter } = extracted;
  const starts = lineStarts(script.content);
  const scriptStart = offsetOfColumn(script.content, starts, comment.line, comment.column);
  const scriptEnd = Math.max(scriptStart, offsetOfColumn(script.content, starts, comment.endLine, comment.endColumn));
  const start = script.toSource(scriptStart, 'start');
  if (start === undefined) {
    return undefined; // in the generated shebang or declarations
  }
  const end = Math.max(start, script.toSource(scriptEnd, 'end') ?? start);
  if (aboutPlaceholder(extracted, index, comment.code, start, end)) {
    return undefined; // ShellCheck saw a stand-in for a `{{ name }}` placeholder, not what the build will run
  }
  const name = `SC${comment.code}`;
  const portability = comment.code >= 3000 && comment.code < 4000;
  const diagnostic: HpcDiagnostic = {
    code: shellcheckCode(comment.code),
    name,
    category: SHELL_CATEGORY,
    severity: 'info',
    message: portability ? `${comment.message} This script runs with ${interpreter.label}.` : comment.message,
    range: index.range(start, end),
    fixes: [],
    source: 'shellcheck',
  };
  const fix = suggestedFix(recipe, index, script, starts, comment);
  if (fix) {
    diagnostic.fixes.push(fix);
  }
  const declaration = comment.code === 1007 && DECLARATION.test(script.content.slice(starts[comment.line - 1] ?? 0, scriptStart));
  return { diagnostic, defaultSetting: declaration ? 'info' : defaultSeverity(comment.code, comment.level, interpreter) };
}

/**
 * `export A= B=1`: SC1007's "remove the space after =" is about `A= cmd`, which runs `cmd` with A empty. After `export`
 * (and its relatives) the next word is only another name to declare, and the empty value is what was meant (apptainer's
 * dist/docker Dockerfile).
 */
const DECLARATION = /(?:^|[;&|(])\s*(?:export|readonly|declare|typeset|local)\s[^;&|]*$/;

/** "This expression is constant" and relatives: a placeholder on the line makes them meaningless. */
const CONSTANT_EXPRESSION_CODES = new Set([2050, 2078, 2157, 2193, 2194, 2195]);

function aboutPlaceholder(extracted: ExtractedScript, index: LineIndex, code: number, start: number, end: number): boolean {
  const line = index.positionAt(start).line;
  return extracted.placeholders.some(
    ([from, to]) =>
      (from < Math.max(end, start + 1) && to > start) || (CONSTANT_EXPRESSION_CODES.has(code) && index.positionAt(from).line === line),
  );
}

/** ShellCheck's own fix, when every replacement lies in text copied unchanged from the recipe. Unsafe: quoting changes word splitting. */
function suggestedFix(recipe: Recipe, index: LineIndex, script: MappedScript, starts: readonly number[], comment: ShellCheckComment): Fix | undefined {
  if (!comment.replacements || comment.replacements.length === 0) {
    return undefined;
  }
  const edits: TextEdit[] = [];
  for (const replacement of comment.replacements) {
    const from = offsetOfColumn(script.content, starts, replacement.line, replacement.column);
    const to = offsetOfColumn(script.content, starts, replacement.endLine, replacement.endColumn);
    if (to < from || !script.isContiguous(from, to)) {
      return undefined;
    }
    const start = script.toSource(from, 'start');
    const end = from === to ? start : script.toSource(to, 'end');
    if (start === undefined || end === undefined || recipe.text.slice(start, end) !== script.content.slice(from, to)) {
      return undefined;
    }
    edits.push({ range: index.range(start, end), newText: replacement.replacement });
  }
  edits.sort((a, b) => index.offsetAt(a.range.start) - index.offsetAt(b.range.start));
  return { title: `Apply ShellCheck's fix for SC${comment.code}`, safe: false, edits };
}

// Runs ShellCheck the way the CLI does and prints findings compactly: `line:col-endLine:endCol severity CODE`
// (1-based, end exclusive, as in the JSON report).
import type { TestContext } from 'node:test';
import { defaultConfig, mergeConfig, type ConfigOverride } from '../../../server/src/engine/config';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { checkRecipeSync } from '../../../server/src/shellcheck/check';
import { locateShellCheck, ShellCheckRunner } from '../../../server/src/shellcheck/runner';
import { allRules } from '../../../server/src/rules/index';

export const availability = locateShellCheck();
let runner: ShellCheckRunner | undefined;

/**
 * True when ShellCheck is installed; otherwise the test is skipped (or fails when HPCLINT_REQUIRE_SHELLCHECK=1,
 * which .ci/run sets after installing Debian's shellcheck).
 */
export function haveShellCheck(t: TestContext): boolean {
  if (availability.available) {
    return true;
  }
  if (process.env.HPCLINT_REQUIRE_SHELLCHECK === '1') {
    throw new Error(`ShellCheck is required here: ${availability.reason}`);
  }
  t.skip(availability.reason);
  return false;
}

export function shellcheckFindings(text: string, format: RecipeFormat, override: ConfigOverride = {}): HpcDiagnostic[] {
  if (!availability.available) {
    throw new Error(availability.reason);
  }
  runner ??= new ShellCheckRunner(availability);
  const outcome = checkRecipeSync(parseRecipe(text, format), mergeConfig(defaultConfig(), override, allRules), runner);
  if (outcome.errors.length > 0) {
    throw new Error(outcome.errors.join('\n'));
  }
  return outcome.diagnostics;
}

export function compact(diagnostics: readonly HpcDiagnostic[]): string[] {
  return diagnostics.map(
    (d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.severity} ${d.name}`,
  );
}

/** The recipe text a finding's range covers. */
export function covered(text: string, diagnostic: HpcDiagnostic): string {
  const lines = text.split('\n');
  const { start, end } = diagnostic.range;
  if (start.line === end.line) {
    return lines[start.line].slice(start.character, end.character);
  }
  return [lines[start.line].slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.character)].join('\n');
}

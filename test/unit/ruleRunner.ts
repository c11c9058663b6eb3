// Runs one rule on a recipe text, the way the engine does, without severity overrides or pragmas.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits } from '../../server/src/engine/fixes';
import type { Finding, Fix, Rule, RuleSettings, Severity, TextEdit } from '../../server/src/engine/rule';
import type { Range, Recipe, RecipeFormat } from '../../server/src/recipe/model';
import { parseRecipe } from '../../server/src/recipe/parse';
import { LineIndex } from '../../server/src/recipe/text';

/** Fixed evaluation date so date-dependent rules (EOL) give stable results. */
export const TEST_TODAY = '2026-11-28';

export interface RuleFinding extends Finding {
  severity: Severity;
  fixes: Fix[];
}

/** Settings a fixture assumes, from an optional sibling `<file>.settings.json` (e.g. `{ "registryMirror": "…" }`). */
export function fixtureSettings(dir: string, file: string): RuleSettings {
  const path = join(dir, `${file}.settings.json`);
  return testSettings(existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<RuleSettings>) : {});
}

export function testSettings(overrides: Partial<RuleSettings> = {}): RuleSettings {
  return { trustedRegistries: [], today: TEST_TODAY, ...overrides };
}

export function runRule(rule: Rule, text: string, format: RecipeFormat, settings: RuleSettings = testSettings()): { recipe: Recipe; findings: RuleFinding[] } {
  const recipe = parseRecipe(text, format);
  const findings: RuleFinding[] = [];
  rule.check({
    recipe,
    settings,
    report: (finding) => findings.push({ ...finding, severity: finding.severity ?? rule.meta.severity, fixes: finding.fixes ?? [] }),
  });
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { recipe, findings };
}

/** Applies the first fix of the wanted safety of every finding, skipping fixes that overlap one already chosen. */
export function applyFixes(text: string, findings: readonly RuleFinding[], safe: boolean): { text: string; applied: number } {
  const index = new LineIndex(text);
  const chosen: { start: number; end: number; edits: TextEdit[] }[] = [];
  let applied = 0;
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate) => candidate.safe === safe);
    if (!fix || fix.edits.length === 0) {
      continue;
    }
    const spans = fix.edits.map((edit) => ({ start: index.offsetAt(edit.range.start), end: index.offsetAt(edit.range.end) }));
    const clash = chosen.some((other) => spans.some((span) => span.start <= other.end && other.start <= span.end));
    if (clash) {
      continue;
    }
    for (const span of spans) {
      chosen.push({ ...span, edits: [] });
    }
    chosen[chosen.length - 1].edits = fix.edits;
    applied++;
  }
  return { text: applyEdits(text, chosen.flatMap((entry) => entry.edits)), applied };
}

/** `line:col-line:col`, 1-based, end exclusive. */
export function formatRange(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

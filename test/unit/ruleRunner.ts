// Runs one rule on a recipe text, the way the engine does, without severity overrides or pragmas.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interestsMet, runRule as dispatchRule } from '../../server/src/engine/dispatch';
import { applyFixes as applyEngineFixes } from '../../server/src/engine/fixes';
import type { Finding, Fix, Rule, RuleSettings, Severity } from '../../server/src/engine/rule';
import type { Range, Recipe, RecipeFormat } from '../../server/src/recipe/model';
import { factsOf } from '../../server/src/recipe/facts';
import { parseRecipe } from '../../server/src/recipe/parse';

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
  const facts = factsOf(recipe);
  // The engine's way: the rule's handlers dispatched from RecipeFacts' indexes.
  const reported: Finding[] = [];
  dispatchRule(rule, { recipe, facts, settings, report: (finding) => reported.push(finding) }, true);
  if (rule.parts) {
    const walked: Finding[] = [];
    rule.check({ recipe, facts, settings, report: (finding) => walked.push(finding) });
    if (JSON.stringify(walked) !== JSON.stringify(reported)) {
      throw new Error(`${rule.meta.code}: its handlers report other findings when dispatched than in its own walk (rule.check)`);
    }
  }
  const findings: RuleFinding[] = reported.map((finding) => ({ ...finding, severity: finding.severity ?? rule.meta.severity, fixes: finding.fixes ?? [] }));
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (findings.length > 0 && !interestsMet(rule.meta.interests, facts)) {
    throw new Error(`${rule.meta.code} reports on a recipe its declared interests exclude: the engine would skip it (meta.interests)`);
  }
  return { recipe, findings };
}

/** Applies the first fix of the wanted safety of every finding with the engine's applier (as `--fix` and fix-all do). */
export function applyFixes(text: string, findings: readonly RuleFinding[], safe: boolean): { text: string; applied: number } {
  const fixes = findings.flatMap((finding) => finding.fixes.filter((fix) => fix.safe === safe && fix.edits.length > 0).slice(0, 1));
  const { text: fixed, applied } = applyEngineFixes(text, fixes);
  return { text: fixed, applied };
}

/** `line:col-line:col`, 1-based, end exclusive. */
export function formatRange(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}-${range.end.line + 1}:${range.end.character + 1}`;
}

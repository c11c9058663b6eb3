// Whether rules are command-local over the corpus definition files and rule fixtures (commandLocality.test.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { commandSubRecipe, commandUnits, type LocalUnit } from '../../../server/src/engine/commandLocality';
import { interestsMet, runRule } from '../../../server/src/engine/dispatch';
import type { Finding, Rule, RuleSettings } from '../../../server/src/engine/rule';
import { stepIndexOf } from '../../../server/src/engine/stepLocality';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { DefinitionParseMemo } from '../../../server/src/recipe/definition-memo';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe } from '../../../server/src/recipe/model';

const ROOT = resolve(__dirname, '..', '..', '..');
export const CORPUS = resolve(ROOT, '../shared/corpus');
const FIXTURES = join(ROOT, 'test/fixtures/rules');
/** Hand-made definition files whose units read each other (a guard, a `cd`, a whole-text property, the header). */
export const TRAPS = join(ROOT, 'test/fixtures/command-locality');

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

export function definitionFiles(): string[] {
  return [...listFiles(TRAPS), ...listFiles(FIXTURES).filter((file) => file.endsWith('.def')), ...(existsSync(CORPUS) ? listFiles(join(CORPUS, 'singularity')) : [])];
}

/** Each rule's findings on `recipe`, as the engine runs it (dispatch by interests). */
function findingsOf(rules: readonly Rule[], recipe: Recipe, settings: RuleSettings): Map<Rule, Finding[]> {
  const facts = factsOf(recipe);
  const byRule = new Map<Rule, Finding[]>();
  for (const rule of rules) {
    const found: Finding[] = [];
    if (rule.meta.formats.includes(recipe.format) && interestsMet(rule.meta.interests, facts)) {
      runRule(rule, { recipe, facts, settings, report: (finding) => found.push(finding) }, true);
    }
    byRule.set(rule, found);
  }
  return byRule;
}

/** The parse of a definition file and its units, with the clean points of a parse with a memo. */
function unitsOf(text: string): { recipe: Recipe; units: LocalUnit[] } {
  const memo = new DefinitionParseMemo();
  const recipe = parseDefinitionFile(text, memo);
  const { lineIndex } = factsOf(recipe);
  return { recipe, units: commandUnits(recipe, lineIndex, (script) => memo.cleanPoints(script, lineIndex.offsetAt(script.range.start))) };
}

/**
 * Where `rules` are not command-local over the definition files (rule, unit, file), and which rules fired on a unit of
 * a script.
 */
export function commandLocalityProblems(rules: readonly Rule[], settings: RuleSettings, files = definitionFiles()): { wrong: Set<string>; fired: Set<Rule> } {
  const wrong = new Set<string>();
  const fired = new Set<Rule>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 200_000) {
      continue;
    }
    const { recipe, units } = unitsOf(text);
    const parts = units.filter((unit) => unit.kind === 'head' || unit.head !== undefined);
    if (parts.length === 0) {
      continue;
    }
    const full = findingsOf(rules, recipe, settings);
    const at = (finding: Finding) => units[stepIndexOf(units, finding.range.start)];
    const compare = (what: string, keep: ReadonlySet<LocalUnit>) => {
      const actual = findingsOf(rules, commandSubRecipe(recipe, units, keep), settings);
      for (const [rule, findings] of full) {
        const belongs = (finding: Finding) => keep.has(at(finding));
        const mine = findings.filter(belongs);
        if (mine.some((finding) => at(finding).head !== undefined)) {
          fired.add(rule);
        }
        if (JSON.stringify(mine) !== JSON.stringify(actual.get(rule)!.filter(belongs))) {
          wrong.add(`${rule.meta.code} ${what} ${relative(ROOT, file)}`);
        }
      }
    };
    for (const unit of parts) {
      compare(`${unit.kind === 'head' ? 'header' : 'unit'} on line ${unit.range.start.line + 1}`, new Set([unit]));
    }
    const bodies = parts.filter((unit) => unit.head !== undefined);
    compare('with every other unit', new Set(bodies.filter((_, index) => index % 2 === 1)));
  }
  return { wrong, fired };
}


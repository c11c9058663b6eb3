// Every rule that declares `locality: 'step'` is step-local on every corpus recipe and rule fixture: its findings on a
// step are those it makes on the recipe of that step and the skeleton alone (engine/stepLocality.ts), also with other
// steps beside it, and its findings outside the steps are those it makes on the skeleton alone. The step memo
// (engine/stepMemo.ts) reuses findings on that promise.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig, mergeConfig, parseConfigText } from '../../../server/src/engine/config';
import { interestsMet, runRule } from '../../../server/src/engine/dispatch';
import type { Finding, Rule, RuleSettings } from '../../../server/src/engine/rule';
import { localSteps, stepIndexOf, stepSubRecipe } from '../../../server/src/engine/stepLocality';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe, RecipeFormat, Step } from '../../../server/src/recipe/model';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { allRules } from '../../../server/src/rules/index';
import { TEST_TODAY } from '../ruleRunner';

const ROOT = resolve(__dirname, '..', '..', '..');
const CORPUS = resolve(ROOT, '../shared/corpus');
const FIXTURES = join(ROOT, 'test/fixtures/rules');
const localRules = allRules.filter((rule) => rule.meta.locality !== undefined);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

function recipeFiles(): [string, RecipeFormat][] {
  const fixtures = [...listFiles(FIXTURES), ...listFiles(join(ROOT, 'test/fixtures/command-locality'))]
    .filter((file) => /(\.def|Dockerfile)$/.test(file))
    .map((file): [string, RecipeFormat] => [file, file.endsWith('.def') ? 'apptainer' : 'dockerfile']);
  const corpus = existsSync(CORPUS)
    ? [
        ...listFiles(join(CORPUS, 'dockerfile')).map((file): [string, RecipeFormat] => [file, 'dockerfile']),
        ...listFiles(join(CORPUS, 'singularity')).map((file): [string, RecipeFormat] => [file, 'apptainer']),
      ]
    : [];
  return [...fixtures, ...corpus];
}

/** Each local rule's findings on `recipe`, as the engine runs it (dispatch by interests), serialised. */
function findingsOf(recipe: Recipe, settings: RuleSettings): Map<Rule, Finding[]> {
  const facts = factsOf(recipe);
  const byRule = new Map<Rule, Finding[]>();
  for (const rule of localRules) {
    const found: Finding[] = [];
    if (rule.meta.formats.includes(recipe.format) && interestsMet(rule.meta.interests, facts)) {
      runRule(rule, { recipe, facts, settings, report: (finding) => found.push(finding) }, true);
    }
    byRule.set(rule, found);
  }
  return byRule;
}

const base = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY } };
const settingsCases: [string, RuleSettings][] = [
  ['default settings', base.settings],
  ['publish: public, site: lumi', mergeConfig(base, parseConfigText('publish: public\nsite: lumi\n', join(ROOT, '.hpclint.yaml'), allRules), allRules).settings],
];

test('some rules are step-local, and only rules that fire in this test', () => {
  assert.ok(localRules.length >= 40, `${localRules.length} step-local rules`);
});

for (const [label, settings] of settingsCases) {
  test(`step-local rules depend only on their step and the skeleton (${label})`, () => {
    const files = recipeFiles();
    const wrong = new Set<string>();
    const fired = new Set<Rule>();
    const compare = (file: string, what: string, expected: Map<Rule, Finding[]>, actual: Map<Rule, Finding[]>, belongs: (finding: Finding) => boolean) => {
      for (const [rule, findings] of expected) {
        const mine = findings.filter(belongs);
        if (mine.length > 0) {
          fired.add(rule);
        }
        if (JSON.stringify(mine) !== JSON.stringify(actual.get(rule)!.filter(belongs))) {
          wrong.add(`${rule.meta.code} ${what} ${relative(ROOT, file)}`);
        }
      }
    };
    for (const [file, format] of files) {
      const text = readFileSync(file, 'utf8');
      if (text.length > 200_000) {
        continue;
      }
      const recipe = parseRecipe(text, format);
      const steps = localSteps(recipe);
      const full = findingsOf(recipe, settings);
      const at = (finding: Finding) => stepIndexOf(steps, finding.range.start);
      compare(file, 'outside the steps', full, findingsOf(stepSubRecipe(recipe, new Set()), settings), (finding) => at(finding) < 0);
      steps.forEach((step, index) => {
        compare(file, `on line ${step.range.start.line + 1}`, full, findingsOf(stepSubRecipe(recipe, new Set([step])), settings), (finding) => at(finding) === index);
      });
      const everyOther = new Set<Step>(steps.filter((_, index) => index % 2 === 1));
      compare(file, 'with every other step', full, findingsOf(stepSubRecipe(recipe, everyOther), settings), (finding) => everyOther.has(steps[at(finding)]));
    }
    assert.deepEqual([...wrong].slice(0, 20), []);
    if (existsSync(CORPUS)) {
      assert.deepEqual(localRules.filter((rule) => !fired.has(rule)).map((rule) => rule.meta.code), [], 'step-local rules that never fired here');
    }
  });
}

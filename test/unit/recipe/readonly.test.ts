// The recipe model is read only: tsc rejects writes (the @ts-expect-error lines below fail `npm run check-types` the
// day a field becomes writable), and at run time every rule runs on a deep-frozen recipe of every rule fixture, so
// a write through a cast throws instead of going unnoticed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import type { Finding } from '../../../server/src/engine/rule';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe } from '../../../server/src/recipe/model';
import { detectFormat, parseRecipe } from '../../../server/src/recipe/parse';
import { allRules } from '../../../server/src/rules/index';

function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const child of Object.values(value)) {
      deepFreeze(child, seen);
    }
    Object.freeze(value);
  }
  return value;
}

test('the model types are read only', () => {
  const recipe: Recipe = parseRecipe('FROM ubuntu:24.04 AS build\nRUN make -j4\n', 'dockerfile');
  const stage = recipe.stages[0];
  const run = stage.steps[1];
  const writes = [
    // @ts-expect-error a recipe's stages do not grow
    () => recipe.stages.push(stage),
    // @ts-expect-error nor are they replaced
    () => (recipe.stages = []),
    // @ts-expect-error a stage's steps are fixed
    () => (stage.steps[0] = run),
    // @ts-expect-error a base is what the recipe says
    () => (stage.base.raw = 'debian'),
    // @ts-expect-error positions too
    () => (stage.range.start.line = 3),
    // @ts-expect-error scripts keep their commands
    () => run.kind === 'run' && run.script.commands.pop(),
    // @ts-expect-error and words their values
    () => run.kind === 'run' && (run.script.commands[0].words[0].value = 'cmake'),
    // @ts-expect-error pragmas
    () => recipe.pragmas.splice(0),
  ];
  assert.equal(writes.length, 8);
});

test('no rule and no fact writes onto the model: every rule runs on deep-frozen recipes of every fixture', () => {
  const root = join(__dirname, '..', '..', 'fixtures', 'rules');
  const settings = defaultConfig().settings;
  let recipes = 0;
  for (const directory of readdirSync(root)) {
    for (const file of readdirSync(join(root, directory))) {
      const format = /\.(snap|md)$|fixed\./.test(file) ? undefined : detectFormat(file, '');
      if (!format) {
        continue;
      }
      const recipe = deepFreeze(parseRecipe(readFileSync(join(root, directory, file), 'utf8'), format));
      const facts = factsOf(recipe);
      recipes++;
      for (const rule of allRules.filter((candidate) => candidate.meta.formats.includes(format))) {
        const findings: Finding[] = [];
        assert.doesNotThrow(() => rule.check({ recipe, facts, settings, report: (finding) => findings.push(finding) }), `${rule.meta.code} on ${directory}/${file}`);
      }
    }
  }
  assert.ok(recipes > 150, `${recipes} fixtures`);
});

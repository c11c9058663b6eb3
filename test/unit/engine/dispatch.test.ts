// Dispatch by declared interests changes no result: over the whole corpus, the findings with dispatch equal those of
// every rule on every recipe, with the default settings and with a public image for a site profile (the settings that
// turn the most rule branches on).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig, mergeConfig, parseConfigText } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import type { ResolvedConfig } from '../../../server/src/engine/types';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { allRules } from '../../../server/src/rules/index';
import { TEST_TODAY } from '../ruleRunner';

const CORPUS = resolve(__dirname, '..', '..', '..', '../shared/corpus');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

const base = { ...defaultConfig(), syntaxValidation: false, settings: { ...defaultConfig().settings, today: TEST_TODAY } };
const configs: [string, ResolvedConfig][] = [
  ['default settings', base],
  ['publish: public, site: lumi', mergeConfig(base, parseConfigText('publish: public\nsite: lumi\n', join(CORPUS, '.hpclint.yaml'), allRules), allRules)],
];

test('the rules declare interests, and some are skipped on the corpus', () => {
  assert.ok(allRules.filter((rule) => rule.meta.interests).length >= 10);
});

for (const [label, config] of configs) {
  test(`dispatch by declared interests = every rule on every corpus recipe (${label})`, (t) => {
    if (!existsSync(CORPUS)) {
      t.skip(`corpus not found at ${CORPUS}: the equivalence of dispatch is checked where ../shared/corpus exists`);
      return;
    }
    const files: [string, RecipeFormat][] = [
      ...listFiles(join(CORPUS, 'dockerfile')).map((file): [string, RecipeFormat] => [file, 'dockerfile']),
      ...listFiles(join(CORPUS, 'singularity')).map((file): [string, RecipeFormat] => [file, 'apptainer']),
    ];
    assert.ok(files.length > 1000, `${files.length} corpus recipes`);
    const differences: string[] = [];
    let findings = 0;
    for (const [file, format] of files) {
      const text = readFileSync(file, 'utf8');
      const dispatched = lint(text, { format, config, rules: allRules }).diagnostics;
      const everything = lint(text, { format, config, rules: allRules, dispatch: false }).diagnostics;
      findings += everything.length;
      if (JSON.stringify(dispatched) !== JSON.stringify(everything)) {
        const shown = (list: typeof everything) => new Set(list.map((d) => `${d.code}@${d.range.start.line + 1}`));
        const missing = [...shown(everything)].filter((key) => !shown(dispatched).has(key));
        differences.push(`${relative(CORPUS, file)}: ${missing.join(', ') || 'same findings, other details'}`);
      }
    }
    assert.ok(findings > 1000, `${findings} findings`);
    assert.deepEqual(differences, []);
  });
}

// Every rule that declares `locality: 'command'` is command-local on every corpus definition file and rule fixture: its
// findings on a unit of a run step's script (engine/commandLocality.ts) are those it makes on the recipe of that unit,
// the section's header lines and the skeleton alone, also with other units beside it, and its findings on the header
// lines are those it makes on them alone. The command memo (engine/stepMemo.ts, per unit) reuses findings on that
// promise. (That such a rule is step-local too, in every file, is test/unit/engine/locality.test.ts's.)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig, mergeConfig, parseConfigText } from '../../../server/src/engine/config';
import type { RuleSettings } from '../../../server/src/engine/rule';
import { allRules } from '../../../server/src/rules/index';
import { TEST_TODAY } from '../ruleRunner';
import { commandLocalityProblems, CORPUS, listFiles, TRAPS } from './commandLocalityCheck';

const ROOT = resolve(__dirname, '..', '..', '..');

const base = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY } };
const settingsCases: [string, RuleSettings][] = [
  ['default settings', base.settings],
  ['publish: public, site: lumi', mergeConfig(base, parseConfigText('publish: public\nsite: lumi\n', join(ROOT, '.hpclint.yaml'), allRules), allRules).settings],
];

const commandRules = allRules.filter((rule) => rule.meta.locality === 'command');

test('some rules are command-local', () => {
  assert.ok(commandRules.length >= 10, `${commandRules.length} command-local rules`);
});

for (const [label, settings] of settingsCases) {
  test(`command-local rules depend only on their unit of a run step and the section header (${label})`, () => {
    const { wrong, fired } = commandLocalityProblems(commandRules, settings);
    assert.deepEqual([...wrong].slice(0, 20), []);
    if (existsSync(CORPUS)) {
      assert.deepEqual(commandRules.filter((rule) => !fired.has(rule)).map((rule) => rule.meta.code), [], 'command-local rules that never fired on a unit here');
    }
  });
}

test('the check fails rules known not to be command-local (they read a guard, a `cd`, the whole text or the body from the header)', () => {
  const known = ['HPC-BUILD-004', 'HPC-PORT-013', 'HPC-SEC-006', 'HPC-DEF-009', 'HPC-PORT-012'];
  const rules = allRules.filter((rule) => known.includes(rule.meta.code));
  const files = [...listFiles(TRAPS), ...listFiles(join(ROOT, 'test/fixtures/rules')).filter((file) => file.endsWith('.def'))];
  const { wrong } = commandLocalityProblems(rules, base.settings, files);
  assert.deepEqual(
    known.filter((code) => ![...wrong].some((entry) => entry.startsWith(`${code} `))),
    [],
    'rules the check let through',
  );
});

// The hadolint and BuildKit mapping tables against the registry, and the page rendered from them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUILDKIT_CHECKS } from '../../../server/src/compat/buildkit';
import { HADOLINT_CHECKS } from '../../../server/src/compat/hadolint';
import { renderHadolintPage } from '../../../server/src/compat/page';
import { isNonRuleCode, PARSE_CODE, ruleByCodeOrName } from '../../../server/src/engine/registry';
import { allRules } from '../../../server/src/rules/index';

/** hadolint 2.15's DL checks (anchors.md §1.1): DL1001, DL3000–3004, 3006–3016, 3018–3030, 3032–3038, 3040–3067, DL4000, 4001, 4003–4006. */
function hadolintIds(): string[] {
  const ranges: Array<[number, number]> = [
    [1001, 1001], [3000, 3004], [3006, 3016], [3018, 3030], [3032, 3038], [3040, 3067], [4000, 4001], [4003, 4006],
  ];
  return ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => `DL${from + i}`));
}

test('every hadolint DL check is in the table once, in order', () => {
  assert.deepEqual(
    HADOLINT_CHECKS.map((check) => check.id),
    hadolintIds(),
  );
});

test('every mapped hpclint code exists (rules, dockerfile-utils checks, the parser)', () => {
  for (const check of [...HADOLINT_CHECKS, ...BUILDKIT_CHECKS]) {
    for (const code of check.codes) {
      const known = ruleByCodeOrName(code, allRules)?.meta.code === code || code === PARSE_CODE || (code.startsWith('dockerfile-utils/') && isNonRuleCode(code));
      assert.ok(known, `${check.id} maps to ${code}, which hpclint does not report`);
    }
  }
});

test('a check hpclint reports names its codes; a check left out names none and says why', () => {
  for (const check of [...HADOLINT_CHECKS, ...BUILDKIT_CHECKS]) {
    assert.equal(check.coverage === 'hadolint', check.codes.length === 0, check.id);
    assert.ok(check.note.length > 10, `${check.id} needs a note`);
    if (check.selects) {
      assert.notEqual(check.coverage, 'hadolint', `${check.id}: a selector needs codes`);
    }
  }
});

test('docs/hadolint.md is the page rendered from the tables (the build writes it)', () => {
  const page = renderHadolintPage(allRules);
  assert.equal(readFileSync(join(__dirname, '../../../docs/hadolint.md'), 'utf8'), page);
  for (const check of HADOLINT_CHECKS) {
    assert.ok(page.includes(`| ${check.id} |`), check.id);
  }
  const mapped = new Set([...HADOLINT_CHECKS, ...BUILDKIT_CHECKS].flatMap((check) => check.codes));
  for (const rule of allRules) {
    assert.equal(page.includes(`- [${rule.meta.code}](rules/${rule.meta.code}.md)`), !mapped.has(rule.meta.code), rule.meta.code);
  }
});

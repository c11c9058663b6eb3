import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { applyEdits, applySafeFixes, fixAll } from '../../../server/src/engine/fixes';
import type { Fix, Rule, TextEdit } from '../../../server/src/engine/rule';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import type { Range } from '../../../server/src/recipe/model';
import { LineIndex } from '../../../server/src/recipe/text';

const range = (sl: number, sc: number, el: number, ec: number): Range => ({
  start: { line: sl, character: sc },
  end: { line: el, character: ec },
});

function diagnostic(fixes: Fix[]): HpcDiagnostic {
  return {
    code: 'HPC-TEST-001',
    name: 't',
    category: 'portability',
    severity: 'warning',
    message: 'm',
    range: range(0, 0, 0, 0),
    fixes,
    source: 'hpclint',
  };
}

test('applyEdits applies edits in any order against the original text', () => {
  const text = 'FROM a\r\nRUN b c\nRUN d';
  const edits: TextEdit[] = [
    { range: range(2, 4, 2, 5), newText: 'D' },
    { range: range(0, 5, 0, 6), newText: 'alpine' },
    { range: range(1, 7, 1, 7), newText: ' --x' },
  ];
  assert.equal(applyEdits(text, edits), 'FROM alpine\r\nRUN b c --x\nRUN D');
  assert.equal(applyEdits(text, []), text);
  assert.throws(() => applyEdits(text, [{ range: range(0, 0, 0, 4), newText: '' }, { range: range(0, 2, 0, 6), newText: '' }]), /overlapping/);
});

test('applySafeFixes skips unsafe fixes and fixes that overlap an earlier one', () => {
  const text = 'RUN gcc -march=native -O3\n';
  const diagnostics = [
    diagnostic([{ title: 'a', safe: true, edits: [{ range: range(0, 15, 0, 21), newText: 'x86-64-v3' }] }]),
    diagnostic([{ title: 'b', safe: true, edits: [{ range: range(0, 8, 0, 21), newText: '' }] }]),
    diagnostic([{ title: 'c', safe: false, edits: [{ range: range(0, 22, 0, 25), newText: '-O2' }] }]),
    diagnostic([{ title: 'd', safe: true, edits: [{ range: range(0, 0, 0, 3), newText: 'run' }] }]),
    diagnostic([{ title: 'e', safe: true, edits: [{ range: range(0, 3, 0, 3), newText: ' ' }] }]),
  ];
  assert.deepEqual(applySafeFixes(text, diagnostics), { text: 'run gcc -march=x86-64-v3 -O3\n', applied: 2 });
});

test('fixAll re-lints until stable and reports the number of fixes', () => {
  // Each pass fixes one "aa" → "a" (the rule only reports the first occurrence).
  const rule: Rule = {
    meta: {
      code: 'HPC-TEST-001',
      name: 'squash',
      category: 'maintainability',
      severity: 'info',
      formats: ['dockerfile'],
      fix: 'safe',
      docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
    },
    check(context) {
      const at = context.recipe.text.indexOf('aa');
      if (at >= 0) {
        const r = new LineIndex(context.recipe.text).range(at, at + 2);
        context.report({ range: r, message: 'aa', fixes: [{ title: 'squash', safe: true, edits: [{ range: r, newText: 'a' }] }] });
      }
    },
  };
  const options = { fileName: 'Dockerfile', rules: [rule], config: { ...defaultConfig(), syntaxValidation: false } };
  assert.deepEqual(fixAll('FROM x\nRUN aaaa\n', options), { text: 'FROM x\nRUN a\n', applied: 3 });
  assert.deepEqual(fixAll('FROM x\nRUN ' + 'a'.repeat(40) + '\n', options).applied, 10);
  assert.deepEqual(fixAll('FROM x\nRUN b\n', options), { text: 'FROM x\nRUN b\n', applied: 0 });
});

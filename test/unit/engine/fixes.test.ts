import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { decodeRecipe, encodeRecipe } from '../../../server/src/cli/recipeBytes';
import { applyEdits, applyFixes, applySafeFixes, fixAll } from '../../../server/src/engine/fixes';
import { lint } from '../../../server/src/engine/lint';
import type { Fix, Rule, TextEdit } from '../../../server/src/engine/rule';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import type { Range } from '../../../server/src/recipe/model';
import { LineIndex } from '../../../server/src/recipe/text';
import { allRules } from '../../../server/src/rules/index';

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

test('applyFixes takes each fix whole or not at all, first wins, and counts what it skipped', () => {
  const text = 'RUN a b c\n';
  const whole: Fix = { title: 'w', safe: false, edits: [{ range: range(0, 4, 0, 5), newText: 'A' }, { range: range(0, 8, 0, 9), newText: 'C' }] };
  const clash: Fix = { title: 'x', safe: true, edits: [{ range: range(0, 6, 0, 7), newText: 'B' }, { range: range(0, 8, 0, 9), newText: 'Z' }] };
  assert.deepEqual(applyFixes(text, [whole, clash]), { text: 'RUN A b C\n', applied: 1, skipped: 1 });
  assert.deepEqual(applyFixes(text, [clash, whole]), { text: 'RUN a B Z\n', applied: 1, skipped: 1 });
});

test('inserted line breaks follow the file: \\r\\n in a CRLF file, nothing else changes', () => {
  const crlf = 'FROM a\r\nRUN b\r\n';
  const insert: Fix = { title: 'i', safe: true, edits: [{ range: range(1, 0, 1, 0), newText: 'LABEL x=y\nLABEL z=w\n' }] };
  assert.equal(applyFixes(crlf, [insert]).text, 'FROM a\r\nLABEL x=y\r\nLABEL z=w\r\nRUN b\r\n');
  assert.equal(applyFixes('FROM a\nRUN b\n', [insert]).text, 'FROM a\nLABEL x=y\nLABEL z=w\nRUN b\n');
});

test('recipe bytes: UTF-8 stays UTF-8 (BOM kept), other bytes round-trip as Latin-1', () => {
  const utf8 = Buffer.from('\ufeffFROM a\nLABEL x="grüß"\n', 'utf8');
  assert.deepEqual(decodeRecipe(utf8), { text: '\ufeffFROM a\nLABEL x="grüß"\n', encoding: 'utf8' });
  assert.deepEqual(encodeRecipe(decodeRecipe(utf8).text, 'utf8'), utf8);
  const latin1 = Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0x61, 0x0a, 0x23, 0xe9, 0xff, 0x80, 0x0a]);
  const decoded = decodeRecipe(latin1);
  assert.equal(decoded.encoding, 'latin1');
  assert.deepEqual(encodeRecipe(decoded.text, 'latin1'), latin1);
  assert.equal(encodeRecipe(`${decoded.text}# →\n`, 'latin1'), undefined);
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

test('in a CRLF recipe every fix the engine reports inserts CRLF lines (LSP quick fixes, JSON and SARIF show them as applied)', () => {
  const text = 'FROM ubuntu:24.04\r\nRUN echo built\r\n';
  const lf = lint(text.replace(/\r\n/g, '\n'), { rules: allRules, format: 'dockerfile', config: defaultConfig() }).diagnostics;
  const crlf = lint(text, { rules: allRules, format: 'dockerfile', config: defaultConfig() }).diagnostics;
  const inserted = (diagnostics: readonly HpcDiagnostic[], code: string): string[] =>
    diagnostics.filter((d) => d.code === code).flatMap((d) => d.fixes.flatMap((fix) => fix.edits.map((edit) => edit.newText)));
  for (const code of ['HPC-SEC-008', 'HPC-LIC-006']) {
    const lines = inserted(crlf, code);
    assert.ok(lines.length > 0 && lines.every((newText) => newText.includes('\r\n')), `${code}: ${JSON.stringify(lines)}`);
    assert.deepEqual(lines, inserted(lf, code).map((newText) => newText.replace(/\n/g, '\r\n')), code);
    assert.ok(lines.every((newText) => !/[^\r]\n/.test(newText)), `${code}: a bare LF`);
  }
  assert.equal(inserted(lf, 'HPC-SEC-008').some((newText) => newText.includes('\r')), false, 'LF recipes keep LF');
});

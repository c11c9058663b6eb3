// A document's memo keeps a bounded amount of text alive: reused model objects hold slices of the texts they were parsed
// from, so the memo's parts are emptied once the texts linted since they were last emptied pass the bound
// (engine/memo.ts `admit`), and the lint that empties them reuses nothing and is still a fresh lint's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { KEPT_TEXT_CHARS, LintMemo, MIN_LINTS_KEPT, SAME_LINE_SHARE } from '../../../server/src/engine/memo';
import { allRules } from '../../../server/src/rules/index';

const config = defaultConfig();

/** How many lints of texts of `length` characters a memo's parts are kept for, the one that empties them excluded. */
function keptFor(length: number): number {
  return Math.floor(Math.max(KEPT_TEXT_CHARS, MIN_LINTS_KEPT * length) / length);
}

test('the parts are emptied when the texts linted since they were last emptied pass the bound, and filled again', () => {
  for (const length of [100_000, 3_000_000]) {
    const memo = new LintMemo();
    const text = 'x'.repeat(length);
    const kept = keptFor(length);
    assert.ok(kept >= MIN_LINTS_KEPT);
    // The lint that empties the parts fills them again and counts: from then on every `kept`th lint empties them.
    for (let round = 0; round < 3; round++) {
      const keeping = round === 0 ? kept : kept - 1;
      for (let i = 0; i < keeping; i++) {
        memo.admit(text);
        memo.steps ??= { marker: round } as never;
        assert.deepEqual(memo.steps, { marker: round }, `round ${round}, lint ${i + 1} of ${keeping} (${length} characters) keeps the parts`);
      }
      memo.admit(text);
      assert.equal(memo.steps, undefined, `round ${round} (${length} characters): the next lint empties them`);
    }
  }
});

test('typing in one line counts an eighth of the text: the parts are kept eight times as long', () => {
  const line = 'RUN make -j8 install\n';
  const before = line.repeat(30_000);
  const after = line.repeat(30_000);
  const length = before.length + after.length + 40;
  const kept = Math.floor(Math.max(KEPT_TEXT_CHARS, MIN_LINTS_KEPT * length) / length);
  const memo = new LintMemo();
  let typed = '';
  let emptiedAt = -1;
  for (let i = 1; emptiedAt < 0 && i <= (kept + 2) * SAME_LINE_SHARE; i++) {
    typed += 'x';
    memo.admit(`${before}RUN echo ${typed}\n${after}`);
    if (i > 1 && memo.steps === undefined) {
      emptiedAt = i;
    }
    memo.steps ??= { filled: true } as never;
  }
  // The first text and the second (its line is not the previous change's) count whole, every later one an eighth.
  const expected = 2 + Math.ceil((kept - 2) * SAME_LINE_SHARE);
  assert.ok(Math.abs(emptiedAt - expected) <= 1, `emptied at lint ${emptiedAt}, expected about ${expected} (${kept} whole texts kept)`);
  // Line breaks typed and removed in one place count whole.
  const counting = new LintMemo();
  const text = `${before}RUN echo\n${after}`;
  const broken = `${before}RUN echo\n\n${after}`;
  counting.admit(text);
  let emptied = 0;
  for (let i = 0; i < kept; i++) {
    counting.steps ??= { filled: true } as never;
    counting.admit(i % 2 === 0 ? broken : text);
    emptied += counting.steps === undefined ? 1 : 0;
  }
  assert.equal(emptied, 1, `line breaks typed and removed: emptied once in ${kept + 1} lints`);
});

test('a Dockerfile and a definition file typed into at many places: the lint that empties the memo equals a fresh one', () => {
  const dockerfile = Array.from({ length: 4000 }, (_, i) => (i === 0 ? 'FROM ubuntu:22.04' : `RUN echo step-${i} && make -j${i % 8}`)).join('\n');
  const definition = ['Bootstrap: docker', 'From: ubuntu:22.04', '', '%post', ...Array.from({ length: 4000 }, (_, i) => `    echo step-${i} && make -j${i % 8}`)].join('\n');
  for (const [format, text] of [['dockerfile', dockerfile], ['apptainer', definition]] as const) {
    const memo = new LintMemo();
    const lines = text.split('\n');
    const kept = keptFor(text.length + 200);
    let emptied = 0;
    for (let i = 0; i < kept + 3; i++) {
      const line = 5 + ((i * 997) % (lines.length - 5));
      lines[line] += ' && mpirun -np 4 ./a.out';
      const edited = lines.join('\n');
      const before = memo.parse ?? memo.definitionParse;
      const withMemo = lint(edited, { format, config, rules: allRules, memo });
      if (before !== undefined && (memo.parse ?? memo.definitionParse) !== before) {
        emptied++;
        assert.deepEqual(withMemo.diagnostics, lint(edited, { format, config, rules: allRules }).diagnostics, `${format}: lint ${i + 1}`);
      }
    }
    assert.equal(emptied, 1, `${format}: the parts were emptied once in ${kept + 3} lints`);
  }
});

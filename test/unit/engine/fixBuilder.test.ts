// The fix-building API: what each operation does to a text, with the file's line breaks, at the end of a file
// without a final line break, and the safety it declares.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyFixes } from '../../../server/src/engine/fixes';
import { addLabel, fix, fixOf, insert, insertLinesAfter, insertLinesBefore, remove, removeWord, replace, safeFix, unsafeFix } from '../../../server/src/engine/fixBuilder';
import type { TextEdit } from '../../../server/src/engine/rule';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { LineIndex } from '../../../server/src/recipe/text';

const apply = (text: string, ...edits: TextEdit[]): string => applyFixes(text, [safeFix('t', ...edits)]).text;
const at = (line: number, character: number) => ({ line, character });

test('safety is a word, not a boolean at the call site', () => {
  assert.deepEqual(safeFix('a', remove({ start: at(0, 0), end: at(0, 1) })), { title: 'a', safe: true, edits: [{ range: { start: at(0, 0), end: at(0, 1) }, newText: '' }] });
  assert.equal(unsafeFix('b').safe, false);
  assert.equal(fix('c', 'unsafe').safe, false);
  assert.equal(fix('d', 'safe').safe, true);
});

test('replace, remove and insert', () => {
  const text = 'RUN make -j\n';
  assert.equal(apply(text, replace({ start: at(0, 4), end: at(0, 8) }, 'ninja')), 'RUN ninja -j\n');
  assert.equal(apply(text, remove({ start: at(0, 8), end: at(0, 11) })), 'RUN make\n');
  assert.equal(apply(text, insert(at(0, 11), '4')), 'RUN make -j4\n');
});

test('removeWord takes one blank with the word: the one after it, else the one before', () => {
  const text = 'RUN curl -k -sSL https://x\n';
  const index = new LineIndex(text);
  assert.equal(apply(text, removeWord(index, { start: at(0, 9), end: at(0, 11) })), 'RUN curl -sSL https://x\n');
  assert.equal(apply(text, removeWord(index, { start: at(0, 17), end: at(0, 26) })), 'RUN curl -k -sSL\n');
});

test('lines before and after a line, also after a last line without a line break, in the file\'s line breaks', () => {
  const lf = 'From: a\nStage: b';
  const index = new LineIndex(lf);
  assert.equal(apply(lf, insertLinesBefore(1, 'X: 1', 'Y: 2')), 'From: a\nX: 1\nY: 2\nStage: b');
  assert.equal(apply(lf, insertLinesAfter(index, 0, 'X: 1')), 'From: a\nX: 1\nStage: b');
  assert.equal(apply(lf, insertLinesAfter(index, 1, 'X: 1')), 'From: a\nStage: b\nX: 1');
  const terminated = 'From: a\n';
  assert.equal(apply(terminated, insertLinesAfter(new LineIndex(terminated), 0, 'X: 1')), 'From: a\nX: 1\n');
  const crlf = 'From: a\r\nStage: b\r\n';
  assert.equal(apply(crlf, insertLinesAfter(new LineIndex(crlf), 0, 'X: 1', 'Y: 2')), 'From: a\r\nX: 1\r\nY: 2\r\nStage: b\r\n');
});

test('addLabel: after FROM, after the last %labels entry with its indent, into an empty %labels, or a new %labels', () => {
  const label = (text: string, format: 'dockerfile' | 'apptainer'): string => {
    const recipe = parseRecipe(text, format);
    return apply(text, addLabel(recipe, new LineIndex(text), recipe.stages[recipe.stages.length - 1], 'k', 'v'));
  };
  assert.equal(label('FROM a AS b\nRUN x\n', 'dockerfile'), 'FROM a AS b\nLABEL k="v"\nRUN x\n');
  assert.equal(label('FROM a', 'dockerfile'), 'FROM a\nLABEL k="v"\n');
  assert.equal(label('Bootstrap: docker\nFrom: a\n\n%labels\n  x y\n\n%post\n  true\n', 'apptainer'), 'Bootstrap: docker\nFrom: a\n\n%labels\n  x y\n  k v\n\n%post\n  true\n');
  assert.equal(label('Bootstrap: docker\nFrom: a\n\n%labels\n%post\n  true\n', 'apptainer'), 'Bootstrap: docker\nFrom: a\n\n%labels\n    k v\n%post\n  true\n');
  assert.equal(label('Bootstrap: docker\nFrom: a\n', 'apptainer'), 'Bootstrap: docker\nFrom: a\n\n%labels\n    k v\n');
});

test('fixOf builds a fix from a list, so a fix of hundreds of thousands of edits does not overflow the stack', () => {
  // HPC-BUILD-001's merge of every RUN in a 925 KB Dockerfile (fuzz 598288531:830) spread its edits as arguments.
  const edits = Array.from({ length: 300_000 }, (_, line) => ({ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: '' }));
  const built = fixOf('Merge', 'safe', edits);
  assert.equal(built.edits.length, 300_000);
  assert.equal(built.safe, true);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineStarts, MappedScript, offsetOfColumn } from '../../../server/src/shellcheck/sourceMap';

test('script offsets map back to the recipe offsets they were copied from', () => {
  const script = new MappedScript();
  script.generate('#!/bin/sh\n');
  script.copy(100, 'echo a ');
  script.copy(120, 'b');
  script.generate('\n');
  script.copy(200, 'ls');
  assert.equal(script.content, '#!/bin/sh\necho a b\nls');
  assert.equal(script.toSource(0, 'start'), undefined, 'the generated shebang maps to nothing');
  assert.equal(script.toSource(10, 'start'), 100);
  assert.equal(script.toSource(15, 'start'), 105);
  assert.equal(script.toSource(17, 'start'), 120, 'a start at a piece boundary belongs to the next piece');
  assert.equal(script.toSource(17, 'end'), 107, 'an end at a piece boundary belongs to the piece before');
  assert.equal(script.toSource(18, 'start'), 121, 'the newline after a piece maps to its end');
  assert.equal(script.toSource(19, 'start'), 200);
  assert.equal(script.toSource(21, 'end'), 202);
  assert.ok(script.isContiguous(10, 17));
  assert.ok(!script.isContiguous(10, 18));
});

test('adjacent copies of adjacent recipe text form one piece', () => {
  const script = new MappedScript();
  script.copy(10, 'ab');
  script.copy(12, 'cd');
  assert.ok(script.isContiguous(0, 4));
});

test('ShellCheck columns count code points, a tab as one', () => {
  const text = '#!/bin/sh\n\techo é $x 😀 $y\n';
  const starts = lineStarts(text);
  assert.equal(text.slice(offsetOfColumn(text, starts, 2, 9)).slice(0, 2), '$x');
  assert.equal(text.slice(offsetOfColumn(text, starts, 2, 14)).slice(0, 2), '$y', 'the emoji is one column but two UTF-16 units');
  assert.equal(offsetOfColumn(text, starts, 2, 99), text.length - 1, 'a column past the end clamps to the newline');
});

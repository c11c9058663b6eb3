// A document keeps a lint memo from its second lint on, the four most recently linted such documents do, and a closed
// one keeps nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetMemo, memoOf } from '../../../server/src/service/documentMemos';

test('a memo from the second lint of a document, the same one after, four documents at most, none after closing', () => {
  assert.equal(memoOf('file:///a'), undefined, 'opened and linted once: no memo');
  const a = memoOf('file:///a');
  assert.ok(a, 'linted again: a memo');
  assert.equal(memoOf('file:///a'), a);

  for (const name of ['b', 'c', 'd', 'e']) {
    memoOf(`file:///${name}`);
    assert.ok(memoOf(`file:///${name}`));
  }
  const again = memoOf('file:///a');
  assert.ok(again && again !== a, 'a was the least recently linted of five: its memo was dropped, and it starts a new one');

  forgetMemo('file:///e');
  assert.equal(memoOf('file:///e'), undefined, 'closed: starts over');
});

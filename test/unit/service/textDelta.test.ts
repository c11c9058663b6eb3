// A document's text posted to its worker as the edit since the last text posted (server/src/service/textDelta.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { commonPrefix, commonSuffix, TextReceiver, TextSender } from '../../../server/src/service/textDelta';

/** Both sides of one worker, with the structured clone between them. */
function channel() {
  const sender = new TextSender();
  const receiver = new TextReceiver();
  let id = 0;
  return {
    sender,
    receiver,
    post(document: string, text: string) {
      id++;
      const posted = structuredClone(sender.post(document, id, text));
      return { posted, received: receiver.receive(document, id, posted.text, posted.edit) };
    },
  };
}

/** A deterministic pseudo-random generator (the same cases on every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('text edits to the worker', () => {
  test('the first text goes whole, the next ones as the span between common prefix and suffix', () => {
    const { post } = channel();
    const base = `FROM ubuntu:22.04\n${'RUN make -j8 install\n'.repeat(2000)}`;
    assert.deepEqual(post('d', base).posted, { text: base });
    const typed = base.replace('RUN make -j8 install\nRUN', 'RUN make -j8 install\nRUN x');
    const { posted, received } = post('d', typed);
    assert.equal(posted.text, '');
    const start = 'FROM ubuntu:22.04\nRUN make -j8 install\nRUN '.length;
    assert.deepEqual(posted.edit, { base: 1, start, kept: base.length - start, insert: 'x ' });
    assert.equal(received, typed);
  });

  test('random edits, repeated text, surrogate pairs, CRLF and emptied texts are rebuilt exactly', () => {
    const next = random(11);
    const alphabet = ['a', 'a', 'b', '\n', '\r\n', '😀', '\ud83d', ' ', 'RUN '];
    const pick = () => alphabet[Math.floor(next() * alphabet.length)];
    const { post } = channel();
    let text = Array.from({ length: 3000 }, pick).join('');
    post('d', text);
    for (let i = 0; i < 300; i++) {
      const start = Math.floor(next() * (text.length + 1));
      const end = Math.min(text.length, start + Math.floor(next() * (i % 10 === 0 ? 5000 : 4)));
      const insert = Array.from({ length: Math.floor(next() * 4) }, pick).join('');
      text = i % 97 === 96 ? '' : text.slice(0, start) + insert + text.slice(end);
      assert.equal(post('d', text).received, text, `edit ${i}`);
    }
  });

  test('documents are kept apart; a forgotten document or a new pair starts over whole', () => {
    const { sender, receiver, post } = channel();
    post('d', 'FROM alpine\n');
    assert.equal(post('e', 'FROM ubuntu\n').posted.edit, undefined);
    assert.ok(post('d', 'FROM alpine:3\n').posted.edit);
    sender.forget('d');
    receiver.forget('d');
    assert.equal(post('d', 'FROM alpine:3.20\n').posted.edit, undefined);
    const edit = new TextSender();
    edit.post('d', 1, 'FROM alpine\n');
    const posted = edit.post('d', 2, 'FROM alpine:3\n');
    assert.throws(() => new TextReceiver().receive('d', 2, posted.text, posted.edit), /not the one held/);
  });

  test('common prefix and suffix', () => {
    assert.equal(commonPrefix('abc', 'abd'), 2);
    assert.equal(commonPrefix('x'.repeat(10_000), 'x'.repeat(9_999)), 9_999);
    assert.equal(commonSuffix('aaa', 'aa', 2), 2);
    assert.equal(commonSuffix(`${'y'.repeat(5000)}a${'x'.repeat(5000)}`, `b${'x'.repeat(5000)}`, 5001), 5000);
  });
});

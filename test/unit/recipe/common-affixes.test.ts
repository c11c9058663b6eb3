// commonPrefixLength / commonSuffixLength (recipe/text.ts, compared block by block) against a character-by-character count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPrefixLength, commonSuffixLength } from '../../../server/src/recipe/text';
import { Random } from '../../fuzz/fuzzer';

function prefixByCharacter(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) {
    i++;
  }
  return i;
}

function suffixByCharacter(a: string, b: string, prefix: number): number {
  let i = 0;
  while (i < Math.min(a.length, b.length) - prefix && a[a.length - 1 - i] === b[b.length - 1 - i]) {
    i++;
  }
  return i;
}

function edited(text: string, random: Random): string {
  const length = text.length;
  const boundary = [0, 1023, 1024, 2047, 2048][random.int(5)];
  const at = Math.max(0, Math.min(length, random.int(2) === 0 ? random.int(length + 1) : random.int(2) === 0 ? boundary : length - 1 - boundary));
  const kind = random.int(3);
  if (kind === 0) {
    return text.slice(0, at) + ['x', 'ab', 'a'.repeat(1100)][random.int(3)] + text.slice(at);
  }
  if (kind === 1) {
    return text.slice(0, at) + text.slice(Math.min(length, at + 1 + random.int(3)));
  }
  return text.slice(0, at) + (at < length ? 'x' : '') + text.slice(at + 1);
}

test('the common prefix and suffix of a text and one or two edits of it, block boundaries included', () => {
  const random = new Random(5);
  for (let round = 0; round < 600; round++) {
    const length = [0, 1, 1023, 1024, 1025, 2048, 2049, 5000][random.int(8)] + random.int(3);
    const a = Array.from({ length }, () => 'ab\n'[random.int(3)]).join('');
    // One or two edits (the second decides the suffix), half of them at a block's last or first character from either end.
    let b = a;
    for (let edits = 1 + random.int(2); edits > 0; edits--) {
      b = edited(b, random);
    }
    for (const [x, y] of [[a, b], [b, a], [a, a]]) {
      const prefix = commonPrefixLength(x, y);
      assert.equal(prefix, prefixByCharacter(x, y));
      assert.equal(commonSuffixLength(x, y, prefix), suffixByCharacter(x, y, prefix));
    }
  }
});

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

test('the common prefix and suffix of a text and an edit of it, block boundaries included', () => {
  const random = new Random(5);
  for (let round = 0; round < 300; round++) {
    const length = [0, 1, 1023, 1024, 1025, 2048, 2049, 5000][random.int(8)] + random.int(3);
    const a = Array.from({ length }, () => 'ab\n'[random.int(3)]).join('');
    const at = random.int(length + 1);
    const inserted = ['', 'x', 'ab', 'a'.repeat(1100)][random.int(4)];
    const b = a.slice(0, at) + inserted + a.slice(Math.min(length, at + random.int(3)));
    for (const [x, y] of [[a, b], [b, a], [a, a]]) {
      const prefix = commonPrefixLength(x, y);
      assert.equal(prefix, prefixByCharacter(x, y));
      assert.equal(commonSuffixLength(x, y, prefix), suffixByCharacter(x, y, prefix));
    }
  }
});

// "Did you mean …?" suggestions: the closest known name within a small edit distance, and no measuring of
// names whose length alone rules them out (fuzz 645809300:423: a 2 MB `Bootstrap:` value took 40 s of CPU time).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BOOTSTRAP_AGENTS } from '../../../server/src/recipe/apptainer-spec';
import { closestName, typoDistance } from '../../../server/src/rules/util/names';

const AGENTS = BOOTSTRAP_AGENTS.map((spec) => spec.name);

test('typoDistance counts edits and adjacent transpositions, and is never below the difference in length', () => {
  assert.equal(typoDistance('dokcer', 'docker'), 1);
  assert.equal(typoDistance('dockr', 'docker'), 1);
  assert.equal(typoDistance('', 'yum'), 3);
  for (const [a, b] of [['docker', 'localimage'], ['x', 'library'], ['shub', 'oras']]) {
    assert.ok(typoDistance(a, b) >= Math.abs(a.length - b.length), `${a} ${b}`);
  }
});

test('closestName: a misspelt name within the limit, one character shorter or longer included; longer names get none', () => {
  assert.equal(closestName('dokcer', AGENTS), 'docker');
  assert.equal(closestName('dockr', AGENTS), 'docker');
  assert.equal(closestName('dockerr', AGENTS), 'docker');
  assert.equal(closestName('DOCKER', AGENTS), 'docker');
  assert.equal(closestName('dockerrr', AGENTS), undefined);
  // Nine characters and more allow two edits.
  assert.equal(closestName('lcalimagee', AGENTS), 'localimage');
  assert.equal(closestName('localimagexx', AGENTS), 'localimage');
  assert.equal(closestName('localimagexxx', AGENTS), undefined);
  assert.equal(closestName('localimg', AGENTS), undefined);
  assert.equal(closestName(`docker ${'x'.repeat(2_000_000)}`, AGENTS), undefined);
});

// dockerfile-ast places comments in stages by binary search during hpclint's parses: exactly the library's own
// placement, and the library is restored afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';
import { withLinearCommentPlacement } from '../../../server/src/recipe/dockerfile-comments';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

const EDGE_CASES = [
  '# syntax=docker/dockerfile:1\n# a comment before everything\nARG BASE=alpine\n# between ARG and FROM\nFROM $BASE AS one\n# in one\nRUN echo 1 \\\n# inside a continuation\n  && echo 2\n# after one\n\nFROM one\n    # indented, in two\nRUN <<EOF\n# heredoc text\nEOF\n# trailing\n',
  '# only comments\n# and nothing else\n',
  'FROM a\nFROM b # not a comment\n#c\nFROM c\n#d',
  '#escape=`\nFROM a\nRUN echo `\n# x\n  y\n#z\r\nFROM b\r\n#w\r',
];

type Placement = { initial: string[]; stages: string[][] };

function placement(dockerfile: Dockerfile): Placement {
  const describe = (comments: { getRange(): unknown }[]) => comments.map((comment) => JSON.stringify(comment.getRange()));
  const internals = dockerfile as unknown as { initialInstructions: { getComments(): { getRange(): unknown }[] } };
  return {
    initial: describe(internals.initialInstructions.getComments()),
    stages: dockerfile.getFROMs().length === 0 ? [] : (dockerfile as unknown as { buildStages: { getComments(): { getRange(): unknown }[] }[] }).buildStages.map((stage) => describe(stage.getComments())),
  };
}

test('comments land in the same stages as with the library alone: edge cases and every corpus Dockerfile', (t) => {
  const texts = [...EDGE_CASES];
  texts.push(...corpusDockerfileTexts(t));
  let placed = 0;
  for (const text of texts) {
    const expected = placement(DockerfileParser.parse(text));
    const actual = placement(withLinearCommentPlacement(() => DockerfileParser.parse(text)));
    assert.deepEqual(actual, expected, text.slice(0, 200));
    placed += expected.stages.flat().length;
  }
  assert.ok(placed > 1000, `only ${placed} comments placed in stages: the comparison would prove little`);
});

test('dockerfile-ast is restored after the parse, also when it throws', () => {
  const prototype = Object.getPrototypeOf(DockerfileParser.parse('')) as { organizeComments: unknown };
  const original = prototype.organizeComments;
  withLinearCommentPlacement(() => {
    assert.notEqual(prototype.organizeComments, original);
  });
  assert.equal(prototype.organizeComments, original);
  assert.throws(() =>
    withLinearCommentPlacement(() => {
      throw new Error('boom');
    }),
  );
  assert.equal(prototype.organizeComments, original);
});

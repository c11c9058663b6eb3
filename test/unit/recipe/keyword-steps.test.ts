// The keyword haystack answered step by step (recipe/keyword-steps.ts) gives the whole haystack's answers: over seeded
// random edits of every corpus Dockerfile parsed with the memo of its previous version (its unchanged steps are the
// same objects, with the answers they keep), for the rules' lists and for lists of short strings that occur across
// the edges of steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../server/src/engine/lint';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { DockerfileParseMemo } from '../../../server/src/recipe/dockerfile-memo';
import { RecipeFacts } from '../../../server/src/recipe/facts';
import { keywordListNumber, keywordLists } from '../../../server/src/recipe/keyword-lists';
import { mentions } from '../../../server/src/recipe/keywords';
import type { Recipe } from '../../../server/src/recipe/model';
import { allRules } from '../../../server/src/rules/index';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit } from './dockerfileEdits';

/** Strings at the edges of instructions (indentation, trailing blanks, continuations, comments) and common words. */
const PROBES: readonly (readonly string[])[] = [
  [' r'], ['\tr'], [' e'], [' c'], [' f'], ['  '], ['\t'], [' \\'], ['\\ '], ['0 '], ['a '], ['z '], ['" '], ['- '], ['; '],
  ['# '], ['#a'], [' #'], ['un '], ['nv '], ['rg '], ['opy'], ['eof'], ['<<'], ['&&'], ['$v'], ['${'], ['a}'], ['=1'],
  ['run echo'], ['install'], ['apt-get', 'yum'], ['from ubuntu'], ['as base'], ['make -j4'], ['hello'], ['two words'],
  ['echo in heredoc'], ['line $v'], ['0a'], ['aa'], ['zz'], ['a0'], ['\\a'], ['a\\'], ['`'], ['[', ']'], ['sh -c'],
  ['no such keyword'], ['x'.repeat(40)],
];

function freshMentions(recipe: Recipe, keywords: readonly string[]): boolean {
  const haystack = new RecipeFacts(recipe).keywordHaystack;
  return keywords.some((keyword) => haystack.includes(keyword));
}

/** Every registered list and probe answered step by step, against the whole haystack of a fresh parse. */
function assertSameAnswers(text: string, memo: DockerfileParseMemo, lists: readonly (readonly string[])[]): void {
  const facts = new RecipeFacts(parseDockerfileWithSyntaxTree(text, false, memo).recipe);
  facts.stepsReused = true;
  const fresh = parseDockerfileWithSyntaxTree(text, false).recipe;
  const freshHaystack = new RecipeFacts(fresh).keywordHaystack;
  for (const keywords of lists) {
    const expected = keywords.some((keyword) => freshHaystack.includes(keyword));
    if (mentions(facts, keywords) !== expected) {
      assert.fail(`${JSON.stringify(keywords)}: ${!expected} step by step, ${expected} in the whole haystack of ${JSON.stringify(text.slice(0, 400))}`);
    }
  }
}

test('keyword lists answered step by step with the parse memo: corpus Dockerfiles, random edits', (t) => {
  const random = new Random(testSeed(37));
  for (const keywords of PROBES) {
    keywordListNumber(keywords);
  }
  const texts = corpusDockerfileTexts(t);
  // The rules' lists, registered by their first lints.
  texts.slice(0, 20).forEach((text) => lint(text, { format: 'dockerfile', rules: allRules }));
  const lists = [...keywordLists];
  texts.forEach((original) => {
    const memo = new DockerfileParseMemo();
    let text = original;
    parseDockerfileWithSyntaxTree(text, false, memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = edit(text, random);
      }
      assertSameAnswers(text, memo, lists);
    }
  });
});

test('keyword lists answered step by step: edges of instructions, lists first asked after the steps answered others', () => {
  const cases: [string, string][] = [
    ['FROM a\n  RUN echo x\nENV A=1 \nRUN make\n', 'FROM a\n  RUN echo y\nENV A=1 \nRUN make\n'],
    ['FROM a\nRUN echo x \\\n  && make\n# note\n\tCOPY a b\n', 'FROM a\nRUN echo x \\\n  && make\n# notes\n\tCOPY a b\n'],
    ['FROM a\r\nRUN echo x\r\n  RUN y\r\n', 'FROM a\r\nRUN echo x\r\n  RUN yy\r\n'],
    ['FROM a\nRUN <<EOF\necho heredoc\nEOF\nRUN sh -c "Apt-Get install x"\n', 'FROM a\nRUN <<EOF\necho heredoc\nEOF\nRUN sh -c "Apt-Get install x" \n'],
  ];
  for (const [before, after] of cases) {
    const memo = new DockerfileParseMemo();
    assertSameAnswers(before, memo, [['  r'], ['o x'], ['=1 ']]);
    // New arrays, registered now by another recipe, after the unchanged steps answered the lists above: they answer
    // these when next asked.
    const later = [['\tc'], [' run'], ['  r', ' ru'], ['1 '], ['make'], ['apt-get install'], ['note'], ['x'], ['y\r'], ['y\n'], ['é']];
    const other = new RecipeFacts(parseDockerfileWithSyntaxTree('FROM b\n', false).recipe);
    other.stepsReused = true;
    later.forEach((keywords) => mentions(other, keywords));
    assertSameAnswers(after, memo, later);
  }
});

test('a recipe answered step by step answers what a fresh one does: every list of the rules after a lint', () => {
  const text = 'FROM ubuntu:22.04\nRUN apt-get install -y openssh-server python3\nENV OMPI_MCA_btl=^openib\nEXPOSE 22\n';
  const memo = new DockerfileParseMemo();
  parseDockerfileWithSyntaxTree(text, false, memo);
  const facts = new RecipeFacts(parseDockerfileWithSyntaxTree(`${text}RUN echo\n`, false, memo).recipe);
  facts.stepsReused = true;
  const fresh = parseDockerfileWithSyntaxTree(`${text}RUN echo\n`, false).recipe;
  for (const keywords of [...keywordLists, ...PROBES]) {
    assert.equal(mentions(facts, keywords), freshMentions(fresh, keywords), JSON.stringify(keywords));
  }
});

test('a step’s kept answers are those of the text at its range: the same step in another text is answered again', () => {
  const text = 'FROM a\nRUN echo abc\n';
  const memo = new DockerfileParseMemo();
  const recipe = parseDockerfileWithSyntaxTree(text, false, memo).recipe;
  const first = new RecipeFacts(recipe);
  first.stepsReused = true;
  const abc = ['abc'];
  assert.equal(mentions(first, abc), true);
  const other = new RecipeFacts({ ...recipe, text: text.replace('abc', 'xyz') });
  other.stepsReused = true;
  assert.equal(mentions(other, abc), false);
});

// The keyword haystack of a definition file answered command by command (recipe/keyword-steps.ts, `commandsApart`)
// gives the whole haystack's answers: over seeded random edits of every corpus definition file and of the bench's
// 4,000-line one, parsed with the memo of the previous version (its unchanged commands are the same objects, with the
// answers they keep), for the rules' lists and for short strings that occur across the edges of commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { DefinitionParseMemo } from '../../../server/src/recipe/definition-memo';
import { RecipeFacts } from '../../../server/src/recipe/facts';
import { keywordListNumber, keywordLists } from '../../../server/src/recipe/keyword-lists';
import { mentions } from '../../../server/src/recipe/keywords';
import { allRules } from '../../../server/src/rules/index';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { bigDefinition, corpusDefinitionTexts, edit } from './definitionEdits';

/** Strings at the edges of commands (separators, indentation, continuations, comments, heredocs) and common words. */
const PROBES: readonly (readonly string[])[] = [
  [' &'], ['& '], ['&&'], ['| '], [' |'], ['; '], [';;'], [' ;'], ['a;'], [';m'], ['e &'], ['& m'], [' \\'], ['\\ '], ['  '],
  ['\t'], ['# '], ['#a'], [' #'], ['eof'], ['<<'], ['$('], [')'], ['{ '], [' }'], ['then'], ['fi'], ['do m'], ['done'],
  ['in '], ['x=1'], ['=1 '], ['"'], ["'"], ['post'], ['%post'], ['make install'], ['install -y'], ['apt-get', 'yum'],
  ['cd /src && make'], ['-j4'], ['0a'], ['aa'], ['zz'], ['`'], ['sh -c'], ['no such keyword'], ['x'.repeat(40)],
];

function assertSameAnswers(text: string, memo: DefinitionParseMemo, lists: readonly (readonly string[])[]): void {
  const facts = new RecipeFacts(parseDefinitionFile(text, memo));
  facts.commandsReused = true;
  const freshHaystack = new RecipeFacts(parseDefinitionFile(text)).keywordHaystack;
  for (const keywords of lists) {
    const expected = keywords.some((keyword) => freshHaystack.includes(keyword));
    if (mentions(facts, keywords) !== expected) {
      assert.fail(`${JSON.stringify(keywords)}: ${!expected} command by command, ${expected} in the whole haystack of ${JSON.stringify(text.slice(0, 400))}`);
    }
  }
}

function registeredLists(texts: readonly string[]): (readonly string[])[] {
  for (const keywords of PROBES) {
    keywordListNumber(keywords);
  }
  // The rules' lists, registered by their first lints.
  texts.slice(0, 20).forEach((text) => lint(text, { format: 'apptainer', rules: allRules }));
  return [...keywordLists];
}

test('keyword lists answered command by command with the parse memo: corpus definition files, random edits', (t) => {
  const random = new Random(testSeed(41));
  const texts = corpusDefinitionTexts(t);
  const lists = registeredLists(texts);
  for (const original of texts) {
    const memo = new DefinitionParseMemo();
    let text = original;
    parseDefinitionFile(text, memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = edit(text, random);
      }
      assertSameAnswers(text, memo, lists);
    }
  }
});

test('keyword lists answered command by command: the 4,000-line definition file, random edits, and its memo’d lint', async (t) => {
  const big = await bigDefinition(t);
  if (big === undefined) {
    return;
  }
  const random = new Random(testSeed(43));
  const lists = registeredLists([big]);
  const memo = new DefinitionParseMemo();
  const lintMemo = new LintMemo();
  const rules = allRules.filter((rule) => rule.meta.locality !== 'step');
  let text = big;
  parseDefinitionFile(text, memo);
  lint(text, { format: 'apptainer', rules, memo: lintMemo });
  for (let version = 0; version < 30; version++) {
    text = edit(text, random);
    assertSameAnswers(text, memo, lists);
    if (version % 6 === 5) {
      const expected = lint(text, { format: 'apptainer', rules }).diagnostics;
      assert.deepEqual(lint(text, { format: 'apptainer', rules, memo: lintMemo }).diagnostics, expected);
    }
  }
});

test('keyword lists answered command by command: matches across the edges of commands, comments and heredocs between them', () => {
  const head = 'Bootstrap: docker\nFrom: ubuntu\n\n%post\n';
  const cases: [string, string][] = [
    ['    echo a && make x\n    make y\n', '    echo a && make x\n    make yy\n'],
    ['    echo a;make x\n', '    echo a;make x \n'],
    ['    echo a |make x\n    # a note\n    make z\n', '    echo a |make x\n    # a notes\n    make z\n'],
    ['    cat <<EOF > /x\nline in heredoc\nEOF\n    make\n', '    cat <<EOF > /x\nline in heredoc\nEOF\n    make \n'],
    ['    x=$(date) && bash -c "Apt-Get install y"\r\n    make\r\n', '    x=$(date) && bash -c "Apt-Get install y"\r\n    make z\r\n'],
    ['    if [ -n "$A" ]; then make; fi\n    a\n', '    if [ -n "$A" ]; then make; fi\n    ab\n'],
    // The same length: a comment before an unchanged command, which its piece holds.
    ['    make y\n    # a note\n    make z\n', '    make y\n    # b note\n    make z\n'],
  ];
  const lists = [['a && m'], ['a;m'], ['a |m'], ['a note'], ['in heredoc'], ['apt-get install'], ['; then m'], ['e; f'], ['" $a'], ['fi\n']];
  lists.forEach(keywordListNumber);
  for (const [before, after] of cases) {
    const memo = new DefinitionParseMemo();
    assertSameAnswers(head + before, memo, lists);
    assertSameAnswers(head + after, memo, lists);
    assertSameAnswers(head + before, memo, lists);
  }
});

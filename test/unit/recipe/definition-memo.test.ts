// A definition file parsed with the memo of its previous versions (recipe/definition-memo.ts) gives exactly what a fresh
// parse gives: the model, shell.ts's side tables of its commands and the lint's findings, over seeded random edits of
// every corpus definition file and of the bench's 4,000-line definition file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { DefinitionParseMemo } from '../../../server/src/recipe/definition-memo';
import { scriptOf } from '../../../server/src/recipe/facts';
import type { Recipe, ShellCommand } from '../../../server/src/recipe/model';
import { enclosingQuote, isSplitShellCCall } from '../../../server/src/recipe/shell';
import { allRules } from '../../../server/src/rules/index';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { bigDefinition, corpusDefinitionTexts, edit } from './definitionEdits';

function commandsOf(recipe: Recipe): ShellCommand[] {
  return recipe.stages.flatMap((stage) => stage.steps.flatMap((step) => scriptOf(step)?.commands ?? []));
}

/** What shell.ts keeps of each command besides its fields. */
function sideTables(recipe: Recipe): unknown[] {
  return commandsOf(recipe).map((command) => [isSplitShellCCall(command), enclosingQuote(command)]);
}

function assertSameAsFresh(text: string, memo: DefinitionParseMemo, lintMemo?: LintMemo): void {
  const fresh = parseDefinitionFile(text);
  const memoized = parseDefinitionFile(text, memo);
  if (!isDeepStrictEqual(memoized, fresh)) {
    assert.deepEqual(memoized, fresh, JSON.stringify(text.slice(0, 300)));
  }
  assert.deepEqual(sideTables(memoized), sideTables(fresh));
  if (lintMemo) {
    const expected = lint(text, { format: 'apptainer', rules: allRules });
    assert.deepEqual(lint(text, { format: 'apptainer', rules: allRules, memo: lintMemo }).diagnostics, expected.diagnostics);
  }
}

/** Parses (and lints) `text` with the memos, as the previous version of a document. */
function prime(text: string, memo: DefinitionParseMemo, lintMemo?: LintMemo): void {
  parseDefinitionFile(text, memo);
  if (lintMemo) {
    lint(text, { format: 'apptainer', rules: allRules, memo: lintMemo });
  }
}

test('parsing with the memo of earlier versions gives a fresh parse’s model, side tables and findings: corpus definition files, random edits', (t) => {
  const random = new Random(testSeed(26));
  // Three checked versions of each file, after one to three edits each; the lints on every tenth file.
  corpusDefinitionTexts(t).forEach((original, fileIndex) => {
    const memo = new DefinitionParseMemo();
    const lintMemo = fileIndex % 10 === 0 ? new LintMemo() : undefined;
    let text = original;
    prime(text, memo, lintMemo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(3); edits > 0; edits--) {
        text = edit(text, random);
      }
      assertSameAsFresh(text, memo, lintMemo);
    }
  });
});

test('parsing with the memo: the 4,000-line definition file, typed into and edited', async (t) => {
  const big = await bigDefinition(t);
  if (big === undefined) {
    return;
  }
  const random = new Random(testSeed(4000));
  const memo = new DefinitionParseMemo();
  const lintMemo = new LintMemo();
  let text = big;
  prime(text, memo, lintMemo);
  for (let i = 0; i < 40; i++) {
    text = edit(text, random);
    assertSameAsFresh(text, memo, i % 8 === 0 ? lintMemo : undefined);
    if (i % 8 !== 0) {
      lint(text, { format: 'apptainer', rules: allRules, memo: lintMemo });
    }
  }
});

function scriptsOf(recipe: Recipe): unknown[] {
  return recipe.stages.flatMap((stage) => stage.steps.map((step) => scriptOf(step)).filter((script) => script !== undefined));
}

test('a keystroke in a line reuses every other command and the other scripts; an Enter the commands above it', () => {
  const body = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `    echo ${i} \\\n        && make` : `    export A${i}=${i}`));
  const text = ['Bootstrap: docker', 'From: ubuntu:22.04', '', '%post', ...body, '', '%runscript', '    exec run "$@"', ''].join('\n');
  const memo = new DefinitionParseMemo();
  const beforeRecipe = parseDefinitionFile(text, memo);
  const before = commandsOf(beforeRecipe);
  const typedText = text.replace('echo 21', 'echo 21x');
  const typedRecipe = parseDefinitionFile(typedText, memo);
  const typed = commandsOf(typedRecipe);
  // The `%post` script is a new object, the `%runscript` one below it the same.
  assert.deepEqual(
    scriptsOf(typedRecipe).map((script, i) => script === scriptsOf(beforeRecipe)[i]),
    [false, true],
  );
  assert.deepEqual(
    typed.map((command, i) => command === before[i]),
    before.map((command) => command.words[1]?.value !== '21'),
  );
  const enterLine = typed.find((command) => command.words[1]?.value === 'A25=25')?.range.start.line ?? -1;
  const entered = commandsOf(parseDefinitionFile(typedText.replace('    export A25', '\n    export A25'), memo));
  assert.deepEqual(
    entered.map((command, i) => command === typed[i]),
    typed.map((command) => command.range.start.line < enterLine),
  );
});

test('what an unchanged command depends on besides its text and start: each change gives a fresh parse’s results', () => {
  const head = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%post\n';
  const tail = '    make install\n    echo done | tee log\n\n%runscript\n    exec run\n';
  const pairs: [string, string][] = [
    // A quote, a substitution, a group, a heredoc or a case opened or closed above unchanged lines.
    [`${head}    echo a\n${tail}`, `${head}    echo 'a\n${tail}`],
    [`${head}    echo 'a\n${tail}`, `${head}    echo 'a'\n${tail}`],
    [`${head}    x=$(date\n${tail}`, `${head}    x=$(date)\n${tail}`],
    [`${head}    {\n${tail}`, `${head}    {}\n${tail}`],
    [`${head}    cat <<EOF\n    a\nEOF\n${tail}`, `${head}    cat <<EOF\n    a\nEOX\n${tail}`],
    [`${head}    cat <<EOF\n    a\nEOX\n${tail}`, `${head}    cat <<EOF\n    a\nEOF\n${tail}`],
    [`${head}    case x in\n${tail}`, `${head}    case x i\n${tail}`],
    // A separator or continuation ending the line above: the next command's separator changes, not its text.
    [`${head}    make\n${tail}`, `${head}    make &&\n${tail}`],
    [`${head}    make &&\n${tail}`, `${head}    make ||\n${tail}`],
    [`${head}    make |\n${tail}`, `${head}    make\n${tail}`],
    [`${head}    make\n${tail}`, `${head}    make \\\n${tail}`],
    [`${head}    make\n${tail}`, `${head}\n${tail}`],
    [`${head}\n${tail}`, `${head}    make\n${tail}`],
    // The script string of `sh -c` (commands one level deeper, in the quote's side table).
    [`${head}    bash -c 'make; echo'\n${tail}`, `${head}    bash -c "make; echo"\n${tail}`],
    [`${head}    bash -c 'make; echo'\n${tail}`, `${head}    bosh -c 'make; echo'\n${tail}`],
    // A section header typed or removed, its arguments changed, the script cut differently.
    [`${head}    make\n${tail}`, `${head}    make\n%test\n${tail}`],
    [`${head}    make\n%test\n${tail}`, `${head}    make\n${tail}`],
    [`${head}    make\n${tail}`, `${head.replace('%post', '%post -c /bin/bash')}    make\n${tail}`],
    [`${head}    make\n${tail}`, `${head.replace('%post', '%pre')}    make\n${tail}`],
    // The end of the text, line breaks, a tab for a space between words.
    [`${head}    make`, `${head}    make\n`],
    [`${head}    make\n${tail}`, `${head}    make\r\n${tail}`],
    [`${head}    make install\n${tail}`, `${head}    make\tinstall\n${tail}`],
    // One plain command, then more.
    [`${head}make`, `${head}make\nmake`],
    [`${head}make\nmake`, `${head}make`],
  ];
  for (const [before, after] of pairs) {
    const memo = new DefinitionParseMemo();
    const lintMemo = new LintMemo();
    prime(before, memo, lintMemo);
    assertSameAsFresh(after, memo, lintMemo);
  }
});

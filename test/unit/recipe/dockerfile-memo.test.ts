// A Dockerfile parsed with the memo of its previous versions (recipe/dockerfile-memo.ts) gives exactly what a fresh parse
// gives: the model, dockerfile-ast's raw arguments the syntax check reads, its findings and the lint's, over seeded random
// edits of every corpus Dockerfile and of the bench's 4,000-line Dockerfile.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Instruction } from 'dockerfile-ast';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { validateDockerfile } from '../../../server/src/engine/syntax';
import { parseDockerfileWithSyntaxTree, withMemoizedArguments, type DockerfileSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { DockerfileParseMemo } from '../../../server/src/recipe/dockerfile-memo';
import type { Recipe, Step } from '../../../server/src/recipe/model';
import { allRules } from '../../../server/src/rules/index';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { edit } from './dockerfileEdits';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

const ROOT = join(__dirname, '..', '..', '..');

/** dockerfile-ast's raw arguments of every instruction of a tree (ONBUILD triggers too), as the syntax check reads them. */
function rawArguments(tree: DockerfileSyntaxTree): unknown[] {
  return withMemoizedArguments(() => {
    const instructions: Instruction[] = [];
    for (const instruction of tree.dockerfile.getInstructions()) {
      instructions.push(instruction);
      const trigger = (instruction as { getTriggerInstruction?: () => Instruction | null }).getTriggerInstruction?.();
      if (trigger) {
        instructions.push(trigger);
      }
    }
    return instructions.map((instruction) => instruction.getArguments().map((arg) => [arg.getValue(), arg.getRange()]));
  }, tree.arguments);
}

function assertSameModel(actual: Recipe, expected: Recipe, text: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    assert.deepEqual(actual, expected, JSON.stringify(text.slice(0, 300)));
  }
}

interface Chains {
  tree: DockerfileParseMemo;
  noTree: DockerfileParseMemo;
  lint?: LintMemo;
}

function assertSameAsFresh(text: string, chains: Chains): void {
  const fresh = parseDockerfileWithSyntaxTree(text, true);
  const memoized = parseDockerfileWithSyntaxTree(text, true, chains.tree);
  assertSameModel(memoized.recipe, fresh.recipe, text);
  assert.ok(memoized.syntaxTree && fresh.syntaxTree);
  assert.deepEqual(rawArguments(memoized.syntaxTree), rawArguments(fresh.syntaxTree));
  assert.deepEqual(validateDockerfile(text, undefined, memoized.syntaxTree), validateDockerfile(text, undefined, fresh.syntaxTree));
  assertSameModel(parseDockerfileWithSyntaxTree(text, false, chains.noTree).recipe, parseDockerfileWithSyntaxTree(text, false).recipe, text);
  if (chains.lint) {
    const expected = lint(text, { format: 'dockerfile', rules: allRules });
    assert.deepEqual(lint(text, { format: 'dockerfile', rules: allRules, memo: chains.lint }).diagnostics, expected.diagnostics);
  }
}

async function bigDockerfile(t: TestContext): Promise<string | undefined> {
  const { corpusRecipes, bigDockerfile } = (await import(join(ROOT, 'bench/lib/corpus.mjs'))) as {
    corpusRecipes(dir: string): unknown[];
    bigDockerfile(recipes: unknown[]): string;
  };
  try {
    return bigDockerfile(corpusRecipes(join(ROOT, '../shared/corpus')));
  } catch {
    t.diagnostic('corpus not found: no 4,000-line Dockerfile');
    return undefined;
  }
}

/** Parses `text` with the chains' memos, as the previous version of a document. */
function prime(text: string, chains: Chains): void {
  parseDockerfileWithSyntaxTree(text, true, chains.tree);
  parseDockerfileWithSyntaxTree(text, false, chains.noTree);
  if (chains.lint) {
    lint(text, { format: 'dockerfile', rules: allRules, memo: chains.lint });
  }
}

test('parsing with the memo of earlier versions gives a fresh parse’s model, arguments and findings: corpus Dockerfiles, random edits', (t) => {
  const random = new Random(testSeed(11));
  // Two checked versions of each file, after one to three edits each; the lints (10x the parse) on every tenth file.
  corpusDockerfileTexts(t).forEach((original, fileIndex) => {
    const chains: Chains = { tree: new DockerfileParseMemo(), noTree: new DockerfileParseMemo(), ...(fileIndex % 10 === 0 ? { lint: new LintMemo() } : {}) };
    let text = original;
    prime(text, chains);
    for (let version = 0; version < 2; version++) {
      for (let edits = 1 + random.int(3); edits > 0; edits--) {
        text = edit(text, random);
      }
      assertSameAsFresh(text, chains);
    }
  });
});

test('parsing with the memo: the 4,000-line Dockerfile, typed into and edited', async (t) => {
  const big = await bigDockerfile(t);
  if (big === undefined) {
    return;
  }
  const random = new Random(testSeed(4000));
  const chains: Chains = { tree: new DockerfileParseMemo(), noTree: new DockerfileParseMemo(), lint: new LintMemo() };
  let text = big;
  prime(text, chains);
  for (let i = 0; i < 4; i++) {
    text = edit(text, random);
    assertSameAsFresh(text, { ...chains, ...(i % 2 === 0 ? {} : { lint: undefined }) });
  }
});

function steps(recipe: Recipe): Step[] {
  return recipe.stages.flatMap((stage) => stage.steps);
}

test('a keystroke in a line reuses every other step; an Enter the steps above it', () => {
  const lines = ['FROM ubuntu:22.04', ...Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `RUN echo ${i} \\\n    && make` : `ENV A${i}=${i}`))];
  const text = lines.join('\n');
  for (const keepTree of [true, false]) {
    const memo = new DockerfileParseMemo();
    const before = steps(parseDockerfileWithSyntaxTree(text, keepTree, memo).recipe);
    const typedText = text.replace('echo 24', 'echo 24x');
    const typed = steps(parseDockerfileWithSyntaxTree(typedText, keepTree, memo).recipe);
    assert.deepEqual(
      typed.map((step, i) => step === before[i]),
      before.map((step) => step.kind !== 'from' && !(step.kind === 'run' && step.script.text.includes('echo 24'))),
    );
    const entered = steps(parseDockerfileWithSyntaxTree(typedText.replace('ENV A25', '\nENV A25'), keepTree, memo).recipe);
    const enterLine = typed.find((step) => step.kind === 'env' && step.pairs[0].key.value === 'A25')?.range.start.line ?? -1;
    assert.deepEqual(
      entered.map((step, i) => step === typed[i]),
      typed.map((step) => step.kind !== 'from' && step.range.start.line < enterLine),
    );
  }
});

test('a keystroke in a line keeps dockerfile-ast’s other instructions, moved into the new tree', () => {
  const text = 'FROM a\nARG V=1\nENV E=2 F=3\nRUN echo 1\nRUN ["echo", "2"]\n';
  const memo = new DockerfileParseMemo();
  const before = parseDockerfileWithSyntaxTree(text, true, memo).syntaxTree?.dockerfile.getInstructions() ?? [];
  (before[2] as unknown as { getProperties(): unknown[] }).getProperties(); // fills the ENV's cache of its pairs
  const after = parseDockerfileWithSyntaxTree(text.replace('echo 1', 'echo 1x'), true, memo).syntaxTree;
  assert.ok(after);
  const instructions = after.dockerfile.getInstructions();
  assert.deepEqual(
    instructions.map((instruction, i) => instruction === before[i]),
    [true, true, true, false, true],
  );
  interface Owned {
    document: object;
    dockerfile: object;
    property?: { document: object } | null;
    properties?: { document: object }[];
  }
  const document = (instructions[3] as unknown as Owned).document;
  for (const instruction of instructions as unknown as Owned[]) {
    assert.equal(instruction.document, document);
    assert.equal(instruction.dockerfile, after.dockerfile);
  }
  assert.equal((instructions[1] as unknown as Owned).property?.document, document);
  assert.deepEqual(
    (instructions[2] as unknown as Owned).properties?.map((property) => property.document === document),
    [true, true],
  );
});

test('what an unchanged instruction’s step depends on besides its text and start: each change gives a fresh parse’s results', () => {
  // Lines the escape characters do not continue, whose words they change.
  const body = 'FROM a\nENV P=c:\\x Q=a`b R=1\nRUN echo c:\\x a`b "q\\"q" \nCOPY a`b c:\\d /\n';
  const pairs: [string, string][] = [
    // The escape directive changed in place: no line moves.
    [`# escape=\\\n${body}`, `# escape=\`\n${body}`],
    [`# escape=\`\n${body}`, `# escape=\\\n${body}`],
    [`# escape=\`\n${body}`, `# escape=x\n${body}`],
    // A heredoc's delimiter removed or typed: the instructions below become its body, or instructions again.
    ['FROM a\nRUN cat <<EOF\nhello\nEOF\nRUN echo after\n', 'FROM a\nRUN cat <<EOF\nhello\nEOX\nRUN echo after\n'],
    ['FROM a\nRUN cat <<EOF\nhello\nEOX\nRUN echo after\n', 'FROM a\nRUN cat <<EOF\nhello\nEOF\nRUN echo after\n'],
    // A continuation added or removed above an instruction.
    ['FROM a\nRUN make\nRUN echo b\n', 'FROM a\nRUN make \\\nRUN echo b\n'],
    ['FROM a\nRUN make \\\n# comment\nRUN echo b\n', 'FROM a\nRUN make\n# comment\nRUN echo b\n'],
    // The end of the text: a line break after the last instruction, or none.
    ['FROM a\nRUN echo b', 'FROM a\nRUN echo b\n'],
    ['FROM a\nRUN echo b\n', 'FROM a\nRUN echo b'],
    // Stage names and global ARGs only FROM reads.
    ['ARG BASE=alpine\nFROM $BASE AS one\nRUN x\nFROM one\nCOPY --from=one /a /b\n', 'ARG BASE=one\nFROM $BASE AS one\nRUN x\nFROM one\nCOPY --from=one /a /b\n'],
    ['FROM a AS one\nRUN x\nFROM one\nRUN y\n', 'FROM a AS two\nRUN x\nFROM one\nRUN y\n'],
    // Instructions before the first FROM (only ARG may be there), and line breaks: CRLF, a lone CR.
    ['FROM a\nENV A=1\nRUN x\n', 'FROM  \nENV A=1\nRUN x\n'],
    ['FROM a\r\nRUN x\r\nRUN y\r\n', 'FROM a\r\nRUN x\r\nRUN yy\r\n'],
    ['FROM a\nRUN x\nRUN y\n', 'FROM a\rRUN x\nRUN y\n'],
    ['FROM a\rRUN x\nRUN y\n', 'FROM a\nRUN x\nRUN y\n'],
    // A lone CR kept above a changed step: dockerfile-ast's lines below it are not the LineIndex's (no memo then).
    ['FROM a\nCOPY a /b\rc\nCMD ["/init"]', 'FROM a\nCOPY a /b\rc\nCMD ["/ init"]'],
    // A BOM, an ONBUILD trigger, a comment and a pragma next to unchanged instructions.
    ['\uFEFFFROM a\nONBUILD RUN echo $V\nRUN x\n', 'FROM a\nONBUILD RUN echo $V\nRUN x\n'],
    ['FROM a\nRUN x\nRUN y\n', 'FROM a\nRUN x # hpclint ignore=HPC-PORT-001\nRUN y\n'],
    // What a kept dockerfile-ast instruction asks its tree: the variables defined above it and in the global ARGs.
    ['ARG V=1\nFROM a\nARG V\nCOPY $V /x\nENV W=$V\n', 'ARG X=1\nFROM a\nARG V\nCOPY $V /x\nENV W=$V\n'],
    ['FROM a\nARG V\nENV W=${V:?}\nRUN echo $W\n', 'FROM a\nARG U\nENV W=${V:?}\nRUN echo $W\n'],
  ];
  for (const [before, after] of pairs) {
    const chains: Chains = { tree: new DockerfileParseMemo(), noTree: new DockerfileParseMemo(), lint: new LintMemo() };
    prime(before, chains);
    assertSameAsFresh(after, chains);
  }
});

// A definition file parsed with the memo of its previous versions (recipe/definition-memo.ts) gives exactly what a fresh
// parse gives: the model, shell.ts's side tables of its commands and the lint's findings, over seeded random edits of
// every corpus definition file and of the bench's 4,000-line definition file.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { DefinitionParseMemo } from '../../../server/src/recipe/definition-memo';
import { scriptOf } from '../../../server/src/recipe/facts';
import type { Recipe, ShellCommand } from '../../../server/src/recipe/model';
import { enclosingQuote, isSplitShellCCall } from '../../../server/src/recipe/shell';
import { allRules } from '../../../server/src/rules/index';
import { Random } from '../../fuzz/fuzzer';

const ROOT = join(__dirname, '..', '..', '..');
const CORPUS = join(ROOT, '../shared/corpus/singularity');

/** Characters typed into a line: words, quotes, substitutions, groups, heredoc and comment marks, escapes, line breaks, sections. */
const TYPED = ['a', 'Z', '0', ' ', '\t', '-', '=', '$', '$(', '(', ')', '{', '}', '`', '"', "'", '<<', '<', '#', '\\', '&', '|', ';', ';;', '%', '\n', '\r\n', '\\\n', '&&\n'];
const LINES = [
  '    apt-get update && apt-get install -y gcc make',
  '    pip install numpy \\',
  '        scipy',
  '    export A=1 B="two words"',
  "    bash -c 'cd /src && make -j4'",
  '    su - app -c "git clone https://x/y.git"',
  '    cat <<EOF > /etc/x',
  '    cat <<-EOT | bash',
  '\tmake install',
  '\tEOT',
  'EOF',
  "    echo 'open quote",
  '    echo "open quote',
  '    x=$(date',
  '    )',
  '    f() {',
  '    main() { make; }',
  '    }',
  '    if [ -n "$A" ]; then',
  '    fi',
  '    case "$1" in',
  '    a) make ;;',
  '    esac',
  '    make &&',
  '    make |',
  '    # hpclint ignore=HPC-PORT-001',
  '%post',
  '%post -c /bin/bash',
  '%environment',
  '%runscript',
  '%test',
  '%files',
  '    /a /b',
  '%labels',
  'Bootstrap: docker',
  'From: ubuntu:22.04',
  '',
];

/** One random edit of `text`; most are keystrokes within one line, as in an editor. */
function edit(text: string, random: Random): string {
  const lines = text.split('\n');
  const line = random.int(lines.length);
  const lineStart = lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0);
  const column = random.int(lines[line].length + 1);
  const at = lineStart + column;
  const kind = random.int(20);
  if (kind < 9) {
    return text.slice(0, at) + TYPED[random.int(TYPED.length)] + text.slice(at);
  }
  if (kind < 12) {
    return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random.int(3)));
  }
  if (kind < 15) {
    lines.splice(line, 0, LINES[random.int(LINES.length)]);
    return lines.join('\n');
  }
  if (kind === 15) {
    lines.splice(line, 1);
    return lines.join('\n');
  }
  if (kind === 16) {
    // Across lines: a span from this line into a later one removed.
    const to = Math.min(text.length, at + 1 + random.int(200));
    return text.slice(0, at) + text.slice(to);
  }
  if (kind === 17) {
    lines[line] = lines[line].endsWith('\\') ? lines[line].slice(0, -1) : `${lines[line]} \\`;
    return lines.join('\n');
  }
  if (kind === 18) {
    return text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
  }
  lines.splice(line, 0, '    cat <<EOF > /x', '    line $V');
  return lines.join('\n');
}

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

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function corpusDefinitionTexts(t: TestContext): string[] {
  if (!existsSync(CORPUS)) {
    t.diagnostic(`corpus not found at ${CORPUS}: edge cases only`);
    return [];
  }
  return files(CORPUS).map((path) => readFileSync(path, 'utf8'));
}

async function bigDefinition(t: TestContext): Promise<string | undefined> {
  const { corpusRecipes, bigDefinition } = (await import(join(ROOT, 'bench/lib/corpus.mjs'))) as {
    corpusRecipes(dir: string): unknown[];
    bigDefinition(recipes: unknown[]): string;
  };
  try {
    return bigDefinition(corpusRecipes(join(ROOT, '../shared/corpus')));
  } catch {
    t.diagnostic('corpus not found: no 4,000-line definition file');
    return undefined;
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
  const random = new Random(26);
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
  const random = new Random(4000);
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

// In a definition file, a lint with the document's memo reuses the command-local rules' findings per unit of a run
// step's script (engine/commandLocality.ts) and finds exactly what a lint without one finds: through seeded random
// typing in every corpus definition file, the rule fixtures and the bench's 4,000-line definition file; and it runs
// those rules only on the units that changed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import type { Rule, RuleMeta } from '../../../server/src/engine/rule';
import type { ResolvedConfig } from '../../../server/src/engine/types';
import { allRules } from '../../../server/src/rules/index';
import { TEST_TODAY } from '../ruleRunner';
import { seededNumbers, testSeed } from '../../fuzz/fuzzer';

const ROOT = resolve(__dirname, '..', '..', '..');
const CORPUS = resolve(ROOT, '../shared/corpus');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

/** What is typed: characters that open and close constructs across lines, and words the command-local rules look for. */
const SNIPPETS = [
  'x', ' ', '\n', '\\\n', ' &&\n', ' |\n', '"', "'", '`', '$(', ')', '{ ', '}', '#', ';', ';;', 'case $x in\n', 'esac\n', 'if true; then\n', 'fi\n',
  ' <<EOF\n', 'EOF\n', "cat > /etc/x <<'END'\nSSL_VERIFY=0\nEND\n", 'bash -c "', '%post\n', '%setup\n', '%post -c /bin/sh\n', '%environment\n',
  'curl -k https://api.github.com/repos/a/b/releases/latest ', 'make -j ', 'chmod -R 700 /opt/app ', 'apt-get install -y mpich ', 'wget https://x.org/data.h5 ',
  'echo "LM_LICENSE_FILE=27000@lic.example.org" >> /etc/environment ', '-march=native ', 'nvcc -arch=native ', 'shub://a/b ', 'echo root:pw | chpasswd\n',
  '# hpclint ignore=HPC-SEC-004\n', 'REPLACE_WITH_TOKEN ', 'git ls-remote --tags x |\n tail -1\n', '\r\n', 'Bootstrap: docker\nFrom: ubuntu:18.04\n',
];

/** An edit at a random place, or (typing) next to the previous one. */
function edit(text: string, next: () => number, near: number | undefined): { text: string; at: number } {
  const at = near !== undefined && next() < 0.6 ? Math.min(text.length, near) : Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.65) {
    const snippet = SNIPPETS[Math.floor(next() * SNIPPETS.length)];
    return { text: text.slice(0, at) + snippet + text.slice(at), at: at + snippet.length };
  }
  if (choice < 0.9) {
    return { text: text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 12)), at };
  }
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  return { text: text.slice(0, lineStart) + (lineEnd < 0 ? '' : text.slice(lineEnd + 1)), at: lineStart };
}

const base: ResolvedConfig = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY }, syntaxValidation: false };

/** Lints `text` through `rounds` edits with one memo and without; the versions whose diagnostics differ. */
function differences(name: string, start: string, rounds: number, next: () => number, every = 1): { differences: string[]; lints: number } {
  const memo = new LintMemo();
  const found: string[] = [];
  let text = start;
  let at: number | undefined;
  let lints = 0;
  for (let round = 0; round < rounds; round++) {
    // The settings change now and then: the memo is then of no use, and must not be used.
    const config = round % 7 === 6 ? { ...base, rules: { 'HPC-CACHE-006': 'off' as const } } : base;
    const withMemo = lint(text, { format: 'apptainer', config, rules: allRules, memo }).diagnostics;
    if (round % every === 0) {
      const without = lint(text, { format: 'apptainer', config, rules: allRules }).diagnostics;
      lints++;
      if (JSON.stringify(withMemo) !== JSON.stringify(without)) {
        found.push(`${name} after ${round} edits`);
      }
    }
    ({ text, at } = edit(text, next, at));
  }
  return { differences: found, lints };
}

test('a lint with the command memo = a lint without it, through random typing in every corpus definition file and rule fixture', () => {
  const fixtures = listFiles(join(ROOT, 'test/fixtures')).filter((file) => file.endsWith('.def'));
  const corpus = existsSync(CORPUS) ? listFiles(join(CORPUS, 'singularity')) : [];
  const next = seededNumbers(testSeed(23));
  const found: string[] = [];
  let lints = 0;
  for (const file of [...fixtures, ...corpus]) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 100_000) {
      continue;
    }
    const result = differences(file, text, 5, next);
    found.push(...result.differences);
    lints += result.lints;
  }
  assert.ok(lints > (existsSync(CORPUS) ? 3000 : 100), `${lints} lints`);
  assert.deepEqual(found.slice(0, 10), []);
});

test('a lint with the command memo = a lint without it, typing in the bench\'s 4,000-line definition file', async () => {
  if (!existsSync(CORPUS)) {
    return;
  }
  const { corpusRecipes, bigDefinition } = (await import(join(ROOT, 'bench/lib/corpus.mjs'))) as {
    corpusRecipes: (dir: string) => unknown;
    bigDefinition: (recipes: unknown) => string;
  };
  const text = bigDefinition(corpusRecipes(CORPUS));
  const result = differences('the 4,000-line definition file', text, 40, seededNumbers(testSeed(5)), 4);
  assert.deepEqual(result.differences, []);
});

/** A command-local test rule that reports every command of a definition file's run steps and counts the commands it is shown. */
function countingRule(): Rule & { shown: number[] } {
  const meta: RuleMeta = {
    code: 'HPC-TEST-002',
    name: 'counts-commands',
    category: 'portability',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'none',
    locality: 'command',
    docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
  };
  const shown: number[] = [];
  return {
    meta,
    shown,
    check({ recipe, report }) {
      let count = 0;
      for (const step of recipe.stages.flatMap((stage) => stage.steps)) {
        if (step.kind === 'run') {
          for (const command of step.script.commands) {
            count++;
            report({ range: command.range, message: `${step.keyword} ${command.name} ${command.words.length} ${command.separatorBefore}` });
          }
        } else if (step.kind === 'copy') {
          report({ range: step.range, message: `copy at ${step.range.start.character}${step.from ? ` from ${step.from.value}` : ''}` });
        }
      }
      shown.push(count);
    },
  };
}

test('with the memo a command-local rule runs on the changed units of a run step only, under the same header and split state', () => {
  const rule = countingRule();
  const memo = new LintMemo();
  const text = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%post\n    a 1\n    b 1 &&\n      c 1\n    d <<EOF\nx\nEOF\n    e 1\n';
  const run = (recipe: string) => lint(recipe, { format: 'apptainer', config: base, rules: [rule], memo }).diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);
  const fresh = (recipe: string) => lint(recipe, { format: 'apptainer', config: base, rules: [rule] }).diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);

  const typed = text.replace('c 1', 'c 1 2');
  const inHeredoc = typed.replace('x\nEOF', 'y\nEOF');
  assert.deepEqual(run(text), ['4: %post a 2 undefined', '5: %post b 2 newline', '6: %post c 2 &&', '7: %post d 1 newline', '10: %post e 2 newline']);
  assert.deepEqual(run(typed), ['4: %post a 2 undefined', '5: %post b 2 newline', '6: %post c 3 &&', '7: %post d 1 newline', '10: %post e 2 newline']);
  assert.deepEqual(run(inHeredoc), fresh(inHeredoc));
  // the section renamed, the body the same: every unit runs again
  const renamed = inHeredoc.replace('%post', '%setup');
  assert.deepEqual(run(renamed), ['4: %setup a 2 undefined', '5: %setup b 2 newline', '6: %setup c 3 &&', '7: %setup d 1 newline', '10: %setup e 2 newline']);
  // the first command commented out: the next unit, the same text at the same place, now starts the script's commands
  const commented = renamed.replace('    a 1', '    #a1');
  assert.deepEqual(run(commented), fresh(commented));
  assert.deepEqual(run(commented), ['5: %setup b 2 undefined', '6: %setup c 3 &&', '7: %setup d 1 newline', '10: %setup e 2 newline']);
  // with the memo: the whole recipe; `b && c`, one unit; the heredoc's unit; after the header, every unit; `#a1` and
  // `b && c`; nothing (the lints without a memo, the 5 and the 4, see every command)
  assert.deepEqual(rule.shown, [5, 2, 1, 5, 5, 2, 4, 0]);
});

test('with the memo a step (a %files line) that moved along its line is new', () => {
  const rule = countingRule();
  const memo = new LintMemo();
  const text = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%files\n  a /a\n  b /b\n  c /c\n  d /d\n  e /e\n';
  const run = (recipe: string) => lint(recipe, { format: 'apptainer', config: base, rules: [rule], memo }).diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);
  run(text);
  assert.deepEqual(run(text.replace('  c /c', '   c /c')), ['4: copy at 2', '5: copy at 2', '6: copy at 3', '7: copy at 2', '8: copy at 2']);
});

test('with the memo a %files line whose section header changed is new (its `from` is the header\'s)', () => {
  const rule = countingRule();
  const memo = new LintMemo();
  const text = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%files from build\n  a /a\n  b /b\n  c /c\n  d /d\n  e /e\n';
  const run = (recipe: string) => lint(recipe, { format: 'apptainer', config: base, rules: [rule], memo }).diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);
  run(text);
  assert.deepEqual(run(text.replace('from build', 'from other')), ['4: copy at 2 from other', '5: copy at 2 from other', '6: copy at 2 from other', '7: copy at 2 from other', '8: copy at 2 from other']);
  assert.deepEqual(run(text.replace('from build', 'frombuild')), ['4: copy at 2', '5: copy at 2', '6: copy at 2', '7: copy at 2', '8: copy at 2']);
});

test('a %files section\'s header line is in no step: editing it gives a fresh lint\'s findings on it', () => {
  const memo = new LintMemo();
  const text = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%appfiles a\n    a.txt /opt/a.txt\n    b.txt /opt/b.txt\n    c.txt /opt/c.txt\n\n%post\n    true\n    true\n    true\n';
  for (const version of [text, text.replace('%appfiles a', '%appfiles'), text.replace('%appfiles a', '%appfiles a -c /bin/sh'), text]) {
    const withMemo = lint(version, { format: 'apptainer', config: base, rules: allRules, memo }).diagnostics;
    assert.deepEqual(withMemo, lint(version, { format: 'apptainer', config: base, rules: allRules }).diagnostics);
  }
});

// A lint with the document's memo finds exactly what a lint without one finds, through random edits of corpus recipes
// and rule fixtures, and runs the step-local rules only on the steps that changed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig, mergeConfig, parseConfigText } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import type { Rule, RuleMeta } from '../../../server/src/engine/rule';
import type { ResolvedConfig } from '../../../server/src/engine/types';
import type { RecipeFormat } from '../../../server/src/recipe/model';
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

const SNIPPETS = [
  'x', ' ', '\n', '\\\n', '"', "'", '#', '$', '{', '-march=native ', 'curl -k https://example.org/a.sh | sh ', ' && apt-get install -y gcc',
  '\nRUN pip install numpy\n', '\nFROM ubuntu:18.04 AS two\n', 'sudo ', '\nENV CFLAGS=-O2\n', '\n%post\n    make -j\n', '\nUSER 1000\n',
  '\n# hpclint ignore=HPC-SEC-001\n', '\r\n', 'ARG V=1\n',
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.6) {
    return text.slice(0, at) + SNIPPETS[Math.floor(next() * SNIPPETS.length)] + text.slice(at);
  }
  if (choice < 0.85) {
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 10));
  }
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  return text.slice(0, lineStart) + (lineEnd < 0 ? '' : text.slice(lineEnd + 1));
}

const base: ResolvedConfig = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY } };
const publicLumi = mergeConfig(base, parseConfigText('publish: public\nsite: lumi\n', join(ROOT, '.hpclint.yaml'), allRules), allRules);

test('a lint with the memo = a lint without it, through random edits of corpus recipes and rule fixtures', () => {
  const fixtures = listFiles(join(ROOT, 'test/fixtures/rules')).filter((file) => /(\.def|Dockerfile)$/.test(file) && !file.includes('fixed'));
  const corpus = existsSync(CORPUS) ? [...listFiles(join(CORPUS, 'dockerfile')), ...listFiles(join(CORPUS, 'singularity'))].filter((_, i) => i % 6 === 0) : [];
  const next = seededNumbers(testSeed(11));
  const differences: string[] = [];
  let lints = 0;
  for (const file of [...fixtures, ...corpus]) {
    const format: RecipeFormat = file.includes('/singularity/') || file.endsWith('.def') ? 'apptainer' : 'dockerfile';
    let text = readFileSync(file, 'utf8');
    if (text.length > 100_000) {
      continue;
    }
    const memo = new LintMemo();
    for (let round = 0; round < 6; round++) {
      // The settings change now and then: the memo is then of no use, and must not be used.
      const config = round === 4 ? publicLumi : { ...base, syntaxValidation: round % 2 === 0 };
      const withMemo = lint(text, { format, config, rules: allRules, memo }).diagnostics;
      const without = lint(text, { format, config, rules: allRules }).diagnostics;
      lints++;
      if (JSON.stringify(withMemo) !== JSON.stringify(without)) {
        differences.push(`${file} after ${round} edits`);
      }
      text = edit(text, next);
    }
  }
  assert.ok(lints > 1500, `${lints} lints`);
  assert.deepEqual(differences.slice(0, 10), []);
});

/** A step-local test rule that reports every RUN step and counts the steps it is shown. */
function countingRule(): Rule & { shown: number[] } {
  const meta: RuleMeta = {
    code: 'HPC-TEST-001',
    name: 'counts-steps',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile'],
    fix: 'none',
    locality: 'step',
    docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
  };
  const shown: number[] = [];
  return {
    meta,
    shown,
    check({ recipe, report }) {
      const steps = recipe.stages.flatMap((stage) => stage.steps.filter((step) => step.kind !== 'from'));
      shown.push(steps.length);
      for (const step of steps) {
        if (step.kind === 'run') {
          report({ range: step.keywordRange, message: `RUN of ${step.script.commands.length} commands` });
        }
      }
    },
  };
}

test('with the memo a step-local rule runs on the changed steps only, and on all of them when the skeleton changes', () => {
  const rule = countingRule();
  const memo = new LintMemo();
  const config = { ...base, syntaxValidation: false };
  const text = 'FROM ubuntu:22.04\nRUN a\nRUN b && c\nENV X=1\nRUN d\n';
  const run = (recipe: string) => lint(recipe, { format: 'dockerfile', config, rules: [rule], memo }).diagnostics.map((d) => `${d.range.start.line}: ${d.message}`);

  assert.deepEqual(run(text), ['1: RUN of 1 commands', '2: RUN of 2 commands', '4: RUN of 1 commands']);
  assert.deepEqual(run(text.replace('RUN b && c', 'RUN b && c && e')), ['1: RUN of 1 commands', '2: RUN of 3 commands', '4: RUN of 1 commands']);
  assert.deepEqual(run(text.replace('FROM ubuntu:22.04', 'FROM ubuntu:24.04')), ['1: RUN of 1 commands', '2: RUN of 2 commands', '4: RUN of 1 commands']);
  assert.deepEqual(run(text.replace('FROM ubuntu:22.04', 'FROM ubuntu:24.04').replace('RUN d', 'RUN dd')), ['1: RUN of 1 commands', '2: RUN of 2 commands', '4: RUN of 1 commands']);
  assert.deepEqual(run(`\n${text}`), ['2: RUN of 1 commands', '3: RUN of 2 commands', '5: RUN of 1 commands']);
  assert.deepEqual(rule.shown, [4, 1, 4, 1, 4]);
});

test('a step-local rule that crashed leaves no memo: the next lint reports the crash again, as a lint without a memo does', () => {
  const rule = countingRule();
  const check = rule.check!;
  const crashing: Rule = {
    ...rule,
    check(context) {
      if (context.recipe.text.includes('RUN crash')) {
        throw new TypeError('boom');
      }
      check(context);
    },
  };
  const memo = new LintMemo();
  const config = { ...base, syntaxValidation: false };
  const text = 'FROM ubuntu:22.04\nRUN crash\nRUN b\n';
  const run = (recipe: string, withMemo: boolean) =>
    lint(recipe, { format: 'dockerfile', config, rules: [crashing], ...(withMemo ? { memo } : {}) }).diagnostics.map((d) => `${d.range.start.line} ${d.code}`);

  assert.deepEqual(run(text, true), ['0 hpclint/internal']);
  const edited = text.replace('RUN b', 'RUN bb');
  assert.deepEqual(run(edited, true), run(edited, false));
});

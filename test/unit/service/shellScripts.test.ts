// A lint job asked for `shellScripts` returns the texts ShellCheck checks, the same as extracting them from a
// fresh parse of the linted text (the CLI queues these); a `shellcheck` job places ShellCheck's results for them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultConfig, mergeConfig } from '../../../server/src/engine/config';
import type { ResolvedConfig } from '../../../server/src/engine/types';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { allRules } from '../../../server/src/rules/index';
import { runJob, type LintJob } from '../../../server/src/service/jobs';
import { outcomeOf, scriptsToCheck } from '../../../server/src/shellcheck/check';
import type { ScriptResult } from '../../../server/src/shellcheck/runner';

const root = join(__dirname, '../../..');
const config = defaultConfig();

function job(text: string, format: RecipeFormat, extra: Partial<LintJob> = {}): LintJob {
  return { kind: 'lint', text, format, fileName: format === 'apptainer' ? 'app.def' : 'Dockerfile', config, shellScripts: true, ...extra };
}

function extracted(text: string, format: RecipeFormat, settings: ResolvedConfig = config): string[] {
  return scriptsToCheck(parseRecipe(text, format), settings).map((script) => script.script.content);
}

test('a lint job returns the scripts of the text, as a fresh parse extracts them', () => {
  for (const [path, format] of [
    ['test/fixtures/shellcheck/run-forms.Dockerfile', 'dockerfile'],
    ['test/fixtures/shellcheck/sections.def', 'apptainer'],
  ] as const) {
    const text = readFileSync(join(root, path), 'utf8');
    const scripts = runJob(job(text, format), allRules).shellScripts;
    assert.ok((scripts?.length ?? 0) >= 4, path);
    assert.deepEqual(scripts, extracted(text, format));
  }
  assert.equal(runJob(job('FROM alpine:3.20\nRUN echo $a\n', 'dockerfile', { shellScripts: undefined }), allRules).shellScripts, undefined);
});

test('a fix job returns the scripts of the fixed text', () => {
  const text = 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y gcc\nRUN cd /src && make\n';
  const outcome = runJob(job(text, 'dockerfile', { kind: 'fix', lintFixed: true }), allRules);
  assert.ok(outcome.fixed && outcome.fixed.text !== text, 'a safe fix changed the text');
  assert.deepEqual(outcome.shellScripts, extracted(outcome.fixed.text, 'dockerfile'));
});

test('no scripts when the shell category is off, or when the text is skipped as binary', () => {
  const text = 'FROM alpine:3.20\nRUN echo $a\n';
  const shellOff = mergeConfig(defaultConfig(), { categories: { shell: 'off' } }, allRules);
  assert.deepEqual(runJob(job(text, 'dockerfile', { config: shellOff }), allRules).shellScripts, []);
  assert.deepEqual(runJob(job(`${text}\0`, 'dockerfile'), allRules).shellScripts, []);
  assert.equal(extracted(`${text}\0`, 'dockerfile').length, 1, 'a parse of the binary text would find the RUN');
});

test("a shellcheck job places ShellCheck's results in the text, as the editor does after a parse of its own", () => {
  const text = 'FROM alpine:3.20\nRUN echo hello\nRUN cd /src; make\n';
  const scripts = runJob(job(text, 'dockerfile'), allRules).shellScripts ?? [];
  assert.equal(scripts.length, 2);
  const cdLine = scripts[1].split('\n').findIndex((line) => line.startsWith('cd /src')) + 1;
  const results: ScriptResult[] = [[], [{ line: cdLine, column: 1, endLine: cdLine, endColumn: 8, level: 'warning', code: 2164, message: 'Use cd ... || exit.' }]];
  const placed = runJob({ kind: 'shellcheck', text, format: 'dockerfile', config, shellcheck: { scripts, results } }, allRules);
  const expected = outcomeOf(parseRecipe(text, 'dockerfile'), config, scriptsToCheck(parseRecipe(text, 'dockerfile'), config), results);
  assert.deepEqual(placed.diagnostics, expected.diagnostics);
  assert.deepEqual(
    placed.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`),
    ['shellcheck/SC2164 2:4-2:11'],
  );
  assert.deepEqual(placed.shellcheckErrors, []);
  assert.equal(placed.shellScripts, undefined);

  const failed = runJob({ kind: 'shellcheck', text, format: 'dockerfile', config, shellcheck: { scripts, results: [[], { error: 'shellcheck failed: boom' }] } }, allRules);
  assert.deepEqual(failed.shellcheckErrors, ['line 3: RUN: shellcheck failed: boom']);
});

test('a shellcheck job given the results of other scripts places nothing and names the scripts of the text', () => {
  const text = 'FROM alpine:3.20\nRUN echo hello\n';
  const outcome = runJob({ kind: 'shellcheck', text, format: 'dockerfile', config, shellcheck: { scripts: ['echo other'], results: [[]] } }, allRules);
  assert.deepEqual(outcome.diagnostics, []);
  assert.deepEqual(outcome.shellScripts, extracted(text, 'dockerfile'));
});

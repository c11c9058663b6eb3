// A lint job asked for `shellScripts` returns the texts ShellCheck checks, the same as extracting them from a
// fresh parse of the linted text (the CLI queues these and parses a file again only to place findings).
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
import { scriptsToCheck } from '../../../server/src/shellcheck/check';

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

// Runs the CLI once over every recipe of the shared corpus: no crash, no rule crash, every file reported.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJson, root, runCli, type JsonReport } from './helpers';

const CORPUS = join(root, '../shared/corpus');
const DIRECTORIES = ['dockerfile', 'singularity'].map((dir) => join(CORPUS, dir));
/** An empty config: the corpus lives outside the repo, and a config file above it must not change the run. */
const DEFAULTS_ONLY = join(root, 'test/fixtures/config/empty/.hpclint.yaml');
/** Keeps each command line well below the OS argument limit. */
const CHUNK = 1500;

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...listFiles(path));
    } else if (entry.isFile()) {
      files.push(path);
    }
  }
  return files;
}

test('every corpus recipe is linted without an internal error', (t) => {
  if (!DIRECTORIES.every((dir) => existsSync(dir))) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const files = DIRECTORIES.flatMap(listFiles).sort();
  assert.ok(files.length > 0);
  const reports: JsonReport['files'] = [];
  const started = Date.now();
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK);
    // ShellCheck over the corpus takes a minute: `npm run corpus:report` runs it (test/cli/shellcheck.test.ts covers the path).
    const run = runCli(['--format', 'json', '--no-shellcheck', '--config', DEFAULTS_ONLY, '--', ...chunk]);
    assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
    assert.equal(run.stderr, '');
    reports.push(...parseJson(run).files);
  }
  const elapsed = Date.now() - started;
  assert.deepEqual(
    reports.map((file) => file.path),
    files,
  );
  const internal = reports.flatMap((file) =>
    file.diagnostics.filter((d) => d.code === 'hpclint/internal').map((d) => `${file.path}: ${d.message}`),
  );
  assert.deepEqual(internal, []);
  const diagnostics = reports.reduce((sum, file) => sum + file.diagnostics.length, 0);
  t.diagnostic(`${files.length} files, ${diagnostics} diagnostics in ${elapsed} ms (${(elapsed / files.length).toFixed(2)} ms/file, incl. process start)`);
});

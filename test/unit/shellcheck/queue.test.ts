// The CLI's ShellCheck queue: each distinct script is checked once, batches run at most `processes` at a
// time and start before the run ends, and the results are exactly ShellCheck's for each script alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { scriptsToCheck } from '../../../server/src/shellcheck/check';
import { ShellCheckQueue } from '../../../server/src/shellcheck/queue';
import { BATCH_FILES, ShellCheckRunner, type ScriptResult } from '../../../server/src/shellcheck/runner';
import { availability, haveShellCheck } from './helpers';

const root = join(__dirname, '../../..');

function fixtureScripts(): string[] {
  const recipes: Array<[string, 'dockerfile' | 'apptainer']> = [
    ['test/fixtures/shellcheck/run-forms.Dockerfile', 'dockerfile'],
    ['test/fixtures/shellcheck/sections.def', 'apptainer'],
  ];
  return recipes.flatMap(([path, format]) =>
    scriptsToCheck(parseRecipe(readFileSync(join(root, path), 'utf8'), format), defaultConfig()).map((script) => script.script.content),
  );
}

/** Answers each script with a finding naming its text; records the batches and how many ran at once. */
class RecordingRunner extends ShellCheckRunner {
  readonly batches: string[][] = [];
  running = 0;
  mostAtOnce = 0;
  private readonly releases: Array<() => void> = [];

  constructor() {
    super({ path: '/nonexistent/shellcheck', version: '0.9.0' });
  }

  override async runBatch(texts: readonly string[]): Promise<ScriptResult[]> {
    this.batches.push([...texts]);
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    await new Promise<void>((release) => this.releases.push(release));
    this.running--;
    return texts.map((text) => [{ line: 1, column: 1, endLine: 1, endColumn: 2, level: 'info', code: text.length, message: text }]);
  }

  /** Lets every batch started so far finish. */
  async releaseAll(): Promise<void> {
    while (this.releases.length > 0) {
      this.releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

test('the queue checks each distinct script once, in order of arrival, and answers every caller in its own order', async () => {
  const runner = new RecordingRunner();
  const queue = new ShellCheckQueue(runner, 2);
  const first = queue.check(['echo a', 'echo b', 'echo a']);
  const second = queue.check(['echo b', 'echo c']);
  assert.deepEqual(runner.batches, [], 'fewer scripts than a batch wait for more');
  queue.drain();
  assert.deepEqual(runner.batches, [['echo a', 'echo b'], ['echo c']], 'drained over the two processes');
  await runner.releaseAll();
  const messages = (results: ScriptResult[]): string[] => results.map((result) => (Array.isArray(result) ? result[0].message : result.error));
  assert.deepEqual(messages(await first), ['echo a', 'echo b', 'echo a']);
  assert.deepEqual(messages(await second), ['echo b', 'echo c']);
  const late = queue.check(['echo c', 'echo d']);
  assert.deepEqual(runner.batches.slice(2), [['echo d']], 'after the drain a new script runs at once; a known one is not checked again');
  await runner.releaseAll();
  assert.deepEqual(messages(await late), ['echo c', 'echo d']);
});

test('full batches start while scripts are still arriving, never more than `processes` at a time', async () => {
  const runner = new RecordingRunner();
  const queue = new ShellCheckQueue(runner, 2);
  const texts = Array.from({ length: BATCH_FILES * 3 + 5 }, (_, i) => `echo ${i}`);
  const results = queue.check(texts.slice(0, BATCH_FILES * 3));
  assert.deepEqual(
    runner.batches.map((batch) => batch.length),
    [BATCH_FILES, BATCH_FILES],
  );
  const rest = queue.check(texts.slice(BATCH_FILES * 3));
  queue.drain();
  while (runner.batches.flat().length < texts.length || runner.running > 0) {
    await runner.releaseAll();
  }
  assert.equal(runner.mostAtOnce, 2);
  assert.deepEqual(runner.batches.flat().sort(), [...texts].sort());
  assert.equal((await results).length, BATCH_FILES * 3);
  assert.equal((await rest).length, 5);
});

test('a script over the size limit gets an error result and no process', async () => {
  const runner = new RecordingRunner();
  const queue = new ShellCheckQueue(runner, 1);
  const results = queue.check(['x'.repeat(200_001)]);
  queue.drain();
  assert.deepEqual(await results, [{ error: 'script longer than 200000 characters, not checked' }]);
  assert.deepEqual(runner.batches, []);
});

test('with ShellCheck: the queue, batched and deduplicated, gives each fixture script exactly its result when checked alone', async (t) => {
  if (!haveShellCheck(t) || !availability.available) {
    return;
  }
  const binary = availability;
  const scripts = fixtureScripts();
  assert.ok(scripts.length >= 10, `${scripts.length} fixture scripts`);
  const alone = scripts.map((script) => new ShellCheckRunner(binary).checkSync([script])[0]);
  assert.ok(alone.some((result) => Array.isArray(result) && result.length > 0), 'ShellCheck finds something in the fixtures');
  const queue = new ShellCheckQueue(new ShellCheckRunner(binary), 2);
  const twice = queue.check([...scripts, ...[...scripts].reverse()]);
  queue.drain();
  assert.deepEqual(await twice, [...alone, ...[...alone].reverse()]);
});

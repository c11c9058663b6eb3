// The lint worker pool with the real worker bundle (dist/worker.js, built by `npm test`).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { allRules } from '../../../server/src/rules/index';
import { runJob, type LintJob } from '../../../server/src/service/jobs';
import { LintCancelledError } from '../../../server/src/engine/lint';
import { JobTimeoutError, WorkerPool } from '../../../server/src/service/workerPool';
import type { JobMessage, ResultMessage } from '../../../server/src/service/workerProtocol';

const script = join(__dirname, '..', '..', '..', 'dist', 'worker.js');
const config = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: '2026-01-15' } };

function job(text: string, extra: Partial<LintJob> = {}): LintJob {
  return { kind: 'lint', text, fileName: 'Dockerfile', format: 'dockerfile', config, ...extra };
}

describe('WorkerPool', { skip: !existsSync(script) && 'dist/worker.js is not built' }, () => {
  const pools: WorkerPool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}): WorkerPool => {
    const created = new WorkerPool({ script, size: 2, ...options });
    pools.push(created);
    return created;
  };
  after(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  test('jobs on worker threads give exactly the in-process outcome, each to its own caller', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => `FROM ubuntu:2${i % 5}.04\nRUN gcc -march=native -O${i % 4} app.c\nFOO${i} bar\n`);
    const shared = pool();
    const outcomes = await Promise.all(texts.map((text) => shared.run(job(text, { statements: true }))));
    assert.deepEqual(
      outcomes,
      texts.map((text) => runJob(job(text, { statements: true }), allRules)),
    );
  });

  test('a fix job returns the fixed text and what is left', async () => {
    const text = 'Bootstrap: docker\nFrom: alpine:3.20\n\n%enviroment\n    export A=1\n';
    const outcome = await pool().run(job(text, { kind: 'fix', format: 'apptainer', fileName: 'app.def', lintFixed: true }));
    assert.equal(outcome.fixed?.text, text.replace('%enviroment', '%environment'));
    assert.ok(!outcome.diagnostics.some((d) => d.code === 'HPC-DEF-005'));
  });

  test('a job over the time limit fails alone; the pool replaces the worker and goes on', async () => {
    // A worker that never answers (the test-only fault blocks it for a minute), whatever the machine's speed.
    process.env.HPCLINT_FAULT_INJECTION = '1';
    try {
      const limited = pool({ size: 1, jobTimeoutMs: 1500 });
      await assert.rejects(limited.run(job('FROM alpine:3.20\n# HPCLINT-FAULT-HANG\n')), JobTimeoutError);
      const outcome = await limited.run(job('FROM alpine:3.20\nRUN gcc -march=native a.c\n'));
      assert.ok(outcome.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
    } finally {
      delete process.env.HPCLINT_FAULT_INJECTION;
    }
  });

  test('a withdrawn job stops on its worker (no outcome) or leaves the queue; the worker then takes the next job', async () => {
    const single = pool({ size: 1, jobTimeoutMs: 120_000 });
    // Many seconds of work: without cancellation the first job would resolve with its findings.
    const slow = `FROM ubuntu:22.04\n${'ENV A=1\nRUN echo $A $B && make -j4 install\n'.repeat(8000)}`;
    const running = new AbortController();
    const queued = new AbortController();
    const first = assert.rejects(single.run(job(slow), running.signal), LintCancelledError);
    const second = assert.rejects(single.run(job(slow), queued.signal), LintCancelledError);
    queued.abort();
    running.abort();
    await Promise.all([first, second]);
    const outcome = await single.run(job('FROM alpine:3.20\nRUN gcc -march=native a.c\n'), new AbortController().signal);
    assert.ok(outcome.diagnostics.some((d) => d.code === 'HPC-PORT-001'));
    await assert.rejects(single.run(job('FROM alpine:3.20\n'), AbortSignal.abort()), LintCancelledError);
  });

  test("a document's texts go as edits and its lints come back as deltas, and still give exactly the in-process outcome", async () => {
    // What the workers send (the pool's listener is the worker's first 'message' listener).
    const sent: ResultMessage[] = [];
    const posted: JobMessage[] = [];
    const emit = Worker.prototype.emit;
    const postMessage = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]): void {
      if (typeof message === 'object' && message !== null && 'job' in message) {
        posted.push(message as JobMessage);
      }
      (postMessage as (...args: unknown[]) => void).call(this, message, ...rest);
    };
    Worker.prototype.emit = function (this: Worker, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message' && typeof args[0] === 'object' && args[0] !== null && 'id' in args[0]) {
        sent.push(args[0] as ResultMessage);
      }
      return emit.call(this, event, ...args);
    } as typeof emit;
    try {
      const single = pool({ size: 1 });
      const base = 'FROM ubuntu:22.04\nRUN apt-get install -y gcc\nRUN gcc -march=native -O3 a.c\nFOO bar\n';
      const texts = [
        base,
        base.replace('-O3', '-O2'),
        `FROM ubuntu:22.04\n\n${base.slice('FROM ubuntu:22.04\n'.length)}`,
        base.replace('FOO bar\n', ''),
        base,
      ];
      const lint = (text: string) => job(text, { statements: true, document: 'file:///w/Dockerfile' });
      for (const text of texts) {
        assert.deepEqual(await single.run(lint(text)), runJob(lint(text), allRules));
      }
      const deltas = sent.filter((message) => 'delta' in message && message.delta !== undefined);
      assert.equal(deltas.length, texts.length - 1, 'every lint after the first is sent as a delta');
      assert.ok(deltas.some((message) => 'delta' in message && message.delta!.fresh.length < message.delta!.reused.length));
      assert.deepEqual(
        posted.map((message) => message.textEdit !== undefined),
        texts.map((_, i) => i > 0),
        'every text after the first is posted as an edit',
      );

      single.forget('file:///w/Dockerfile');
      const count = sent.length;
      assert.deepEqual(await single.run(lint(base)), runJob(lint(base), allRules));
      assert.equal((sent[count] as { delta?: unknown }).delta, undefined, 'a forgotten document starts over whole');
      assert.equal(posted.at(-1)?.textEdit, undefined);
      assert.deepEqual(await single.run(job(base, { statements: true })), runJob(job(base, { statements: true }), allRules), 'a job without a document');
    } finally {
      Worker.prototype.emit = emit;
      Worker.prototype.postMessage = postMessage;
    }
  });

  test("a replaced worker starts without the documents' outcomes", async () => {
    process.env.HPCLINT_FAULT_INJECTION = '1';
    try {
      const single = pool({ size: 1 });
      const lint = (text: string) => job(text, { statements: true, document: 'file:///w/Dockerfile' });
      const text = 'FROM alpine:3.20\nRUN gcc -march=native a.c\n';
      await single.run(lint(text));
      await assert.rejects(single.run(lint(`${text}# HPCLINT-FAULT-EXIT\n`)), /exit code 70/);
      assert.deepEqual(await single.run(lint(text)), runJob(lint(text), allRules));
    } finally {
      delete process.env.HPCLINT_FAULT_INJECTION;
    }
  });

  test('a closed pool rejects new jobs', async () => {
    const closing = pool({ size: 1 });
    await closing.close();
    await assert.rejects(closing.run(job('FROM alpine:3.20\n')), /closed/);
  });
});

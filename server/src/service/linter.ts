// Where lint jobs run: worker threads (dist/worker.js next to the bundle) or, from sources and with
// HPCLINT_WORKERS=0, in-process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LintCancelledError } from '../engine/lint';
import type { Rule } from '../engine/rule';
import { forgetMemo } from './documentMemos';
import { runJob, type LintJob, type LintOutcome } from './jobs';
import { WorkerPool, type WorkerPoolOptions } from './workerPool';

export interface Linter {
  /**
   * Runs a job. Aborting `signal` withdraws it: a queued job is dropped and a running lint job stops at its
   * next rule, both rejecting with `LintCancelledError` (a lint that finishes first still resolves).
   */
  run(job: LintJob, signal?: AbortSignal): Promise<LintOutcome>;
  /** The document (`LintJob.document`) was closed: drop what the threads keep for it. */
  forget?(document: string): void;
  /** Start the threads ahead of the first job (no-op in-process). */
  warmUp?(): void;
  /** Ends the worker threads (pending jobs fail). */
  close(): Promise<void>;
}

/** Runs jobs on the calling thread (still asynchronously, so callers treat both kinds alike). */
export class InProcessLinter implements Linter {
  constructor(private readonly rules: readonly Rule[]) {}

  run(job: LintJob, signal?: AbortSignal): Promise<LintOutcome> {
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        if (signal?.aborted) {
          reject(new LintCancelledError());
          return;
        }
        try {
          resolve(runJob(job, this.rules, signal && (() => signal.aborted)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
  }

  forget(document: string): void {
    forgetMemo(document);
  }

  async close(): Promise<void> {}
}

/** The lint worker bundle next to the running bundle, or undefined (running from sources, or disabled). */
export function workerScript(): string | undefined {
  if (process.env.HPCLINT_WORKERS === '0') {
    return undefined;
  }
  const script = join(__dirname, 'worker.js');
  return existsSync(script) ? script : undefined;
}

/** `options.size` worker threads when the worker bundle is there; in-process without it or for size 0. */
export function createLinter(rules: readonly Rule[], options: Omit<WorkerPoolOptions, 'script'>): Linter {
  const script = options.size >= 1 ? workerScript() : undefined;
  return script === undefined ? new InProcessLinter(rules) : new WorkerPool({ ...options, script });
}

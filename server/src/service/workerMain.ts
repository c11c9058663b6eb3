// The loop of a lint worker thread: one job at a time, each answered with its outcome or error.
import type { MessagePort } from 'node:worker_threads';
import { LintCancelledError } from '../engine/lint';
import type { Rule } from '../engine/rule';
import { runJob, type LintOutcome } from './jobs';
import { TIMING, timed } from './lintTiming';
import type { CancelFlag, JobMessage, ReadyMessage, ResultMessage } from './workerProtocol';

export function serveLintJobs(port: MessagePort, rules: readonly Rule[], cancel?: CancelFlag): void {
  port.on('message', ({ id, job }: JobMessage) => {
    let message: ResultMessage;
    try {
      const run = () => runJob(job, rules, cancel && (() => Atomics.load(cancel, 0) === id));
      message = { id, outcome: TIMING ? withTiming(run) : run() };
    } catch (error) {
      message =
        error instanceof LintCancelledError
          ? { id, error: error.message, cancelled: true }
          : { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(message);
  });
  const ready: ReadyMessage = { ready: true };
  port.postMessage(ready);
}

function withTiming(run: () => LintOutcome): LintOutcome {
  const { result, timing } = timed(run);
  return { ...result, timing };
}

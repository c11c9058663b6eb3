// The loop of a lint worker thread: one job at a time, each answered with its outcome or error.
import type { MessagePort } from 'node:worker_threads';
import { LintCancelledError } from '../engine/lint';
import type { Rule } from '../engine/rule';
import { runJob } from './jobs';
import type { CancelFlag, JobMessage, ReadyMessage, ResultMessage } from './workerProtocol';

export function serveLintJobs(port: MessagePort, rules: readonly Rule[], cancel?: CancelFlag): void {
  port.on('message', ({ id, job }: JobMessage) => {
    let message: ResultMessage;
    try {
      message = { id, outcome: runJob(job, rules, cancel && (() => Atomics.load(cancel, 0) === id)) };
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

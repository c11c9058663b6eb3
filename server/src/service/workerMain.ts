// The loop of a lint worker thread: one job at a time, each answered with its outcome or error.
import type { MessagePort } from 'node:worker_threads';
import type { Rule } from '../engine/rule';
import { runJob } from './jobs';
import type { JobMessage, ReadyMessage, ResultMessage } from './workerProtocol';

export function serveLintJobs(port: MessagePort, rules: readonly Rule[]): void {
  port.on('message', ({ id, job }: JobMessage) => {
    let message: ResultMessage;
    try {
      message = { id, outcome: runJob(job, rules) };
    } catch (error) {
      message = { id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    port.postMessage(message);
  });
  const ready: ReadyMessage = { ready: true };
  port.postMessage(ready);
}

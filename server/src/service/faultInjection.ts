// Test-only fault for a lint worker, switched on by HPCLINT_FAULT_INJECTION=1 (test/lsp/abuse.test.ts):
// a job whose text contains `HPCLINT-FAULT-EXIT` ends the worker thread, as a native crash or running out
// of memory would. It proves that one document's crash never takes the others down. A job whose text contains
// `HPCLINT-FAULT-HANG` blocks its worker for a minute, as a runaway analysis would (test/unit/service/workerPool.test.ts).
import type { MessagePort } from 'node:worker_threads';
import type { ForgetMessage, JobMessage } from './workerProtocol';

export function injectFaults(port: MessagePort): void {
  port.on('message', (message: JobMessage | ForgetMessage) => {
    if ('forget' in message) {
      return;
    }
    // A document's text may come as an edit (textDelta.ts): the fault is then in what the edit inserts.
    const text = message.textEdit?.insert ?? message.job.text;
    if (text.includes('HPCLINT-FAULT-EXIT')) {
      process.exit(70);
    }
    if (text.includes('HPCLINT-FAULT-HANG')) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    }
  });
}

// The loop of a lint worker thread: one job at a time, each answered with its outcome or error.
import type { MessagePort } from 'node:worker_threads';
import { LintCancelledError } from '../engine/lint';
import type { Rule } from '../engine/rule';
import { forgetMemo } from './documentMemos';
import { runJob, type LintJob, type LintOutcome } from './jobs';
import { TIMING, timed } from './lintTiming';
import { OutcomeEncoder } from './outcomeDelta';
import { TextReceiver } from './textDelta';
import type { CancelFlag, ForgetMessage, JobMessage, ReadyMessage, ResultMessage } from './workerProtocol';

export function serveLintJobs(port: MessagePort, rules: readonly Rule[], cancel?: CancelFlag): void {
  const outcomes = new OutcomeEncoder();
  const texts = new TextReceiver();
  port.on('message', (received: JobMessage | ForgetMessage) => {
    if ('forget' in received) {
      outcomes.forget(received.forget);
      texts.forget(received.forget);
      forgetMemo(received.forget);
      return;
    }
    const { id, base } = received;
    let message: ResultMessage;
    try {
      const job = withWholeText(texts, received);
      const run = () => runJob(job, rules, cancel && (() => Atomics.load(cancel, 0) === id));
      const outcome = TIMING ? withTiming(run) : run();
      message = { id, ...sentForm(outcomes, id, job, base, outcome) };
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

/** The job with its whole text (a document's text may come as an edit, see textDelta.ts); taken before the job runs. */
function withWholeText(texts: TextReceiver, { id, job, textEdit }: JobMessage): LintJob {
  return job.kind === 'lint' && job.document !== undefined ? { ...job, text: texts.receive(job.document, id, job.text, textEdit) } : job;
}

/** A document's lint outcome goes as a delta against the owner's base when it can (see outcomeDelta.ts). */
function sentForm(outcomes: OutcomeEncoder, id: number, job: LintJob, base: number | undefined, outcome: LintOutcome): Pick<Extract<ResultMessage, { outcome: LintOutcome }>, 'outcome' | 'delta'> {
  return job.kind === 'lint' && job.document !== undefined ? outcomes.encode(job.document, id, base, outcome) : { outcome };
}

function withTiming(run: () => LintOutcome): LintOutcome {
  const { result, timing } = timed(run);
  return { ...result, timing };
}

// A fixed number of lint worker threads fed from one FIFO queue. A worker that crashes, runs out of
// memory or overruns the job time limit is replaced; only its job fails.
import { Worker } from 'node:worker_threads';
import { LintCancelledError } from '../engine/lint';
import type { LintJob, LintOutcome } from './jobs';
import type { Linter } from './linter';
import { OutcomeDecoder } from './outcomeDelta';
import { TextSender } from './textDelta';
import type { CancelFlag, ForgetMessage, JobMessage, ReadyMessage, ResultMessage } from './workerProtocol';

export interface WorkerPoolOptions {
  /** The worker bundle (dist/worker.js). */
  script: string;
  size: number;
  /** Stop a worker after this long without work (frees its memory); it restarts on the next job. */
  idleTimeoutMs?: number;
  /** A job still running after this long ends its worker and fails with `JobTimeoutError`. */
  jobTimeoutMs?: number;
  /** Heap limit per worker; a job that needs more fails instead of exhausting the machine. */
  maxHeapMb?: number;
  /** Young-generation limit per worker: smaller keeps an idle worker's memory down (V8's default is 16 MB semi-spaces). */
  maxYoungMb?: number;
}

export class JobTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the analysis took longer than ${Math.round(ms / 1000)} s and was stopped`);
    this.name = 'JobTimeoutError';
  }
}

interface Task {
  job: LintJob;
  /** Its owner withdrew it while it ran (a result that can no longer be read then fails as cancelled). */
  withdrawn?: boolean;
  resolve: (outcome: LintOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker?: Worker;
  /** Shared with the worker: the id of its job to stop (see `CancelFlag`). */
  cancel?: CancelFlag;
  /** The worker has loaded its rules (a fresh worker's start-up never counts against a job's time limit). */
  ready?: boolean;
  /** The documents' last outcomes received from this worker and texts posted to it (a new worker starts without any). */
  outcomes?: OutcomeDecoder;
  texts?: TextSender;
  task?: Task;
  taskId?: number;
  jobTimer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
}

export class WorkerPool implements Linter {
  private readonly queue: Task[] = [];
  private readonly slots: Slot[];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => ({}));
  }

  run(job: LintJob, signal?: AbortSignal): Promise<LintOutcome> {
    if (this.closed) {
      return Promise.reject(new Error('the lint worker pool is closed'));
    }
    if (signal?.aborted) {
      return Promise.reject(new LintCancelledError());
    }
    return new Promise((resolve, reject) => {
      const task: Task = { job, resolve, reject };
      signal?.addEventListener('abort', () => this.withdraw(task), { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** The document was closed: its workers drop what they keep for it (see `LintJob.document`). */
  forget(document: string): void {
    for (const slot of this.slots) {
      if (slot.worker) {
        const message: ForgetMessage = { forget: document };
        slot.worker.postMessage(message);
      }
      slot.outcomes?.forget(document);
      slot.texts?.forget(document);
    }
  }

  /** Starts every worker now (the language server does this at start-up, off the typing path). */
  warmUp(): void {
    for (const slot of this.slots) {
      slot.worker ??= this.spawn(slot);
      this.armIdleTimer(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.reject(new Error('the lint worker pool is closed'));
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = undefined;
        this.clearTimers(slot);
        slot.task?.reject(new Error('the lint worker pool is closed'));
        slot.task = undefined;
        await worker?.terminate();
      }),
    );
  }

  /** A queued task leaves the queue; a running one is asked to stop at its next rule. */
  private withdraw(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(new LintCancelledError());
      return;
    }
    task.withdrawn = true;
    const slot = this.slots.find((candidate) => candidate.task === task);
    if (slot?.cancel && slot.taskId !== undefined) {
      Atomics.store(slot.cancel, 0, slot.taskId);
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) {
        return;
      }
      if (slot.task === undefined) {
        this.start(slot, this.queue.shift()!);
      }
    }
  }

  private start(slot: Slot, task: Task): void {
    const worker = (slot.worker ??= this.spawn(slot));
    this.clearTimers(slot);
    const id = this.nextId++;
    slot.task = task;
    slot.taskId = id;
    worker.ref();
    worker.postMessage(this.jobMessage(slot, id, task.job));
    if (slot.ready) {
      this.armJobTimer(slot, worker);
    }
  }

  /** A document's lint job names its outcome base and carries its text as an edit when it can (outcomeDelta.ts, textDelta.ts). */
  private jobMessage(slot: Slot, id: number, job: LintJob): JobMessage {
    const document = job.kind === 'lint' ? job.document : undefined;
    if (document === undefined || slot.outcomes === undefined || slot.texts === undefined) {
      return { id, job };
    }
    const { text, edit } = slot.texts.post(document, id, job.text);
    return { id, job: edit ? { ...job, text } : job, base: slot.outcomes.baseOf(document), textEdit: edit };
  }

  private armJobTimer(slot: Slot, worker: Worker): void {
    const limit = this.options.jobTimeoutMs;
    if (limit !== undefined) {
      slot.jobTimer = setTimeout(() => this.replace(slot, worker, new JobTimeoutError(limit)), limit);
    }
  }

  private onReady(slot: Slot, worker: Worker): void {
    if (slot.worker !== worker) {
      return;
    }
    slot.ready = true;
    if (slot.task !== undefined && slot.jobTimer === undefined) {
      this.armJobTimer(slot, worker);
    }
  }

  private spawn(slot: Slot): Worker {
    const resourceLimits = {
      ...(this.options.maxHeapMb ? { maxOldGenerationSizeMb: this.options.maxHeapMb } : {}),
      ...(this.options.maxYoungMb ? { maxYoungGenerationSizeMb: this.options.maxYoungMb } : {}),
    };
    slot.cancel = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(this.options.script, { resourceLimits, stdout: false, stderr: false, workerData: { cancel: slot.cancel } });
    slot.ready = false;
    slot.outcomes = new OutcomeDecoder();
    slot.texts = new TextSender();
    worker.on('message', (message: ResultMessage | ReadyMessage) =>
      'ready' in message ? this.onReady(slot, worker) : this.finish(slot, worker, message),
    );
    worker.on('error', (error) => this.replace(slot, worker, error));
    worker.on('exit', (code) => this.replace(slot, worker, new Error(`the lint worker stopped (exit code ${code})`)));
    worker.unref();
    return worker;
  }

  private finish(slot: Slot, worker: Worker, message: ResultMessage): void {
    if (slot.worker !== worker || slot.task === undefined || message.id !== slot.taskId) {
      return;
    }
    const task = slot.task;
    slot.task = undefined;
    this.clearTimers(slot);
    worker.unref();
    if ('error' in message) {
      if (!message.cancelled) {
        this.startOver(slot, task.job);
      }
      task.reject(message.cancelled ? new LintCancelledError() : new Error(message.error));
    } else {
      this.settle(slot, message, task);
    }
    this.armIdleTimer(slot);
    this.dispatch();
  }

  /** After a failed job, the document's next job goes whole (whatever failed, the worker may not hold its text). */
  private startOver(slot: Slot, job: LintJob): void {
    const document = job.kind === 'lint' ? job.document : undefined;
    if (document !== undefined) {
      slot.outcomes?.forget(document);
      slot.texts?.forget(document);
    }
  }

  /** A document's lint outcome may come as a delta against the last one this worker sent for it (outcomeDelta.ts). */
  private settle(slot: Slot, message: Extract<ResultMessage, { outcome: LintOutcome }>, task: Task): void {
    const document = task.job.kind === 'lint' ? task.job.document : undefined;
    if (document === undefined || slot.outcomes === undefined) {
      task.resolve(message.outcome);
      return;
    }
    try {
      task.resolve(slot.outcomes.decode(document, message.id, message.outcome, message.delta));
    } catch (error) {
      // Only a document forgotten while its lint ran has no base: that lint was withdrawn with it.
      slot.outcomes.forget(document);
      task.reject(task.withdrawn ? new LintCancelledError() : error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The worker failed (crash, out of memory, time limit): fail its job, drop it, go on with a new one. */
  private replace(slot: Slot, worker: Worker, error: Error): void {
    if (slot.worker !== worker) {
      return;
    }
    slot.worker = undefined;
    this.clearTimers(slot);
    const task = slot.task;
    slot.task = undefined;
    worker.removeAllListeners('exit');
    void worker.terminate();
    task?.reject(error);
    if (!this.closed) {
      this.dispatch();
    }
  }

  private armIdleTimer(slot: Slot): void {
    const idle = this.options.idleTimeoutMs;
    if (idle === undefined || slot.worker === undefined) {
      return;
    }
    const worker = slot.worker;
    slot.idleTimer = setTimeout(() => {
      if (slot.worker === worker && slot.task === undefined) {
        slot.worker = undefined;
        worker.removeAllListeners('exit');
        void worker.terminate();
      }
    }, idle);
    slot.idleTimer.unref();
  }

  private clearTimers(slot: Slot): void {
    clearTimeout(slot.jobTimer);
    clearTimeout(slot.idleTimer);
    slot.jobTimer = undefined;
    slot.idleTimer = undefined;
  }
}

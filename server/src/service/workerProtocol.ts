// Messages between a lint worker and the thread that owns it.
import type { LintJob, LintOutcome } from './jobs';

export interface JobMessage {
  id: number;
  job: LintJob;
}

/** `cancelled`: the job stopped because its owner cancelled it (see `CancelFlag`). */
export type ResultMessage = { id: number; outcome: LintOutcome } | { id: number; error: string; cancelled?: true };

/**
 * Shared between a worker and its owner (`workerData.cancel`, one Int32 of a SharedArrayBuffer): the owner
 * stores the id of the running job it no longer wants, and the worker stops that job at the next rule.
 */
export type CancelFlag = Int32Array;

/** Sent once by a worker when its rules are loaded and it takes jobs: job time limits start there. */
export interface ReadyMessage {
  ready: true;
}

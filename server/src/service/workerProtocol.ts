// Messages between a lint worker and the thread that owns it.
import type { LintJob, LintOutcome } from './jobs';
import type { OutcomeDelta } from './outcomeDelta';
import type { TextEdit } from './textDelta';

export interface JobMessage {
  id: number;
  job: LintJob;
  /**
   * A `lint` job of a document (`job.document`): the id of the document's last outcome the owner holds, which the
   * result may be written against (see outcomeDelta.ts).
   */
  base?: number;
  /** A `lint` job of a document: its text as an edit of the last text posted for it (`job.text` is then empty, see textDelta.ts). */
  textEdit?: TextEdit;
}

/** The owner closed a document: the worker drops what it keeps for it. */
export interface ForgetMessage {
  forget: string;
}

/**
 * `cancelled`: the job stopped because its owner cancelled it (see `CancelFlag`). With `delta`, the outcome's findings
 * (and statement lines, if `delta.sameStatements`) are in the delta.
 */
export type ResultMessage = { id: number; outcome: LintOutcome; delta?: OutcomeDelta } | { id: number; error: string; cancelled?: true };

/**
 * Shared between a worker and its owner (`workerData.cancel`, one Int32 of a SharedArrayBuffer): the owner
 * stores the id of the running job it no longer wants, and the worker stops that job at the next rule.
 */
export type CancelFlag = Int32Array;

/** Sent once by a worker when its rules are loaded and it takes jobs: job time limits start there. */
export interface ReadyMessage {
  ready: true;
}

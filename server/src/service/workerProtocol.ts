// Messages between a lint worker and the thread that owns it.
import type { LintJob, LintOutcome } from './jobs';

export interface JobMessage {
  id: number;
  job: LintJob;
}

export type ResultMessage = { id: number; outcome: LintOutcome } | { id: number; error: string };

/** Sent once by a worker when its rules are loaded and it takes jobs: job time limits start there. */
export interface ReadyMessage {
  ready: true;
}

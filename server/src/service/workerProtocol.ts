// Messages between a lint worker and the thread that owns it.
import type { LintJob, LintOutcome } from './jobs';

export interface JobMessage {
  id: number;
  job: LintJob;
}

export type ResultMessage = { id: number; outcome: LintOutcome } | { id: number; error: string };

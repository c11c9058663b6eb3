// What a document's previous lint leaves for its next one. The language server's lint worker keeps one per open
// document and passes it with each lint of that document; the engine alone reads and replaces its parts.
import type { StepFindingsMemo } from './stepMemo';

export class LintMemo {
  /** The findings of the step-local rules, per step, of the previous lint. */
  steps?: StepFindingsMemo;
}

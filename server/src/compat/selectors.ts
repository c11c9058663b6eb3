// Which of a finding's instructions it is on: mapping tables use this when an hpclint code reports more than
// the hadolint or BuildKit check it stands for (HPC-SEC-007 covers a final `USER root` and setuid bits alike).
import type { HpcDiagnostic } from '../engine/types';
import type { Recipe, Step } from '../recipe/model';

/** Selects the findings of an hpclint code that are the same check as a hadolint/BuildKit one. */
export type FindingSelector = (finding: HpcDiagnostic, recipe: Recipe) => boolean;

/** The Dockerfile instruction (or definition-file step) whose lines contain the finding's start. */
export function stepOf(finding: HpcDiagnostic, recipe: Recipe): Step | undefined {
  const line = finding.range.start.line;
  for (const stage of recipe.stages) {
    if (line < stage.range.start.line || line > stage.range.end.line) {
      continue;
    }
    for (const step of stage.steps) {
      if (line >= step.range.start.line && line <= step.range.end.line) {
        return step;
      }
    }
  }
  return undefined;
}

/** Findings on one of these instructions (`USER`, `FROM` …). */
export function onInstruction(...keywords: string[]): FindingSelector {
  const wanted = new Set(keywords.map((keyword) => keyword.toUpperCase()));
  return (finding, recipe) => {
    const step = stepOf(finding, recipe);
    return step !== undefined && wanted.has(step.keyword.toUpperCase());
  };
}

/** Findings whose message matches `pattern` (the tests of the mapping table pin these down). */
export function saying(pattern: RegExp): FindingSelector {
  return (finding) => pattern.test(finding.message);
}

/** Findings on a `FROM` whose image has `tag` (undefined = no tag and no digest). */
export function fromWithTag(test: (tag: string | undefined, digest: string | undefined) => boolean): FindingSelector {
  return (finding, recipe) => {
    const stage = recipe.stages.find((candidate) => candidate.base.range.start.line === finding.range.start.line);
    return stage?.base.image !== undefined && test(stage.base.image.tag, stage.base.image.digest);
  };
}

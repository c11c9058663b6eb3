// hpclint's severity policy, written once: rendered into every rule page and the rules index; a test checks
// that the README states the same words.
import type { Severity } from '../engine/rule';

export const SEVERITY_MEANINGS: ReadonlyArray<readonly [Severity, string]> = [
  ['error', 'the build or the run will fail, or a clear legal or security breach'],
  ['warning', 'a likely failure, slowdown or security weakness on a cluster'],
  ['info', 'advice'],
  ['hint', 'style and hygiene'],
];

/** `**error**: the build … breach. **warning**: …` as one Markdown line. */
export function severityPolicy(): string {
  return SEVERITY_MEANINGS.map(([severity, meaning]) => `**${severity}**: ${meaning}.`).join(' ');
}

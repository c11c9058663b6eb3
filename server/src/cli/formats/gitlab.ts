// GitLab Code Quality report: the subset of the Code Climate issue format that GitLab reads
// (description, check_name, fingerprint, severity, location.path, location.lines.begin).
// A fingerprint names one finding across commits: it hashes the path, the rule, the message and the
// flagged text (not the line number, so moving code does not turn a finding into "fixed" + "new"),
// plus a counter that tells identical findings in one file apart.
import { createHash } from 'node:crypto';
import type { Severity } from '../../engine/rule';
import type { HpcDiagnostic } from '../../engine/types';
import type { FileReport } from '../formatters';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  severity: CodeQualitySeverity;
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

const GITLAB_SEVERITY: Record<Severity, CodeQualitySeverity> = { error: 'critical', warning: 'major', info: 'minor', hint: 'info' };

export function formatGitlab(files: readonly FileReport[]): string {
  return JSON.stringify(codeQualityIssues(files), null, 2) + '\n';
}

export function codeQualityIssues(files: readonly FileReport[]): CodeQualityIssue[] {
  const issues: CodeQualityIssue[] = [];
  for (const file of files) {
    const path = file.path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    const lines = file.text?.split(/\r?\n/);
    const seen = new Map<string, number>();
    for (const d of file.diagnostics) {
      const identity = [path, d.code, d.message, flaggedText(d, lines)].join('\u0000');
      const occurrence = seen.get(identity) ?? 0;
      seen.set(identity, occurrence + 1);
      issues.push({
        type: 'issue',
        check_name: d.code,
        description: `${d.code}: ${d.message}`,
        severity: GITLAB_SEVERITY[d.severity],
        fingerprint: createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex'),
        location: { path, lines: { begin: d.range.start.line + 1, end: d.range.end.line + 1 } },
      });
    }
  }
  return issues;
}

/** The source text under the finding's range, whitespace collapsed ('' when the text is not known). */
function flaggedText(d: HpcDiagnostic, lines: readonly string[] | undefined): string {
  if (!lines) {
    return '';
  }
  const { start, end } = d.range;
  const parts: string[] = [];
  for (let line = start.line; line <= end.line && line < lines.length; line++) {
    const text = lines[line];
    parts.push(text.slice(line === start.line ? start.character : 0, line === end.line ? end.character : text.length));
  }
  return parts.join('\n').replace(/\s+/g, ' ').trim();
}

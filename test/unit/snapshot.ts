// Rule-fixture snapshots in ruff's style: each finding as a user would read it (code, severity,
// message, location, the excerpt with the range underlined) followed by every fix it offers as a diff.
import { applyFixes } from '../../server/src/engine/fixes';
import type { Fix, Severity } from '../../server/src/engine/rule';
import type { Range } from '../../server/src/recipe/model';
import { formatRange } from './ruleRunner';

export interface SnapshotFinding {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  fixes: readonly Fix[];
}

/** Lines of context around an excerpt and around each changed region of a fix. */
const CONTEXT = 1;
/** Longer underlined ranges show their first and last lines only. */
const MAX_RANGE_LINES = 6;

function displayLine(line: string): string {
  return line.replace(/\r$/, '').replace(/\t/g, ' ');
}

/** The whole snapshot of one fixture file: its findings in order, or a note that it is clean. */
export function renderSnapshot(file: string, text: string, findings: readonly SnapshotFinding[]): string {
  if (findings.length === 0) {
    return `${file}: no findings\n`;
  }
  return `${findings.map((finding) => renderFinding(file, text, finding)).join('\n')}`;
}

export function renderFinding(file: string, text: string, finding: SnapshotFinding): string {
  const lines = text.split('\n');
  const marker = finding.fixes.some((fix) => fix.safe && fix.edits.length > 0) ? ' [*]' : '';
  const { start, end } = finding.range;
  const shown = shownRangeLines(start.line, Math.min(end.line, lines.length - 1));
  const first = Math.max(0, start.line - CONTEXT);
  const last = Math.min(lines.length - 1, Math.max(end.line, start.line) + CONTEXT);
  const width = String(last + 1).length;
  const gutter = (label: string): string => `${label.padStart(width)} |`;
  const out = [`${finding.code} ${finding.severity}${marker}: ${finding.message}`, `${' '.repeat(width)}--> ${file}:${formatRange(finding.range)}`, gutter('')];
  let elided = false;
  for (let line = first; line <= last; line++) {
    if (line >= start.line && line <= end.line && !shown.has(line)) {
      if (!elided) {
        out.push(`${' '.repeat(width)} ...`);
        elided = true;
      }
      continue;
    }
    const content = displayLine(lines[line] ?? '');
    out.push(`${gutter(String(line + 1))} ${content}`.trimEnd());
    if (line >= start.line && line <= end.line) {
      const from = line === start.line ? start.character : content.length - content.trimStart().length;
      const to = line === end.line ? end.character : content.length;
      out.push(`${gutter('')} ${' '.repeat(from)}${'^'.repeat(Math.max(1, to - from))}`);
    }
  }
  out.push(gutter(''));
  for (const fix of finding.fixes) {
    out.push(`${' '.repeat(width)} = ${fix.safe ? 'safe' : 'unsafe'} fix: ${fix.title}`);
    out.push(...renderFixDiff(text, fix).map((line) => `${' '.repeat(width)}   ${line}`.trimEnd()));
  }
  return `${out.join('\n')}\n`;
}

function shownRangeLines(start: number, end: number): Set<number> {
  const shown = new Set<number>();
  for (let line = start; line <= end; line++) {
    if (end - start < MAX_RANGE_LINES || line < start + MAX_RANGE_LINES / 2 || line > end - MAX_RANGE_LINES / 2) {
      shown.add(line);
    }
  }
  return shown;
}

/** A fix as a diff of the text before and after its edits: old and new line numbers, `-`/`+` for changed lines. */
export function renderFixDiff(text: string, fix: Fix): string[] {
  if (fix.edits.length === 0) {
    return ['(no edits)'];
  }
  const before = text.split('\n').map(displayLine);
  const after = applyFixes(text, [fix]).text.split('\n').map(displayLine);
  const ops = lineDiff(before, after);
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) {
    return ['(no change)'];
  }
  const width = String(Math.max(before.length, after.length)).length;
  const out: string[] = [];
  let lastShown = -1;
  for (let index = 0; index < ops.length; index++) {
    const near = changed.some((c) => Math.abs(c - index) <= CONTEXT);
    if (!near) {
      continue;
    }
    if (lastShown >= 0 && index > lastShown + 1) {
      out.push('...');
    }
    const op = ops[index];
    const oldNumber = op.oldLine === undefined ? '' : String(op.oldLine + 1);
    const newNumber = op.newLine === undefined ? '' : String(op.newLine + 1);
    out.push(`${oldNumber.padStart(width)} ${newNumber.padStart(width)} |${op.kind}${op.text}`.trimEnd());
    lastShown = index;
  }
  return out;
}

interface DiffOp {
  kind: ' ' | '-' | '+';
  text: string;
  oldLine?: number;
  newLine?: number;
}

/** Line diff: common prefix and suffix, then a longest-common-subsequence alignment of what lies between. */
function lineDiff(before: readonly string[], after: readonly string[]): DiffOp[] {
  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++;
  }
  const ops: DiffOp[] = [];
  for (let i = 0; i < prefix; i++) {
    ops.push({ kind: ' ', text: before[i], oldLine: i, newLine: i });
  }
  const a = before.slice(prefix, before.length - suffix);
  const b = after.slice(prefix, after.length - suffix);
  // lcs[i][j]: length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i], oldLine: prefix + i++, newLine: prefix + j++ });
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] > lcs[i + 1][j])) {
      ops.push({ kind: '+', text: b[j], newLine: prefix + j++ });
    } else {
      ops.push({ kind: '-', text: a[i], oldLine: prefix + i++ });
    }
  }
  for (let k = suffix; k > 0; k--) {
    ops.push({ kind: ' ', text: before[before.length - k], oldLine: before.length - k, newLine: after.length - k });
  }
  return ops;
}

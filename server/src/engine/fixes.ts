// Applying text edits and safe fixes (`--fix`, `source.fixAll.hpclint`).
import { LineIndex } from '../recipe/text';
import { lineBreakOf, withLineBreak } from './lineBreaks';
import { lint, type EngineLintOptions } from './lint';
import type { Fix, TextEdit } from './rule';
import type { HpcDiagnostic } from './types';

/** Maximum lint→fix passes of `fixAll` (fixes may enable further fixes). */
export const MAX_FIX_PASSES = 10;

interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

function toOffsets(index: LineIndex, edits: readonly TextEdit[]): OffsetEdit[] {
  return edits.map((edit) => ({
    start: index.offsetAt(edit.range.start),
    end: index.offsetAt(edit.range.end),
    newText: edit.newText,
  }));
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  if (a.start < b.end && b.start < a.end) {
    return true;
  }
  // Insertions touching another edit have no well-defined order.
  const aEmpty = a.start === a.end;
  const bEmpty = b.start === b.end;
  return (aEmpty && a.start >= b.start && a.start <= b.end) || (bEmpty && b.start >= a.start && b.start <= a.end);
}

function applyOffsetEdits(text: string, edits: OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) {
      throw new Error(`overlapping edits at offset ${edit.start}`);
    }
    result += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

function withLineBreaks(edits: OffsetEdit[], lineBreak: '\n' | '\r\n'): OffsetEdit[] {
  return lineBreak === '\n' ? edits : edits.map((edit) => ({ ...edit, newText: withLineBreak(edit.newText, lineBreak) }));
}

/** Applies non-overlapping edits (in any order; ranges refer to the original text). Throws on overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) {
    return text;
  }
  return applyOffsetEdits(text, withLineBreaks(toOffsets(new LineIndex(text), edits), lineBreakOf(text)));
}

/**
 * The one fix applier (`--fix`, fix-all, the tests): applies `fixes` in order, each with all its edits or not at all,
 * skipping a fix whose edits overlap or touch one already chosen (first wins). Ranges refer to `text`; inserted line
 * breaks follow the text's (`\r\n` in a CRLF file). Every character outside the chosen edits is kept.
 */
export function applyFixes(text: string, fixes: Iterable<Fix>): { text: string; applied: number; skipped: number } {
  const index = new LineIndex(text);
  const chosen = new DisjointEdits();
  let applied = 0;
  let skipped = 0;
  for (const fix of fixes) {
    if (fix.edits.length === 0) {
      continue;
    }
    const edits = toOffsets(index, fix.edits);
    const own = new DisjointEdits();
    const conflicts = edits.some((edit) => chosen.conflicts(edit) || !own.add(edit));
    if (conflicts) {
      skipped++;
      continue;
    }
    edits.forEach((edit) => chosen.add(edit));
    applied++;
  }
  return { text: applied > 0 ? applyOffsetEdits(text, withLineBreaks(chosen.edits, lineBreakOf(text))) : text, applied, skipped };
}

/**
 * Edits no two of which overlap or touch, sorted by start. Their ends then ascend too, so the edits that
 * could conflict with a new one are found by binary search (checking every chosen edit made fix-all
 * quadratic in the number of fixes).
 */
class DisjointEdits {
  readonly edits: OffsetEdit[] = [];

  conflicts(edit: OffsetEdit): boolean {
    for (let i = this.firstEndingAtOrAfter(edit.start); i < this.edits.length && this.edits[i].start <= edit.end; i++) {
      if (overlaps(edit, this.edits[i])) {
        return true;
      }
    }
    return false;
  }

  /** Adds `edit` unless it conflicts with one already here; false if it does. */
  add(edit: OffsetEdit): boolean {
    if (this.conflicts(edit)) {
      return false;
    }
    this.edits.splice(this.firstWhere((other) => other.start > edit.start), 0, edit);
    return true;
  }

  private firstEndingAtOrAfter(offset: number): number {
    return this.firstWhere((other) => other.end >= offset);
  }

  /** Index of the first edit for which `test` holds (it holds for every edit after that one too). */
  private firstWhere(test: (edit: OffsetEdit) => boolean): number {
    let low = 0;
    let high = this.edits.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (test(this.edits[middle])) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }
}

/** The first fix of each diagnostic with the wanted safety (safe: what fix-all applies). */
export function* fixesOf(diagnostics: readonly HpcDiagnostic[], safe = true): Generator<Fix> {
  for (const diagnostic of diagnostics) {
    const fix = diagnostic.fixes.find((candidate) => candidate.safe === safe && candidate.edits.length > 0);
    if (fix) {
      yield fix;
    }
  }
}

/** One fix-all pass: the first safe fix of each diagnostic, in diagnostic order, skipping overlapping ones. */
export function applySafeFixes(text: string, diagnostics: readonly HpcDiagnostic[]): { text: string; applied: number } {
  const { text: fixed, applied } = applyFixes(text, fixesOf(diagnostics, true));
  return { text: fixed, applied };
}

/** Lints and applies safe fixes until nothing changes (at most `MAX_FIX_PASSES` passes). */
export function fixAll(text: string, options: EngineLintOptions): { text: string; applied: number } {
  let current = text;
  let applied = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const result = applySafeFixes(current, lint(current, options).diagnostics);
    if (result.applied === 0 || result.text === current) {
      break;
    }
    current = result.text;
    applied += result.applied;
  }
  return { text: current, applied };
}

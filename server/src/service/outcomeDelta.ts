// A lint outcome travels from its worker as a change against the previous outcome of the same document: a
// keystroke changes a few findings of hundreds, and the structured clone of all of them with their fixes
// (~325 KB for the 4,000-line Dockerfile's 426) was most of the worker round trip outside the lint. The
// worker remembers the last outcome it sent per document, the owner the last one it received; a finding
// equal to one of the base's is sent as its index there, and statement lines equal to the base's are not
// sent. The owner names its base in each job, so a lost or dropped result, a restarted worker or a
// forgotten document only costs a full outcome, never a wrong one.
import type { HpcDiagnostic } from '../engine/types';
import type { LintOutcome } from './jobs';
import type { StatementLines } from './statements';

/** How a lint outcome is sent when the worker and its owner hold the same previous outcome (`base`). */
export interface OutcomeDelta {
  /** The job id of the outcome this one is written against. */
  base: number;
  /** Per finding, in order: its index in the base's findings, or -1 for the next one of `fresh`. */
  reused: number[];
  fresh: HpcDiagnostic[];
  /** The statement lines are the base's (the outcome then has none). */
  sameStatements: boolean;
}

/** One document's outcome, as both sides keep it. */
interface KeptOutcome {
  id: number;
  diagnostics: readonly HpcDiagnostic[];
  statements?: StatementLines;
}

/** The worker's side: the last outcome it sent per document. */
export class OutcomeEncoder {
  private readonly sent = new Map<string, KeptOutcome>();

  /**
   * `outcome` of job `id` for `document`, as it is sent: with a delta when the owner's base (`base`) is the outcome
   * this worker sent last for the document, else whole.
   */
  encode(document: string, id: number, base: number | undefined, outcome: LintOutcome): { outcome: LintOutcome; delta?: OutcomeDelta } {
    const previous = this.sent.get(document);
    this.sent.set(document, { id, diagnostics: outcome.diagnostics, statements: outcome.statements });
    if (previous === undefined || base === undefined || previous.id !== base) {
      return { outcome };
    }
    const { reused, fresh } = reusedFindings(previous.diagnostics, outcome.diagnostics);
    const sameStatements = outcome.statements !== undefined && previous.statements !== undefined && sameNumbers(previous.statements, outcome.statements);
    const sent: LintOutcome = { ...outcome, diagnostics: [] };
    if (sameStatements) {
      delete sent.statements;
    }
    return { outcome: sent, delta: { base, reused, fresh, sameStatements } };
  }

  forget(document: string): void {
    this.sent.delete(document);
  }
}

/** The owner's side (one per worker): the last outcome received per document. */
export class OutcomeDecoder {
  private readonly received = new Map<string, KeptOutcome>();

  /** The job id of the document's outcome held here: the base to name in its next job. */
  baseOf(document: string): number | undefined {
    return this.received.get(document)?.id;
  }

  /** The whole outcome of job `id` for `document`, which becomes the document's base. */
  decode(document: string, id: number, outcome: LintOutcome, delta?: OutcomeDelta): LintOutcome {
    let whole = outcome;
    if (delta) {
      const base = this.received.get(document);
      if (base === undefined || base.id !== delta.base) {
        throw new Error(`a lint result was sent against outcome ${delta.base}, which is not the one held for ${document}`);
      }
      let next = 0;
      const diagnostics = delta.reused.map((index) => (index >= 0 ? base.diagnostics[index] : delta.fresh[next++]));
      whole = delta.sameStatements ? { ...outcome, diagnostics, statements: base.statements } : { ...outcome, diagnostics };
    }
    this.received.set(document, { id, diagnostics: whole.diagnostics, statements: whole.statements });
    return whole;
  }

  forget(document: string): void {
    this.received.delete(document);
  }
}

/**
 * Each finding of `next` that equals one of `previous` (each taken once) as its index there, the others fresh. An
 * edit leaves the findings before and after it in place: those are matched pairwise, the rest by content.
 */
function reusedFindings(previous: readonly HpcDiagnostic[], next: readonly HpcDiagnostic[]): { reused: number[]; fresh: HpcDiagnostic[] } {
  const reused: number[] = new Array<number>(next.length).fill(-1);
  let head = 0;
  while (head < next.length && head < previous.length && sameData(previous[head], next[head])) {
    reused[head] = head;
    head++;
  }
  let tail = 0;
  while (tail < next.length - head && tail < previous.length - head && sameData(previous[previous.length - 1 - tail], next[next.length - 1 - tail])) {
    reused[next.length - 1 - tail] = previous.length - 1 - tail;
    tail++;
  }
  const fresh: HpcDiagnostic[] = [];
  const byKey = new Map<string, number[]>();
  for (let index = head; index < previous.length - tail; index++) {
    const key = findingKey(previous[index]);
    const list = byKey.get(key);
    if (list) {
      list.push(index);
    } else {
      byKey.set(key, [index]);
    }
  }
  for (let i = head; i < next.length - tail; i++) {
    const candidates = byKey.get(findingKey(next[i]));
    const at = candidates ? candidates.findIndex((index) => sameData(previous[index], next[i])) : -1;
    if (candidates && at >= 0) {
      reused[i] = candidates[at];
      candidates.splice(at, 1);
    } else {
      fresh.push(next[i]);
    }
  }
  return { reused, fresh };
}

function findingKey({ code, message, range }: HpcDiagnostic): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}\0${code}\0${message}`;
}

/**
 * Equal as a structured clone would deliver them: the same own keys in the same order, equal primitives, arrays
 * and plain objects alike (findings are JSON-like data).
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) {
      return false;
    }
    for (let i = 0; i < a.length; i++) {
      if (!sameData(a[i], other[i])) {
        return false;
      }
    }
    return true;
  }
  const keys = Object.keys(a);
  const otherKeys = Object.keys(b);
  if (keys.length !== otherKeys.length) {
    return false;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== otherKeys[i] || !sameData(left[keys[i]], right[keys[i]])) {
      return false;
    }
  }
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

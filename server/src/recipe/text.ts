import type { Position, Range } from './model';

/** Maps string offsets to LSP positions and back for one text. */
export class LineIndex {
  private readonly lineStarts: number[];
  /** Line of the previous `positionAt`: parsers ask for offsets in (mostly) increasing order. */
  private lastLine = 0;
  private recentOffset = -1;
  private recentPosition?: Position;
  private previousOffset = -1;
  private previousPosition?: Position;

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * The position of an offset. The last two answers are remembered and given again (positions are read only):
   * a command's range ends where its last word ends and its script's range spans the same offsets, so the
   * model shares those positions instead of holding a copy of each.
   */
  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    if (clamped === this.recentOffset && this.recentPosition !== undefined) {
      return this.recentPosition;
    }
    if (clamped === this.previousOffset && this.previousPosition !== undefined) {
      return this.previousPosition;
    }
    const position = this.computePosition(clamped);
    this.previousOffset = this.recentOffset;
    this.previousPosition = this.recentPosition;
    this.recentOffset = clamped;
    this.recentPosition = position;
    return position;
  }

  private computePosition(clamped: number): Position {
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last] <= clamped) {
      // Same line as last time, or the next one.
      if (last + 1 >= starts.length || clamped < starts[last + 1]) {
        return { line: last, character: clamped - starts[last] };
      }
      if (last + 2 >= starts.length || clamped < starts[last + 2]) {
        this.lastLine = last + 1;
        return { line: last + 1, character: clamped - starts[last + 1] };
      }
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= clamped) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    this.lastLine = low;
    return { line: low, character: clamped - starts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) {
      return this.text.length;
    }
    const lineStart = this.lineStarts[Math.max(0, position.line)];
    return Math.min(lineStart + position.character, this.lineEnd(position.line));
  }

  range(startOffset: number, endOffset: number): Range {
    return { start: this.positionAt(startOffset), end: this.positionAt(endOffset) };
  }

  lineStart(line: number): number {
    return this.lineStarts[line] ?? this.text.length;
  }

  /** Offset of the end of `line`, before its `\r\n` or `\n`. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) {
      return this.text.length;
    }
    const beforeNewline = next - 1;
    return beforeNewline > 0 && this.text.charCodeAt(beforeNewline - 1) === 13 ? beforeNewline - 1 : beforeNewline;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/** The last segment of a path, ignoring trailing slashes (`/opt/pkg/` → `pkg`). */
export function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.replace(/\/+$/, '') : path;
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

/** True for a space or a tab (a character code): the blanks between the words of a plain instruction or command. */
export function isBlankCode(code: number): boolean {
  return code === 32 || code === 9;
}

/** The offset of the first character at or after `from`, before `to`, that is not a blank (`to` if none). */
export function skipBlanks(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && isBlankCode(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

/** The offset where the blank-delimited word starting at `from` ends (`to` at most). */
export function wordEnd(text: string, from: number, to: number): number {
  let i = from;
  while (i < to && !isBlankCode(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

/**
 * Characters compared at once (natively, two slices with `===`; `startsWith`/`endsWith` at an offset compare character by
 * character, ten times slower) before the mismatching block is compared character by character.
 */
const BLOCK = 1024;

/** The length of the common start of `a` and `b`. */
export function commonPrefixLength(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i + BLOCK <= length && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) {
    i += BLOCK;
  }
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) {
    i++;
  }
  return i;
}

/** The length of the common end of `a` and `b`, overlapping neither's first `prefix` characters. */
export function commonSuffixLength(a: string, b: string, prefix: number): number {
  const length = Math.min(a.length, b.length) - prefix;
  let i = 0;
  while (i + BLOCK <= length && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) {
    i += BLOCK;
  }
  while (i < length && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) {
    i++;
  }
  return i;
}

// A script assembled from pieces of a recipe plus generated lines, and the way back from a position in
// the script (as ShellCheck reports it) to the recipe offset it came from.

/** `length` characters of the script starting at `script` were copied from the recipe at `source`. */
interface Segment {
  script: number;
  source: number;
  length: number;
}

export class MappedScript {
  private text = '';
  private readonly segments: Segment[] = [];

  /** Appends recipe text `[start, end)` (already sliced or transformed to the same length). */
  copy(sourceStart: number, piece: string): void {
    if (piece.length === 0) {
      return;
    }
    const last = this.segments[this.segments.length - 1];
    if (last && last.script + last.length === this.text.length && last.source + last.length === sourceStart) {
      last.length += piece.length;
    } else {
      this.segments.push({ script: this.text.length, source: sourceStart, length: piece.length });
    }
    this.text += piece;
  }

  /** Appends text that is not in the recipe (shebang, declarations, the newline after a joined line). */
  generate(piece: string): void {
    this.text += piece;
  }

  get content(): string {
    return this.text;
  }

  get isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /**
   * The recipe offset of script offset `offset`, or undefined when it lies in generated text (shebang,
   * declarations). `start` and `end` edges differ at a piece boundary: an end position belongs to the piece
   * before it. The position just after a piece (its line's end) maps to the end of that piece.
   */
  toSource(offset: number, edge: 'start' | 'end'): number | undefined {
    const index = this.segmentAtOrBefore(edge === 'end' ? offset - 1 : offset);
    if (index < 0) {
      return undefined;
    }
    const segment = this.segments[index];
    const delta = offset - segment.script;
    return delta <= segment.length ? segment.source + delta : undefined;
  }

  /** True when script offsets `[start, end)` were copied from one contiguous stretch of the recipe. */
  isContiguous(start: number, end: number): boolean {
    const index = this.segmentAtOrBefore(start);
    if (index < 0) {
      return false;
    }
    const segment = this.segments[index];
    return start - segment.script <= segment.length && end - segment.script <= segment.length;
  }

  /** Last segment whose script start is at or before `offset`, or -1. */
  private segmentAtOrBefore(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.segments[mid].script <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }
}

/** Offsets where each line of `text` starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * The UTF-16 offset of ShellCheck's 1-based `line`/`column`. ShellCheck's JSON counts columns in
 * characters (code points) with a tab as one; a column past the end of the line is clamped to the newline.
 */
export function offsetOfColumn(text: string, starts: readonly number[], line: number, column: number): number {
  const lineIndex = Math.min(Math.max(line - 1, 0), starts.length - 1);
  const lineStart = starts[lineIndex];
  const lineEnd = lineIndex + 1 < starts.length ? starts[lineIndex + 1] - 1 : text.length;
  let offset = lineStart;
  for (let remaining = Math.max(column - 1, 0); remaining > 0 && offset < lineEnd; remaining--) {
    const code = text.charCodeAt(offset);
    offset += code >= 0xd800 && code <= 0xdbff && offset + 1 < lineEnd ? 2 : 1;
  }
  return offset;
}

import type { Position, Range } from './model';

/** Maps string offsets to LSP positions and back for one text. */
export class LineIndex {
  private readonly lineStarts: number[];

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

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return { line: low, character: clamped - this.lineStarts[low] };
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

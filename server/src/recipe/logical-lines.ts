// The logical lines of a shell script: one command the shell reads across several physical lines — `\`
// continuations, `&&`/`||`/`|` at the end of a line, quoted strings and heredocs that span lines. An
// ignore pragma above a logical line covers all of it, and the "ignore for this line" action puts the
// pragma above its first line.
import type { ShellScript } from './model';
import type { LineSource } from './pragmas';

export interface LineExtent {
  startLine: number;
  endLine: number;
}

const CONTINUED = /\\\r?$/;

/** The logical lines of `script` that span more than one physical line, in order. */
export function logicalLineExtents(script: ShellScript, lines: LineSource): LineExtent[] {
  const first = script.range.start.line;
  // A script ends at the start of the next section's line: that line is not part of it.
  const { end } = script.range;
  const last = end.character === 0 && end.line > first ? end.line - 1 : end.line;
  /** `joined[i]`: line `first + i` continues on the next line. */
  const joined = new Uint8Array(Math.max(0, last - first + 1));
  const join = (from: number, to: number): void => {
    for (let line = Math.max(from, first); line < Math.min(to, last + 1); line++) {
      joined[line - first] = 1;
    }
  };
  const commentEnds = new Set(script.comments.map((comment) => comment.range.end.line));
  for (let line = first; line < last; line++) {
    if (CONTINUED.test(lineText(lines, line)) && !commentEnds.has(line)) {
      join(line, line + 1);
    }
  }
  let previousEnd = -1;
  for (const command of script.commands) {
    join(command.range.start.line, command.range.end.line);
    for (const word of [...command.assignments, ...command.words]) {
      join(word.range.start.line, word.range.end.line);
    }
    const chained = command.separatorBefore === '&&' || command.separatorBefore === '||' || command.separatorBefore === '|';
    if (chained && command.depth === 0 && previousEnd >= 0 && previousEnd < command.range.start.line) {
      join(previousEnd, command.range.start.line);
    }
    if (command.depth === 0) {
      previousEnd = command.range.end.line;
    }
  }
  for (const heredoc of script.heredocs) {
    const delimiterLine = heredoc.body.length === 0 ? heredoc.range.start.line : heredoc.range.end.line + 1;
    join(heredoc.range.start.line - 1, delimiterLine);
  }
  const extents: LineExtent[] = [];
  for (let line = first; line <= last; line++) {
    if (joined[line - first] && (line === first || !joined[line - first - 1])) {
      let end = line;
      while (end <= last && joined[end - first]) {
        end++;
      }
      extents.push({ startLine: line, endLine: Math.min(end, last) });
    }
  }
  return extents;
}

function lineText(lines: LineSource, line: number): string {
  return Array.isArray(lines) ? (lines as readonly string[])[line] ?? '' : (lines as { lineText(line: number): string }).lineText(line);
}

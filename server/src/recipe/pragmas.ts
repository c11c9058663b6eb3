import type { Comment, Pragma } from './model';

const PRAGMA = /^#\s*hpclint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,/\- ]*?)\s*(?:--\s*(.*))?$/;

/** The text of each line: an array of lines or anything like `LineIndex`. */
export type LineSource = readonly string[] | { readonly lineCount: number; lineText(line: number): string };

/** Lines a pragma covers: the instruction (or section line) that starts at `line`. */
export type ExtentOfLine = (line: number) => { startLine: number; endLine: number };

/**
 * Reads `# hpclint ignore=CODE[,CODE…] [-- reason]` and `# hpclint global ignore=…` comments.
 * A non-global pragma silences the next line that is neither blank nor a comment,
 * extended by `extentOf` to the whole instruction that starts there.
 */
export function parsePragmas(
  comments: readonly Comment[],
  lines: LineSource,
  extentOf: ExtentOfLine,
): Pragma[] {
  const pragmas: Pragma[] = [];
  for (const comment of comments) {
    if (!comment.text.includes('hpclint')) {
      continue;
    }
    const match = PRAGMA.exec(comment.text.trim());
    if (!match) {
      continue;
    }
    const codes = match[2]
      .split(',')
      .map((code) => code.trim())
      .filter((code) => code.length > 0);
    const pragma: Pragma = { global: Boolean(match[1]), codes, range: comment.range };
    if (match[3]) {
      pragma.reason = match[3].trim();
    }
    if (!pragma.global) {
      const target = nextCodeLine(lines, comment.range.end.line + 1);
      if (target !== undefined) {
        pragma.appliesTo = extentOf(target);
      }
    }
    pragmas.push(pragma);
  }
  return pragmas;
}

function nextCodeLine(lines: LineSource, from: number): number | undefined {
  const count = isLineArray(lines) ? lines.length : lines.lineCount;
  for (let line = from; line < count; line++) {
    const trimmed = (isLineArray(lines) ? lines[line] : lines.lineText(line)).trim();
    if (trimmed.length > 0 && !trimmed.startsWith('#')) {
      return line;
    }
  }
  return undefined;
}

function isLineArray(lines: LineSource): lines is readonly string[] {
  return Array.isArray(lines);
}

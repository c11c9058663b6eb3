import type { Comment, Draft, Pragma } from './model';

const PRAGMA = /^#\s*hpclint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,/\- ]*?)\s*(?:--\s*(.*))?$/;
/** hadolint's own pragma (`# hadolint ignore=DL3008,SC2086 # reason`): its codes map to hpclint's (compat/). */
const HADOLINT_PRAGMA = /^#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9, ]*?)\s*(?:#\s*(.*))?$/;

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
    if (!comment.text.includes('hpclint') && !comment.text.includes('hadolint')) {
      continue;
    }
    const match = PRAGMA.exec(comment.text.trim()) ?? HADOLINT_PRAGMA.exec(comment.text.trim());
    if (!match) {
      continue;
    }
    const codes = codesOf(match[2]);
    const pragma: Draft<Pragma> = { global: Boolean(match[1]), codes, range: comment.range };
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

/** The comment of an ignore pragma for `codes` as `parsePragmas` reads it: `# hpclint [global ]ignore=A,B[ -- reason]`. */
export function writePragma(codes: readonly string[], options: { global?: boolean; reason?: string } = {}): string {
  const reason = options.reason?.trim();
  return `# hpclint ${options.global ? 'global ' : ''}ignore=${codes.join(',')}${reason ? ` -- ${reason}` : ''}`;
}

/**
 * An hpclint ignore pragma that is the whole of `line`: whether it is global, its codes, and the character after its
 * last code (where `,CODE` adds one more, before any ` -- reason`). Undefined for any other line.
 */
export function pragmaOnLine(line: string): { global: boolean; codes: string[]; codesEnd: number } | undefined {
  const match = PRAGMA.exec(line.trim());
  if (!match || !match[2].trim()) {
    return undefined;
  }
  const codesAt = match[0].indexOf(match[2], match[0].indexOf('=') + 1);
  const codesEnd = line.length - line.trimStart().length + codesAt + match[2].length;
  return { global: Boolean(match[1]), codes: codesOf(match[2]), codesEnd };
}

function codesOf(list: string): string[] {
  return list
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
}

/** BuildKit's `# check=skip=A,B` directive as a whole-file pragma with keys `buildkit/A`, `buildkit/B` (`skip=all` → `buildkit/all`). */
export function buildkitSkipPragma(value: string, range: Comment['range']): Pragma {
  const codes: string[] = [];
  for (const setting of value.split(';')) {
    const [key, names] = setting.split('=', 2);
    if (key.trim().toLowerCase() === 'skip' && names !== undefined) {
      codes.push(...names.split(',').map((name) => name.trim()).filter((name) => name.length > 0).map((name) => `buildkit/${name}`));
    }
  }
  return { global: true, codes, range };
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

// A recipe's line-break style, so that text hpclint inserts (fixes, pragmas) matches the file's.
import type { Fix } from './rule';

/** `\r\n` when the text's first line break is one: inserted line breaks then follow the file's style. */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const newline = text.indexOf('\n');
  return newline > 0 && text.charCodeAt(newline - 1) === 13 ? '\r\n' : '\n';
}

/** `newText` with every line break written as `lineBreak`. */
export function withLineBreak(newText: string, lineBreak: '\n' | '\r\n'): string {
  return lineBreak === '\n' || !newText.includes('\n') ? newText : newText.replace(/\r?\n/g, '\r\n');
}

/** Fixes whose inserted line breaks follow `lineBreak` (the same objects when nothing changes). */
export function fixesWithLineBreak(fixes: Fix[], lineBreak: '\n' | '\r\n'): Fix[] {
  if (lineBreak === '\n' || !fixes.some((fix) => fix.edits.some((edit) => edit.newText.includes('\n')))) {
    return fixes;
  }
  return fixes.map((fix) => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, newText: withLineBreak(edit.newText, lineBreak) })) }));
}

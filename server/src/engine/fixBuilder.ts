// Building fixes. A rule says what to change (replace a word, remove one, insert a line, add a header key or a
// label) and how safe that is; it never writes a TextEdit literal. Inserted text uses `\n`: the engine writes the
// file's own line breaks (engine/lineBreaks.ts, once per lint and in the applier), so CRLF files stay CRLF.
import type { Position, Range, Recipe, Stage } from '../recipe/model';
import type { LineIndex } from '../recipe/text';
import type { Fix, TextEdit } from './rule';

/**
 * `safe`: preserves what the recipe builds and runs; a preferred quick fix that *Fix all* and `--fix` apply unseen.
 * `unsafe`: changes behaviour or needs a value only the user knows; offered, never applied in bulk.
 */
export type Safety = 'safe' | 'unsafe';

/** A fix of one or more edits that apply together (ranges refer to the text the rule saw; they must not overlap). */
export function fix(title: string, safety: Safety, ...edits: TextEdit[]): Fix {
  return fixOf(title, safety, edits);
}

/** A fix of a list of edits: for fixes that can have thousands of edits, which overflow the stack as spread arguments. */
export function fixOf(title: string, safety: Safety, edits: TextEdit[]): Fix {
  return { title, safe: safety === 'safe', edits };
}

/** A fix that preserves behaviour (see `Safety`). */
export function safeFix(title: string, ...edits: TextEdit[]): Fix {
  return fixOf(title, 'safe', edits);
}

/** A fix that changes behaviour or leaves a placeholder to fill in (see `Safety`). */
export function unsafeFix(title: string, ...edits: TextEdit[]): Fix {
  return fixOf(title, 'unsafe', edits);
}

/** The text at `range` (a word, a key, part of a word) becomes `newText`. */
export function replace(range: Range, newText: string): TextEdit {
  return { range, newText };
}

/** The text at `range` goes. */
export function remove(range: Range): TextEdit {
  return { range, newText: '' };
}

/** `newText` goes in at `at`. */
export function insert(at: Position, newText: string): TextEdit {
  return { range: { start: at, end: at }, newText };
}

/** The word at `range` goes with one blank beside it (the one after it, else the one before): a flag or an argument. */
export function removeWord(index: LineIndex, range: Range): TextEdit {
  let start = index.offsetAt(range.start);
  let end = index.offsetAt(range.end);
  const text = index.text;
  if (text[end] === ' ' || text[end] === '\t') {
    end++;
  } else if (text[start - 1] === ' ' || text[start - 1] === '\t') {
    start--;
  }
  return remove(index.range(start, end));
}

/** `lines` (without line breaks) as whole lines before line `line`. */
export function insertLinesBefore(line: number, ...lines: string[]): TextEdit {
  return insert({ line, character: 0 }, lines.map((text) => `${text}\n`).join(''));
}

/** `lines` (without line breaks) as whole lines after line `line`, also when it is the last line and has no line break. */
export function insertLinesAfter(index: LineIndex, line: number, ...lines: string[]): TextEdit {
  if (line + 1 < index.lineCount) {
    return insertLinesBefore(line + 1, ...lines);
  }
  return insert(index.positionAt(index.text.length), lines.map((text) => `\n${text}`).join(''));
}

/**
 * `key value` as a label of `stage`: `LABEL key="value"` after a Dockerfile's FROM; in a definition file after the
 * last `%labels` entry (with its indent), at the top of an empty `%labels`, or in a new `%labels` at the end.
 */
export function addLabel(recipe: Recipe, index: LineIndex, stage: Stage, key: string, value: string): TextEdit {
  const text = recipe.text;
  const lineEnd = (line: number): number => (line + 1 < index.lineCount ? index.lineStart(line + 1) : text.length);
  const at = (offset: number, line: string): TextEdit =>
    insert(index.positionAt(offset), `${offset > 0 && text[offset - 1] !== '\n' ? '\n' : ''}${line}\n`);
  if (recipe.format === 'dockerfile') {
    const from = stage.steps.find((step) => step.kind === 'from') ?? stage.steps[0];
    return at(lineEnd(from.range.end.line), `LABEL ${key}="${value}"`);
  }
  const pairs = stage.steps.flatMap((step) => (step.kind === 'label' && !step.app && step.keyword.toLowerCase() === '%labels' ? step.pairs : []));
  const last = pairs[pairs.length - 1];
  if (last) {
    const indent = /^[ \t]*/.exec(index.lineText(last.range.start.line))?.[0] ?? '    ';
    return at(lineEnd(last.range.end.line), `${indent}${key} ${value}`);
  }
  const section = stage.sections.find((candidate) => candidate.name === 'labels');
  if (section) {
    return at(index.offsetAt(section.bodyRange.start), `    ${key} ${value}`);
  }
  const lead = text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return insert(index.positionAt(text.length), `${lead}%labels\n    ${key} ${value}\n`);
}

// Definition-file formatter. Layout only, never meaning:
// - header lines `Key: value` at column 0 with one space after the colon (continuation lines, lines that do
//   not parse and an indented `Bootstrap:` — which Apptainer does not treat as a stage start — stay as written);
// - section headers at column 0; exactly one blank line between the header and each section, and between stages;
//   at most one blank line in a row inside a body; comment lines right above a section stay attached to it;
// - shell and data section bodies re-indented by one indentation unit, relative indentation kept; lines that
//   start inside a quoted string or heredoc, `#!` lines and zero-indent continuation lines are left alone;
//   `%help` text is never re-indented;
// - trailing whitespace removed where the shell ignores it; one line break at the end of the file.
// A shell body whose commands would read differently after formatting is left exactly as written.
import { sectionSpec } from '../../recipe/apptainer-spec';
import type { Recipe, Section, ShellScript, Stage } from '../../recipe/model';
import { splitShell } from '../../recipe/shell';
import { LineIndex } from '../../recipe/text';

export interface FormatOptions {
  tabSize: number;
  insertSpaces: boolean;
}

export interface LineEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

interface SourceLine {
  text: string;
  /** '' for a last line without a line break. */
  eol: string;
}

/** A line of the formatted text: from an original line (possibly changed) or inserted. */
interface OutLine {
  from?: number;
  text: string;
}

/** One formatted block (a stage header or a section) before blank lines between blocks are settled. */
interface Block {
  lines: OutLine[];
  /** Trailing lines that may not be dropped or followed by a new blank line (a body ending inside a heredoc or string). */
  lockedTail: boolean;
  /** Comment lines at the end of a body that belong to what follows. */
  attached: OutLine[];
}

const BLANK = /^\s*$/;

/** The text after formatting (tests and the corpus check use this; the server sends `formatEdits`). */
export function formatDefinitionText(text: string, recipe: Recipe, options: FormatOptions): string {
  const lines = splitSourceLines(text);
  const out = formatLines(text, lines, recipe, options);
  const eol = dominantEol(text);
  return out ? out.map((line) => line.text + lineBreak(line, lines, eol)).join('') : text;
}

/** Minimal edits turning the document into its formatted text; `onlyLines` keeps the edits that touch those lines. */
export function formatEdits(text: string, recipe: Recipe, options: FormatOptions, onlyLines?: { start: number; end: number }): LineEdit[] {
  const lines = splitSourceLines(text);
  const out = formatLines(text, lines, recipe, options);
  if (!out) {
    return [];
  }
  const edits = editsBetween(lines, out, dominantEol(text));
  return onlyLines ? edits.filter((edit) => edit.range.start.line <= onlyLines.end && edit.range.end.line >= onlyLines.start) : edits;
}

function splitSourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      lines.push({ text: text.slice(start), eol: '' });
      break;
    }
    const crlf = newline > start && text[newline - 1] === '\r';
    lines.push({ text: text.slice(start, crlf ? newline - 1 : newline), eol: crlf ? '\r\n' : '\n' });
    start = newline + 1;
  }
  return lines;
}

function dominantEol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

// ---------------------------------------------------------------- layout

function formatLines(text: string, lines: readonly SourceLine[], recipe: Recipe, options: FormatOptions): OutLine[] | undefined {
  const blocks: Block[] = [];
  for (const stage of recipe.stages) {
    const stageEnd = stageEndLine(recipe, stage, lines.length);
    const headerEnd = stage.sections[0]?.range.start.line ?? stageEnd;
    if (stage.range.start.line < headerEnd) {
      blocks.push(headerBlock(lines, stage, stage.range.start.line, headerEnd));
    }
    stage.sections.forEach((section, i) => {
      const bodyEnd = i + 1 < stage.sections.length ? stage.sections[i + 1].range.start.line : stageEnd;
      blocks.push(sectionBlock(text, lines, section, bodyEnd, options));
    });
  }
  if (blocks.length === 0) {
    return undefined;
  }
  const out: OutLine[] = [];
  let lockedTail = false;
  let carried: OutLine[] = [];
  for (const block of blocks) {
    const lines = [...carried, ...block.lines];
    carried = block.attached;
    if (lines.length === 0) {
      continue;
    }
    if (out.length > 0 && !lockedTail) {
      out.push({ text: '' });
    }
    out.push(...lines);
    lockedTail = block.lockedTail;
  }
  if (carried.length > 0) {
    out.push({ text: '' }, ...carried);
  }
  return out;
}

/** First line after `stage` (the next stage's `Bootstrap:` line, or the end of the file). */
function stageEndLine(recipe: Recipe, stage: Stage, lineCount: number): number {
  const next = recipe.stages[stage.index + 1];
  return next ? next.range.start.line : lineCount;
}

/** Blank lines dropped at both ends and runs of blank lines collapsed to one, where `isFree` allows. */
function tidyBlankLines(lines: readonly OutLine[], isFree: (line: OutLine) => boolean = () => true): OutLine[] {
  const result: OutLine[] = [];
  for (const line of lines) {
    const blank = BLANK.test(line.text) && isFree(line);
    if (blank && (result.length === 0 || BLANK.test(result[result.length - 1].text))) {
      continue;
    }
    result.push(blank ? { ...line, text: '' } : line);
  }
  while (result.length > 0 && BLANK.test(result[result.length - 1].text) && isFree(result[result.length - 1])) {
    result.pop();
  }
  return result;
}

/**
 * Comment lines that end a block after a blank line describe what follows: they stay right above the next
 * block, and the blank line between blocks goes before them.
 */
function splitAttached(lines: OutLine[], canAttach: (line: OutLine) => boolean = () => true): Block {
  let first = lines.length;
  while (first > 0 && lines[first - 1].text.trim().startsWith('#') && canAttach(lines[first - 1])) {
    first--;
  }
  if (first === lines.length || first === 0 || !BLANK.test(lines[first - 1].text) || !canAttach(lines[first - 1])) {
    return { lines, lockedTail: false, attached: [] };
  }
  return { lines: tidyBlankLines(lines.slice(0, first)), lockedTail: false, attached: lines.slice(first) };
}

// ---------------------------------------------------------------- header

function headerBlock(lines: readonly SourceLine[], stage: Stage, start: number, end: number): Block {
  const firstLines = new Map<number, number>();
  for (const step of stage.steps) {
    if (step.kind === 'header') {
      firstLines.set(step.range.start.line, step.keywordRange.end.character);
    }
  }
  const out: OutLine[] = [];
  for (let line = start; line < end; line++) {
    const text = lines[line].text;
    const keyEnd = firstLines.get(line);
    out.push({ from: line, text: keyEnd === undefined ? otherHeaderLine(text) : headerLine(text, keyEnd) });
  }
  return splitAttached(tidyBlankLines(out));
}

/** `  From :ubuntu  # c` → `From: ubuntu  # c`; an indented `Bootstrap:` keeps its place (it does not start a stage). */
function headerLine(text: string, keyEnd: number): string {
  const indentation = /^\s*/.exec(text)![0].length;
  const key = text.slice(indentation, keyEnd);
  if (indentation > 0 && key.toLowerCase() === 'bootstrap') {
    return text;
  }
  const colon = text.indexOf(':', keyEnd);
  if (colon < 0 || text.slice(keyEnd, colon).trim().length > 0) {
    return text.trimEnd();
  }
  const rest = text.slice(colon + 1).trim();
  return rest.length > 0 ? `${key}: ${rest}` : `${key}:`;
}

/** Comments at column 0; continuation and unparsed lines keep their indentation. */
function otherHeaderLine(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('#') || trimmed.length === 0 ? trimmed : text.trimEnd();
}

// ---------------------------------------------------------------- sections

function sectionBlock(text: string, lines: readonly SourceLine[], section: Section, bodyEnd: number, options: FormatOptions): Block {
  const headerLineNumber = section.header.range.start.line;
  const header: OutLine = { from: headerLineNumber, text: lines[headerLineNumber].text.trim() };
  const bodyStart = headerLineNumber + 1;
  const kind = sectionSpec(section.name)?.kind;
  let body: Block;
  if (bodyStart >= bodyEnd) {
    body = { lines: [], lockedTail: false, attached: [] };
  } else if (kind === 'script' || kind === 'environment') {
    body = shellBody(text, lines, bodyStart, bodyEnd, options);
  } else if (kind === 'files' || kind === 'labels' || kind === 'arguments') {
    body = reindentedBody(lines, bodyStart, bodyEnd, options, NO_QUOTING);
  } else {
    body = textBody(lines, bodyStart, bodyEnd);
  }
  return { lines: [header, ...body.lines], lockedTail: body.lockedTail, attached: body.attached };
}

/** Help text and unknown sections: only blank lines at the end go (the shown text is otherwise kept). */
function textBody(lines: readonly SourceLine[], start: number, end: number): Block {
  const out: OutLine[] = [];
  for (let line = start; line < end; line++) {
    out.push({ from: line, text: lines[line].text });
  }
  while (out.length > 0 && BLANK.test(out[out.length - 1].text)) {
    out.pop();
  }
  return { lines: out, lockedTail: false, attached: [] };
}

function shellBody(text: string, lines: readonly SourceLine[], start: number, end: number, options: FormatOptions): Block {
  const index = new LineIndex(text);
  const from = index.lineStart(start);
  const to = end < lines.length ? index.lineStart(end) : text.length;
  const quoting = scanQuoting(text, from, to, index, splitShell(text, from, to, index));
  const formatted = reindentedBody(lines, start, end, options, quoting);
  const after = [...formatted.lines, ...formatted.attached].map((line) => `${line.text}\n`).join('');
  if (commandSignature(text.slice(from, to)) === commandSignature(after)) {
    return formatted;
  }
  const kept: OutLine[] = [];
  for (let line = start; line < end; line++) {
    kept.push({ from: line, text: lines[line].text });
  }
  return { lines: kept, lockedTail: true, attached: [] };
}

const NO_QUOTING: Quoting = { startsInside: new Set(), endsInside: new Set(), continues: new Set(), keepsEnd: new Set() };

/**
 * Re-indents a body: the smallest indentation among the lines that may move becomes one indentation unit and
 * the others keep their offset from it. A line that starts inside a string or heredoc, a `#!` line and a
 * continuation line without indentation keep their start; a line that ends inside a string or with `\`
 * keeps its end; a blank line inside a string or right after a continuation stays.
 */
function reindentedBody(lines: readonly SourceLine[], start: number, end: number, options: FormatOptions, quoting: Quoting): Block {
  const { startsInside, endsInside, continues, keepsEnd } = quoting;
  const tabSize = Math.max(1, Math.floor(options.tabSize) || 4);
  const attachedFrom = attachedCommentStart(lines, start, end, quoting);
  const movable = (line: number): boolean => {
    const text = lines[line].text;
    return !startsInside.has(line) && !BLANK.test(text) && !/^\s*#!/.test(text) && !(continues.has(line - 1) && !/^\s/.test(text));
  };
  let base = Number.POSITIVE_INFINITY;
  for (let line = start; line < attachedFrom; line++) {
    if (movable(line)) {
      base = Math.min(base, columns(lines[line].text, tabSize));
    }
  }
  const out: OutLine[] = [];
  for (let line = start; line < end; line++) {
    const text = lines[line].text;
    let result = text;
    if (line < attachedFrom && movable(line)) {
      result = indentation(tabSize + columns(text, tabSize) - base, options, tabSize) + text.replace(/^\s*/, '');
    }
    if (!endsInside.has(line) && !keepsEnd.has(line) && !/\\\s*$/.test(text)) {
      result = result.trimEnd();
    }
    out.push({ from: line, text: result });
  }
  const free = (line: OutLine): boolean =>
    line.from === undefined || (!startsInside.has(line.from) && !endsInside.has(line.from) && !continues.has(line.from - 1));
  const body = tidyBlankLines(out.slice(0, attachedFrom - start), free);
  while (body.length > 0 && BLANK.test(body[0].text) && free(body[0])) {
    body.shift();
  }
  const last = body[body.length - 1];
  const lockedTail =
    last?.from !== undefined && (endsInside.has(last.from) || continues.has(last.from) || (BLANK.test(last.text) && !free(last)));
  const attached = out.slice(attachedFrom - start).filter((line) => !BLANK.test(line.text));
  return { lines: body, lockedTail, attached };
}

/**
 * First line of the comment lines that end a body right above the next block, after a blank line (or `end`).
 * Such comments describe what follows: they keep their indentation and the blank line goes before them.
 */
function attachedCommentStart(lines: readonly SourceLine[], start: number, end: number, quoting: Quoting): number {
  const isComment = (line: number): boolean =>
    lines[line].text.trim().startsWith('#') && !lines[line].text.trim().startsWith('#!') && !quoting.startsInside.has(line);
  let last = end - 1;
  while (last >= start && BLANK.test(lines[last].text) && !quoting.startsInside.has(last)) {
    last--;
  }
  if (last < start || !isComment(last)) {
    return end;
  }
  let first = last;
  while (first - 1 >= start && isComment(first - 1)) {
    first--;
  }
  const above = first - 1;
  return above >= start && BLANK.test(lines[above].text) && !quoting.startsInside.has(above) && !quoting.continues.has(above - 1) ? first : end;
}

function columns(text: string, tabSize: number): number {
  let column = 0;
  for (const char of text) {
    if (char === ' ') {
      column++;
    } else if (char === '\t') {
      column += tabSize - (column % tabSize);
    } else {
      break;
    }
  }
  return column;
}

function indentation(width: number, options: FormatOptions, tabSize: number): string {
  return options.insertSpaces ? ' '.repeat(width) : '\t'.repeat(Math.floor(width / tabSize)) + ' '.repeat(width % tabSize);
}

// ---------------------------------------------------------------- shell safety

interface Quoting {
  /** Lines that begin inside a quoted string or a heredoc. */
  startsInside: Set<number>;
  /** Lines that end inside a quoted string or a heredoc. */
  endsInside: Set<number>;
  /** Lines ending with a line continuation. */
  continues: Set<number>;
  /** Heredoc delimiter lines: trailing blanks would change whether they end the heredoc. */
  keepsEnd: Set<number>;
}

type Context = 'code' | 'single' | 'double' | 'ansi' | 'substitution' | 'backtick' | 'brace';

/**
 * Where quoted strings and heredoc bodies cross line breaks in `text[from, to)`. Conservative: `$(…)`,
 * `${…}` and backticks nest, `#` starts a comment only at the start of a word.
 */
function scanQuoting(text: string, from: number, to: number, index: LineIndex, script: ShellScript): Quoting {
  const result: Quoting = { startsInside: new Set(), endsInside: new Set(), continues: new Set(), keepsEnd: new Set() };
  const heredocLines = new Set<number>();
  for (const heredoc of script.heredocs) {
    const delimiterLine = heredoc.body.length === 0 ? heredoc.range.start.line : heredoc.range.end.line + 1;
    for (let line = heredoc.range.start.line; line <= delimiterLine; line++) {
      heredocLines.add(line);
      result.startsInside.add(line);
      (line < delimiterLine ? result.endsInside : result.keepsEnd).add(line);
    }
  }
  const stack: Array<{ context: Context; parens: number }> = [{ context: 'code', parens: 0 }];
  const top = () => stack[stack.length - 1];
  const quoted = (): boolean => ['single', 'double', 'ansi'].includes(top().context);
  let line = index.positionAt(from).line;
  for (let offset = from; offset < to; offset++) {
    if (heredocLines.has(line)) {
      const next = text.indexOf('\n', offset);
      if (next < 0 || next >= to) {
        break;
      }
      offset = next;
      line++;
      continue;
    }
    const char = text[offset];
    const context = top().context;
    if (char === '\n') {
      if (quoted()) {
        result.endsInside.add(line);
        result.startsInside.add(line + 1);
      }
      line++;
      continue;
    }
    if (context === 'single') {
      if (char === "'") {
        stack.pop();
      }
      continue;
    }
    if (char === '\\') {
      const next = text[offset + 1];
      if (next === '\n' || (next === '\r' && text[offset + 2] === '\n')) {
        result.continues.add(line);
      }
      if (next !== '\n') {
        offset++;
      }
      continue;
    }
    if (context === 'ansi') {
      if (char === "'") {
        stack.pop();
      }
      continue;
    }
    if (context === 'double') {
      if (char === '"') {
        stack.pop();
      } else {
        offset += openExpansion(text, offset, stack);
      }
      continue;
    }
    // code, substitution, backtick, brace
    if (char === '#' && (offset === from || /[\s;&|()]/.test(text[offset - 1]))) {
      const next = text.indexOf('\n', offset);
      offset = (next < 0 || next >= to ? to : next) - 1;
      continue;
    }
    if (char === "'") {
      stack.push({ context: text[offset - 1] === '$' ? 'ansi' : 'single', parens: 0 });
    } else if (char === '"') {
      stack.push({ context: 'double', parens: 0 });
    } else if (char === '`' && context === 'backtick') {
      stack.pop();
    } else if (char === '`' || char === '$') {
      offset += openExpansion(text, offset, stack);
    } else if (char === '(' && context === 'substitution') {
      top().parens++;
    } else if (char === ')' && context === 'substitution') {
      if (top().parens === 0) {
        stack.pop();
      } else {
        top().parens--;
      }
    } else if (char === '}' && context === 'brace') {
      stack.pop();
    }
  }
  return result;
}

/** A backtick, `$(` or `${` at `offset` opens a nested context; returns how many extra characters it took. */
function openExpansion(text: string, offset: number, stack: Array<{ context: Context; parens: number }>): number {
  const char = text[offset];
  if (char === '`') {
    stack.push({ context: 'backtick', parens: 0 });
    return 0;
  }
  const next = text[offset + 1];
  if (char === '$' && (next === '(' || next === '{')) {
    stack.push({ context: next === '(' ? 'substitution' : 'brace', parens: 0 });
    return 1;
  }
  return 0;
}

/** What the shell reads from a script: words, assignments, operators, nesting and heredoc bodies. */
function commandSignature(raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const script = splitShell(text, 0, text.length, new LineIndex(text));
  return JSON.stringify([
    script.commands.map((command) => [
      command.words.map((word) => word.value),
      command.assignments.map((word) => word.value),
      command.separatorBefore ?? '',
      command.pipesToNext,
      command.depth,
    ]),
    script.heredocs.map((heredoc) => heredoc.body),
  ]);
}

// ---------------------------------------------------------------- output

function lineBreak(line: OutLine, lines: readonly SourceLine[], eol: string): string {
  return line.from !== undefined && lines[line.from].eol ? lines[line.from].eol : eol;
}

/**
 * Edits from the original lines to `out`: original lines that stay unchanged, in order and with their line
 * break are anchors; each stretch between two anchors (or after the last) is replaced as a whole.
 */
function editsBetween(lines: readonly SourceLine[], out: readonly OutLine[], eol: string): LineEdit[] {
  const edits: LineEdit[] = [];
  let next = 0;
  let pending = '';
  const replace = (end: { line: number; character: number }): void => {
    const empty = end.line === next && end.character === 0;
    if (pending.length > 0 || !empty) {
      edits.push({ range: { start: { line: next, character: 0 }, end }, newText: pending });
    }
    pending = '';
  };
  const kept = new Set(out.map((line) => line.from));
  for (const line of out) {
    // An inserted line may reuse an identical original line that formatting dropped (a blank line moved).
    const from = line.from ?? (next < lines.length && !kept.has(next) ? next : undefined);
    const source = from === undefined ? undefined : lines[from];
    if (source && from! >= next && source.text === line.text && source.eol !== '') {
      replace({ line: from!, character: 0 });
      next = from! + 1;
    } else {
      pending += line.text + lineBreak(line, lines, eol);
    }
  }
  const last = lines[lines.length - 1];
  if (next < lines.length) {
    replace(last.eol ? { line: lines.length, character: 0 } : { line: lines.length - 1, character: last.text.length });
  } else if (pending.length > 0) {
    replace({ line: next, character: 0 });
  }
  return edits;
}

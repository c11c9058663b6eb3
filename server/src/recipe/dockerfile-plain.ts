// One-line FROM and RUN instructions of plain words, which the Dockerfile front end reads from the text instead of
// through dockerfile-ast's instruction objects, when no one keeps the tree (the syntax check does not run).
//
// For such an instruction dockerfile-ast's objects say nothing the offsets do not: on one line without an escape
// character the arguments (`getRawArguments`) are the runs of characters other than a blank or a tab, each an
// argument whose value is its text (quotes are the front end's to remove); without `--` there are no flags (FROM
// and RUN stop looking for them at the first argument without `--`); without `[` a RUN is no JSON array, and without
// `<` it has no heredoc. Building the library's object tokenised the arguments character by character, twice for a
// RUN (once in its constructor, once when the front end read it), and most of a Dockerfile's parse was that.
// `test/unit/recipe/dockerfile.test.ts` compares the model with the one read through the library's objects on
// edge cases and every corpus Dockerfile.
import type { Position, Range } from './model';
import type { LineIndex } from './text';

/** The instructions read this way, by keyword in upper case. */
export type PlainKeyword = 'FROM' | 'RUN';

/** What the front end and dockerfile-ast's `Dockerfile` (stages, comment placement) ask of an instruction. */
export class PlainInstruction {
  private lineRange?: Range;
  private keywordRange?: Range;

  constructor(
    private readonly index: LineIndex,
    /** The keyword as written. */
    readonly keyword: string,
    readonly upperKeyword: PlainKeyword,
    readonly start: number,
    readonly keywordEnd: number,
    /** Where the line ends (its `\n`, or the end of the text). */
    readonly end: number,
  ) {}

  getKeyword(): PlainKeyword {
    return this.upperKeyword;
  }

  getInstruction(): string {
    return this.keyword;
  }

  /** dockerfile-ast's instruction range: the keyword (its start shared with the line's range, as the library does). */
  getInstructionRange(): Range {
    this.keywordRange ??= { start: this.startPosition(), end: this.index.positionAt(this.keywordEnd) };
    return this.keywordRange;
  }

  /** The line's range, to its end. */
  getRange(): Range {
    this.lineRange ??= { start: this.startPosition(), end: this.index.positionAt(this.end) };
    return this.lineRange;
  }

  private startPosition(): Position {
    return (this.keywordRange ?? this.lineRange)?.start ?? this.index.positionAt(this.start);
  }
}

const SPACE = 32;
const TAB = 9;
const DASH = 45;
/** Characters after which an instruction is not read as plain words: line breaks, escape characters, `<`, `[`. */
const NOT_PLAIN = new Uint8Array(128);
for (const c of ['\n', '\r', '\\', '`', '<', '[']) {
  NOT_PLAIN[c.charCodeAt(0)] = 1;
}

/**
 * The instruction dockerfile-ast's parser is about to build from `text[start, end)` (the keyword ends at `keywordEnd`)
 * as a PlainInstruction, or undefined when it is not a FROM or RUN of plain words on one line, with at least one.
 */
export function plainInstruction(text: string, index: LineIndex, keyword: string, start: number, keywordEnd: number, end: number): PlainInstruction | undefined {
  const upper = plainKeyword(keyword);
  if (upper === undefined || !writtenAt(text, keyword, start, keywordEnd)) {
    return undefined;
  }
  const next = text.charCodeAt(keywordEnd);
  if (next !== SPACE && next !== TAB) {
    return undefined;
  }
  if (end < text.length && text.charCodeAt(end) !== 10 /* \n */) {
    return undefined;
  }
  let words = false;
  let previous = 0;
  for (let i = keywordEnd; i < end; i++) {
    const code = text.charCodeAt(i);
    if ((code < 128 && NOT_PLAIN[code] === 1) || (code === DASH && previous === DASH)) {
      return undefined;
    }
    if (code !== SPACE && code !== TAB) {
      words = true;
    }
    previous = code;
  }
  return words ? new PlainInstruction(index, keyword, upper, start, keywordEnd, end) : undefined;
}

/** `FROM` or `RUN` for those keywords in any case (ASCII letters only, as `toUpperCase` would find them), else undefined. */
function plainKeyword(keyword: string): PlainKeyword | undefined {
  if (keyword.length === 4) {
    return equalsLowerCase(keyword, 'from') ? 'FROM' : undefined;
  }
  return keyword.length === 3 && equalsLowerCase(keyword, 'run') ? 'RUN' : undefined;
}

/**
 * Whether `value` is `lower` (lower-case ASCII letters) in any case: only `A`-`Z` and `a`-`z` differ in bit 5 alone, and no
 * other character's `toLowerCase()` is one of them.
 */
export function equalsLowerCase(value: string, lower: string): boolean {
  if (value.length !== lower.length) {
    return false;
  }
  for (let i = 0; i < lower.length; i++) {
    if ((value.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

/** Whether the keyword the parser read is the text between its start and its end (no escape character inside it). */
function writtenAt(text: string, keyword: string, start: number, end: number): boolean {
  return end - start === keyword.length && text.startsWith(keyword, start);
}

/**
 * The reader `parseDockerfileTree` asks about each instruction: a method of a class, not a closure made per parse, so that
 * the optimized code of its caller stays valid from one lint to the next (docs/engine.md, Cost).
 */
export class PlainInstructionReader {
  constructor(
    private readonly text: string,
    private readonly index: LineIndex,
  ) {}

  read(keyword: string, start: number, keywordEnd: number, end: number): PlainInstruction | undefined {
    return plainInstruction(this.text, this.index, keyword, start, keywordEnd, end);
  }
}

// The parse of a new version of a Dockerfile (a keystroke in the language server) reusing, from the previous parse of
// the same document, the step of every unchanged instruction and the raw arguments dockerfile-ast tokenised for it.
//
// The front end's step of an instruction other than FROM depends on the instruction's text, where it starts (the
// model's positions are absolute), the escape character and how the parse reads instructions (with dockerfile-ast's
// objects or from the text, recipe/dockerfile-plain.ts), on nothing around it: only a FROM reads global ARGs and
// earlier stages, and FROM steps and their stages are always read again. Raw arguments depend on the instruction's
// ranges, text and escape character. Where instructions start and end is the new parse's (dockerfile-ast's parser
// still reads the whole text: an edit may end or extend an instruction above or below it, open a heredoc...); each
// one it finds is matched with the previous parse's instruction starting at the same position. Where a lone `\r`
// breaks a line, dockerfile-ast's lines are not the LineIndex's: nothing is reused then.
import type { Argument, Instruction } from 'dockerfile-ast';
import type { Position, Range, Step } from './model';
import { commonPrefixLength, commonSuffixLength, type LineIndex } from './text';

/** A document of dockerfile-ast (its `TextDocument`): the text and its offsets, as the library counts lines. */
export interface LibraryDocument {
  getText(): string;
  offsetAt(position: Position): number;
}

/** dockerfile-ast's raw arguments of one instruction, by the fields they depend on besides the text. */
export interface ArgumentsEntry {
  readonly range: Range;
  readonly instructionRange: Range;
  readonly escapeChar: string;
  readonly args: Argument[];
  /** Another instruction starting on the same line (an ONBUILD's trigger, the first line of one with a heredoc), if any. */
  readonly next: ArgumentsEntry | undefined;
}

/** The raw arguments of a parse's instructions, as recipe/dockerfile.ts keeps them: by document and start line. */
export interface ArgumentsEntries {
  entriesAt(document: object, line: number): ArgumentsEntry | undefined;
  add(document: object, range: Range, instructionRange: Range, escapeChar: string, args: Argument[]): void;
}

/** The parse whose parts the next one may reuse, and how it read the text. */
interface PreviousParse {
  readonly text: string;
  /** Whether it kept dockerfile-ast's tree, whether it read plain instructions from the text (recipe/dockerfile-plain.ts). */
  readonly mode: string;
  readonly escapeChar: string;
  readonly steps: RememberedSteps;
  readonly arguments?: { readonly entries: ArgumentsEntries; readonly document: LibraryDocument };
  /** dockerfile-ast's instructions of its tree, when it kept one. */
  readonly instructions?: RememberedInstructions;
}

/** The steps other than FROM of a parse, by start line: where the instruction starts and ends. */
class RememberedSteps {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly characters: Int32Array;
  readonly steps: (Step | undefined)[];

  constructor(lineCount: number) {
    this.starts = new Int32Array(lineCount);
    this.ends = new Int32Array(lineCount);
    this.characters = new Int32Array(lineCount);
    this.steps = new Array<Step | undefined>(lineCount).fill(undefined);
  }
}

/** The instructions of a parse's dockerfile-ast tree, by start line: where each starts, its keyword ends and it ends. */
class RememberedInstructions {
  readonly starts: Int32Array;
  readonly keywordEnds: Int32Array;
  readonly ends: Int32Array;
  readonly characters: Int32Array;
  readonly instructions: (Instruction | undefined)[];

  constructor(lineCount: number) {
    this.starts = new Int32Array(lineCount);
    this.keywordEnds = new Int32Array(lineCount);
    this.ends = new Int32Array(lineCount);
    this.characters = new Int32Array(lineCount);
    this.instructions = new Array<Instruction | undefined>(lineCount).fill(undefined);
  }
}

/**
 * What one parse of a document leaves for the next parse of it. Holds only what that parse's recipe and syntax tree
 * hold (its text, its steps, its instructions' raw arguments) plus where each step starts and ends.
 */
export class DockerfileParseMemo {
  private previous?: PreviousParse;

  /** A parse of `text` reusing the previous parse's unchanged instructions; the previous parse is forgotten. */
  begin(text: string, index: LineIndex, keepTree: boolean, plain: boolean): ParseWithMemo {
    const mode = `${keepTree ? 'tree' : 'no tree'}, ${plain ? 'plain' : 'library'}`;
    const previous = this.previous?.mode === mode && !hasLoneCarriageReturn(text) ? this.previous : undefined;
    this.previous = undefined;
    return new ParseWithMemo(this, previous, text, index, mode, keepTree);
  }

  /** Called by the parse `begin` returned, when it succeeded. */
  remember(parse: PreviousParse): void {
    this.previous = hasLoneCarriageReturn(parse.text) ? undefined : parse;
  }
}

function hasLoneCarriageReturn(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/** One parse of a document with the memo of the previous one. */
export class ParseWithMemo {
  private readonly steps: RememberedSteps;
  private readonly instructions: RememberedInstructions | undefined;
  /** The document of dockerfile-ast's tree: its first instruction's. */
  private document?: LibraryDocument;
  /** The texts of the previous parse and this one are the same in this many characters at their start, and at their end. */
  private readonly samePrefix: number;
  private readonly sameSuffix: number;

  constructor(
    private readonly memo: DockerfileParseMemo,
    private readonly previous: PreviousParse | undefined,
    private readonly text: string,
    private readonly index: LineIndex,
    private readonly mode: string,
    keepTree: boolean,
  ) {
    this.steps = new RememberedSteps(index.lineCount);
    this.instructions = keepTree ? new RememberedInstructions(index.lineCount) : undefined;
    this.samePrefix = previous === undefined ? 0 : commonPrefixLength(previous.text, text);
    this.sameSuffix = previous === undefined ? 0 : commonSuffixLength(previous.text, text, this.samePrefix);
  }

  /** Whether `text[start, start + length)` is the previous parse's text at `oldStart`. */
  private unchanged(oldText: string, oldStart: number, start: number, length: number): boolean {
    if (oldStart === start && start + length <= this.samePrefix) {
      return true;
    }
    const fromEnd = this.text.length - start;
    if (oldText.length - oldStart === fromEnd && fromEnd <= this.sameSuffix) {
      return true;
    }
    const old = oldText.slice(oldStart, oldStart + length);
    return this.text.slice(start, start + old.length) === old;
  }

  /** The previous parse's step of the instruction at `text[start, end)`, when its text, start and context are the same. */
  previousStep(start: number, end: number, escapeChar: string): Step | undefined {
    const previous = this.previous;
    if (previous === undefined || previous.escapeChar !== escapeChar) {
      return undefined;
    }
    const { line, character } = this.index.positionAt(start);
    const remembered = previous.steps;
    const step = remembered.steps[line];
    const oldStart = remembered.starts[line];
    const oldEnd = remembered.ends[line];
    if (step === undefined || remembered.characters[line] !== character || oldEnd - oldStart !== end - start) {
      return undefined;
    }
    return this.unchanged(previous.text, oldStart, start, end - start) ? step : undefined;
  }

  /** Remembers the step of the instruction at `text[start, end)` for the next parse. */
  record(start: number, end: number, step: Step): void {
    const { line, character } = this.index.positionAt(start);
    this.steps.starts[line] = start;
    this.steps.ends[line] = end;
    this.steps.characters[line] = character;
    this.steps.steps[line] = step;
  }

  /**
   * The previous tree's instruction from `text[start, end)`, its keyword ending at `keywordEnd`, when its text, start
   * and escape character are the same: it is to be adopted into this parse's tree (recipe/dockerfile-tree.ts).
   */
  previousInstruction(start: number, keywordEnd: number, end: number, escapeChar: string): Instruction | undefined {
    const previous = this.previous;
    const remembered = previous?.instructions;
    if (previous === undefined || remembered === undefined || previous.escapeChar !== escapeChar) {
      return undefined;
    }
    const { line, character } = this.index.positionAt(start);
    const instruction = remembered.instructions[line];
    const oldStart = remembered.starts[line];
    if (
      instruction === undefined ||
      remembered.characters[line] !== character ||
      remembered.ends[line] - oldStart !== end - start ||
      remembered.keywordEnds[line] - oldStart !== keywordEnd - start
    ) {
      return undefined;
    }
    return this.unchanged(previous.text, oldStart, start, end - start) ? instruction : undefined;
  }

  /** Remembers an instruction of this parse's tree for the next parse. */
  recordInstruction(instruction: Instruction, start: number, keywordEnd: number, end: number): void {
    const remembered = this.instructions;
    if (remembered === undefined) {
      return;
    }
    const { line, character } = this.index.positionAt(start);
    remembered.starts[line] = start;
    remembered.keywordEnds[line] = keywordEnd;
    remembered.ends[line] = end;
    remembered.characters[line] = character;
    remembered.instructions[line] = instruction;
  }

  /**
   * Before dockerfile-ast builds an instruction of the tree's `document` from `text[start, end)`: the raw arguments of
   * the previous parse's instructions starting where it starts, with the same text, go to `entries`.
   */
  carryArguments(document: LibraryDocument, start: number, end: number, entries: ArgumentsEntries): void {
    this.document ??= document;
    const previous = this.previous;
    const from = previous?.arguments;
    if (previous === undefined || from === undefined || document !== this.document) {
      return;
    }
    const { line, character } = this.index.positionAt(start);
    for (let entry = from.entries.entriesAt(from.document, line); entry !== undefined; entry = entry.next) {
      if (entry.range.start.character !== character) {
        continue;
      }
      const oldStart = from.document.offsetAt(entry.range.start);
      const length = from.document.offsetAt(entry.range.end) - oldStart;
      if (length <= end - start && this.unchanged(previous.text, oldStart, start, length) && !hasEntry(entries.entriesAt(document, line), entry)) {
        entries.add(document, entry.range, entry.instructionRange, entry.escapeChar, entry.args);
      }
    }
  }

  /** Hands this parse to the memo for the next one. */
  finish(escapeChar: string, entries: ArgumentsEntries | undefined): void {
    const document = this.document;
    this.memo.remember({
      text: this.text,
      mode: this.mode,
      escapeChar,
      steps: this.steps,
      ...(entries !== undefined && document !== undefined ? { arguments: { entries, document } } : {}),
      ...(this.instructions !== undefined ? { instructions: this.instructions } : {}),
    });
  }
}

function hasEntry(first: ArgumentsEntry | undefined, wanted: ArgumentsEntry): boolean {
  for (let entry = first; entry !== undefined; entry = entry.next) {
    if (entry.escapeChar === wanted.escapeChar && sameRange(entry.range, wanted.range) && sameRange(entry.instructionRange, wanted.instructionRange)) {
      return true;
    }
  }
  return false;
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character
  );
}

/** An instruction the previous parse read, in place of dockerfile-ast's (no tree is kept): its step is reused. */
export class ReusedInstruction {
  constructor(
    readonly step: Step,
    readonly start: number,
    readonly end: number,
  ) {}

  getKeyword(): string {
    return this.step.keyword.toUpperCase();
  }

  getInstruction(): string {
    return this.step.keyword;
  }

  getInstructionRange(): Range {
    return this.step.keywordRange;
  }

  getRange(): Range {
    return this.step.range;
  }
}

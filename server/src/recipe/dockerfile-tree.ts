// dockerfile-ast's tree of a Dockerfile, without the instructions its parser builds only to throw away.
//
// The parser builds every instruction with arguments twice: once in `processArguments`, only to hand it to
// `processHeredocs`, which looks for an argument starting with `<<` (a heredoc whose body lines it must skip),
// and again for the tree. Building one is most of the parse (a RUN tokenises its arguments and scans them for a
// JSON array in its constructor). An argument is read from the instruction's own text, so where that text holds
// no `<` there is no heredoc and `processHeredocs` would return its offset unchanged: the first build is skipped
// there, and the tree is the library's own, instruction for instruction.
import type { Dockerfile, Instruction } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser';

/** The parser's steps involved, private in its typings. */
interface ParserSteps {
  /** Set by `parse`: the document of the text, and the escape character its directives chose. */
  readonly document: object;
  readonly escapeChar: string;
  parse(buffer: string): Dockerfile;
  processArguments(dockerfile: Dockerfile, instruction: string, instructionEnd: number, start: number, offset: number): number;
  createInstruction(dockerfile: Dockerfile, instruction: string, start: number, instructionEnd: number, end: number): Instruction;
  processHeredocs(instruction: Instruction, offset: number): number;
}

const LIBRARY_STEPS = Parser.prototype as unknown as ParserSteps;

/** Stands for an instruction without heredocs that was not built; only `processHeredocs` ever sees it. */
const WITHOUT_HEREDOCS = Object.freeze({}) as Instruction;

/** Builds an instruction of its own in place of the library's (see recipe/dockerfile-plain.ts), or undefined. */
export interface InstructionReader {
  read(keyword: string, start: number, keywordEnd: number, end: number, escapeChar: string): Instruction | undefined;
  /** Told before the library builds an instruction of `document` from `text[start, end)` (recipe/dockerfile-memo.ts). */
  willBuild?(document: object, start: number, end: number): void;
  /**
   * An instruction an earlier tree holds for the same text at the same place, adopted into this tree (`adoptInstruction`)
   * instead of building it again, or undefined (recipe/dockerfile-memo.ts).
   */
  keptInstruction?(document: object, dockerfile: Dockerfile, start: number, keywordEnd: number, end: number, escapeChar: string): Instruction | undefined;
  /** Told of every instruction of the tree, built or kept, with where it starts, its keyword ends and it ends. */
  inTree?(instruction: Instruction, start: number, keywordEnd: number, end: number): void;
}

/** The fields of dockerfile-ast's objects that point at the document and the tree they belong to. */
interface TreeOwned {
  document: object;
  dockerfile: Dockerfile;
  /** An ARG's name and value, built with the instruction. */
  property?: { document: object } | null;
  /** An ENV's or LABEL's name/value pairs, once asked for. */
  properties?: { document: object }[];
}

/**
 * Moves an instruction of an earlier tree into `dockerfile`, whose `document` has the same text over the instruction's
 * range at the same positions. Everything else it holds (ranges, the JSON strings and flags it read) depends only on
 * that text, its positions and the escape character; what depends on the rest of the recipe (variables) it asks
 * `dockerfile` for whenever asked.
 */
export function adoptInstruction(instruction: Instruction, document: object, dockerfile: Dockerfile): Instruction {
  const owned = instruction as unknown as TreeOwned;
  owned.document = document;
  owned.dockerfile = dockerfile;
  if (owned.property) {
    owned.property.document = document;
  }
  for (const property of owned.properties ?? []) {
    property.document = document;
  }
  return instruction;
}

/**
 * `DockerfileParser.parse(text)`: the same tree, built with one instruction object per instruction. With `reader`,
 * the instructions it answers for are its objects instead of the library's (a tree only the front end reads).
 */
export function parseDockerfileTree(text: string, reader?: InstructionReader): Dockerfile {
  const parser = new Parser() as unknown as ParserSteps;
  let readingArguments = false;
  // The first `<` at or after the start of the last instruction asked about (starts only grow: linear in the text).
  let nextAngle = -1;
  const mayHoldHeredoc = (start: number, end: number): boolean => {
    if (nextAngle < start) {
      const found = text.indexOf('<', start);
      nextAngle = found < 0 ? Infinity : found;
    }
    return nextAngle < end;
  };
  parser.processArguments = function (this: ParserSteps, dockerfile, instruction, instructionEnd, start, offset) {
    readingArguments = true;
    try {
      return LIBRARY_STEPS.processArguments.call(this, dockerfile, instruction, instructionEnd, start, offset);
    } finally {
      readingArguments = false;
    }
  };
  parser.createInstruction = function (this: ParserSteps, dockerfile, instruction, start, instructionEnd, end) {
    if (readingArguments) {
      if (!mayHoldHeredoc(start, end)) {
        return WITHOUT_HEREDOCS;
      }
      reader?.willBuild?.(this.document, start, end);
      return LIBRARY_STEPS.createInstruction.call(this, dockerfile, instruction, start, instructionEnd, end);
    }
    const own = reader?.read(instruction, start, instructionEnd, end, this.escapeChar);
    if (own !== undefined) {
      return own;
    }
    let built = reader?.keptInstruction?.(this.document, dockerfile, start, instructionEnd, end, this.escapeChar);
    if (built === undefined) {
      reader?.willBuild?.(this.document, start, end);
      built = LIBRARY_STEPS.createInstruction.call(this, dockerfile, instruction, start, instructionEnd, end);
    }
    reader?.inTree?.(built, start, instructionEnd, end);
    return built;
  };
  parser.processHeredocs = function (this: ParserSteps, instruction, offset) {
    return instruction === WITHOUT_HEREDOCS ? offset : LIBRARY_STEPS.processHeredocs.call(this, instruction, offset);
  };
  return parser.parse(text);
}

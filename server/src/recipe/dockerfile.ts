// Dockerfile front end: dockerfile-ast instructions → the recipe model.
import {
  Healthcheck,
  Instruction as InstructionClass,
  JSONInstruction,
  ModifiableInstruction,
  PropertyInstruction,
  type Argument,
  type Dockerfile,
  type Instruction,
} from 'dockerfile-ast';
import type {
  ArgStep,
  BaseImage,
  Comment,
  Flag,
  ImageRef,
  KeyValue,
  ParseProblem,
  Range,
  Recipe,
  ShellCommand,
  ShellScript,
  Stage,
  Step,
  StepBase,
  Word,
  CopyStep,
  Draft,
} from './model';
import { withLinearCommentPlacement } from './dockerfile-comments';
import { ReusedInstruction, sameRange, type ArgumentsEntries, type ArgumentsEntry, type DockerfileParseMemo, type LibraryDocument, type ParseWithMemo } from './dockerfile-memo';
import { equalsLowerCase, PlainInstruction, PlainInstructionReader } from './dockerfile-plain';
import { adoptInstruction, parseDockerfileTree, type InstructionReader } from './dockerfile-tree';
import { factsOf } from './facts';
import { EMPTY_LIST, finishedList } from './model';
import { splitImageRef } from './image-ref';
import { buildkitSkipPragma, parsePragmas } from './pragmas';
import { execFormCommands, splitShell } from './shell';
import { LineIndex, skipBlanks, wordEnd } from './text';

/** Parses a Dockerfile/Containerfile. Never throws: internal failures become a ParseProblem. */
export function parseDockerfile(text: string): Recipe {
  return parseDockerfileWithSyntaxTree(text, false).recipe;
}

/** dockerfile-ast's tree of a Dockerfile and the raw arguments of its instructions, as the front end computed them. */
export interface DockerfileSyntaxTree {
  dockerfile: Dockerfile;
  arguments: ArgumentsMemo;
}

/** A parsed Dockerfile and dockerfile-ast's tree of it (absent when the parse failed or the tree was not kept). */
export interface ParsedDockerfile {
  recipe: Recipe;
  /** Read-only: dockerfile-utils' syntax check reuses it instead of parsing the text and tokenising its instructions again. */
  syntaxTree?: DockerfileSyntaxTree;
}

/**
 * `parseDockerfile`, keeping dockerfile-ast's tree and every instruction's raw arguments for the syntax check of the
 * same text when `keepTree`. Without it only the arguments of the instruction read last are kept while parsing: the
 * memo of them all was ~53 MB for 40,000 stages, promoted by every scavenge of the parse and then dropped.
 * With `memo`, the memo of the previous parse of the same document: what did not change is reused (recipe/dockerfile-memo.ts).
 */
export function parseDockerfileWithSyntaxTree(text: string, keepTree: boolean, memo?: DockerfileParseMemo): ParsedDockerfile {
  const index = new LineIndex(text);
  try {
    const argumentsMemo = keepTree ? new ArgumentsMemo() : new LastArguments();
    // Without a tree to keep, one-line FROM and RUN instructions of plain words are read from the text (recipe/dockerfile-plain.ts).
    // Not where a lone `\r` may break a line: dockerfile-ast counts lines there, the LineIndex does not.
    const plain = !keepTree && !text.includes('\r');
    const reuse = memo?.begin(text, index, keepTree, plain);
    const frontEnd = new DockerfileFrontEnd(text, index, plain, reuse, argumentsMemo instanceof ArgumentsMemo ? argumentsMemo : undefined);
    const { recipe, dockerfile } = withMemoizedArguments(() => withLinearCommentPlacement(() => frontEnd.parse()), argumentsMemo);
    const facts = factsOf(recipe);
    facts.adoptLineIndex(index);
    facts.adoptFirstStageByName(frontEnd.firstStageByName);
    if (argumentsMemo instanceof ArgumentsMemo) {
      reuse?.finish(dockerfile.getEscapeCharacter(), argumentsMemo);
      return { recipe, syntaxTree: { dockerfile, arguments: argumentsMemo } };
    }
    reuse?.finish(dockerfile.getEscapeCharacter(), undefined);
    return { recipe };
  } catch (error) {
    return {
      recipe: {
        format: 'dockerfile',
        text,
        stages: [],
        globalArgs: [],
        comments: [],
        pragmas: [],
        diagnostics: [
          {
            message: `hpclint could not parse this Dockerfile: ${error instanceof Error ? error.message : String(error)}`,
            range: index.range(0, 0),
            severity: 'error',
          },
        ],
        escapeChar: '\\',
      },
    };
  }
}

interface RawArgumentsOwner {
  getRawArguments(): Argument[];
  /** Fields of dockerfile-ast's Instruction the raw arguments depend on (with the document text). */
  readonly document: object;
  readonly range: Range;
  readonly instructionRange: Range;
  readonly escapeChar: string;
}

/** Answers dockerfile-ast's `getRawArguments` while one of our parses runs (see `withMemoizedArguments`). */
interface RawArgumentsSource {
  argumentsOf(instruction: RawArgumentsOwner, compute: (this: RawArgumentsOwner) => Argument[]): Argument[];
}

/**
 * The raw arguments computed for dockerfile-ast instructions, by document and ranges (see `withMemoizedArguments`).
 * A memo is only valid for the documents it was filled from, which never change.
 */
export class ArgumentsMemo implements RawArgumentsSource, ArgumentsEntries {
  /** Per document, the entries by their instruction's start line: an array, not a table keyed by instruction (hashing 80,000 instructions was a tenth of the parse). */
  private readonly byDocument = new Map<object, (ArgumentsEntry | undefined)[]>();

  /** The raw arguments of an instruction of a document, computed by the library's `getRawArguments` the first time. */
  argumentsOf(instruction: RawArgumentsOwner, compute: (this: RawArgumentsOwner) => Argument[]): Argument[] {
    const { document, range, instructionRange, escapeChar } = instruction;
    for (let entry = this.entriesAt(document, range.start.line); entry !== undefined; entry = entry.next) {
      if (entry.escapeChar === escapeChar && sameRange(entry.range, range) && sameRange(entry.instructionRange, instructionRange)) {
        return entry.args;
      }
    }
    const args = compute.call(instruction);
    this.add(document, range, instructionRange, escapeChar, args);
    return args;
  }

  entriesAt(document: object, line: number): ArgumentsEntry | undefined {
    return this.byDocument.get(document)?.[line];
  }

  /** Adds the raw arguments of an instruction of `document` (computed for the same text, ranges and escape character). */
  add(document: object, range: Range, instructionRange: Range, escapeChar: string, args: Argument[]): void {
    let byLine = this.byDocument.get(document);
    if (byLine === undefined) {
      byLine = [];
      this.byDocument.set(document, byLine);
    }
    const line = range.start.line;
    while (byLine.length <= line) {
      byLine.push(undefined); // kept dense: instructions are asked about in (mostly) increasing line order
    }
    byLine[line] = { range, instructionRange, escapeChar, args, next: byLine[line] };
  }
}

/**
 * The raw arguments of the instruction asked about last: dockerfile-ast's parser and the front end each ask several
 * times about one instruction before the next, so this answers most questions without keeping every instruction's
 * arguments (a RUN's are computed twice: once while the parser builds it, once when the front end reads it).
 */
class LastArguments implements RawArgumentsSource {
  private last?: Omit<ArgumentsEntry, 'next'> & { readonly document: object };

  argumentsOf(instruction: RawArgumentsOwner, compute: (this: RawArgumentsOwner) => Argument[]): Argument[] {
    const { document, range, instructionRange, escapeChar } = instruction;
    const last = this.last;
    if (last?.document === document && last.escapeChar === escapeChar && sameRange(last.range, range) && sameRange(last.instructionRange, instructionRange)) {
      return last.args;
    }
    const args = compute.call(instruction);
    this.last = { document, range, instructionRange, escapeChar, args };
    return args;
  }
}

/**
 * dockerfile-ast re-tokenises an instruction's arguments on every `getArguments()`, `getArgumentsRange()`,
 * `getRawArgumentsContent()`… call (several times per instruction while parsing, more while we read it),
 * and its own parser builds every instruction twice (recipe/dockerfile-tree.ts builds most of them once; the two
 * builds of one that may hold a heredoc share the result). The result only depends on the document, the instruction's
 * ranges and the escape character, so while one of OUR parses runs (synchronously) it is computed once per
 * instruction; callers get a copy because `ModifiableInstruction.getArguments` shifts flags off the array.
 * The library's own behaviour is restored afterwards. Also safe around other synchronous dockerfile-ast
 * users such as dockerfile-utils' `validate` (same results over the corpus, about 3x faster), which reads the
 * front end's tree with the front end's `memo`, so a lint tokenises each instruction once.
 */
export function withMemoizedArguments<T>(run: () => T, memo: RawArgumentsSource = new ArgumentsMemo()): T {
  const prototype = InstructionClass.prototype as unknown as RawArgumentsOwner;
  const original = prototype.getRawArguments;
  if (typeof original !== 'function') {
    return run();
  }
  prototype.getRawArguments = function memoizedRawArguments(this: RawArgumentsOwner): Argument[] {
    if (!this.document || !this.range || !this.instructionRange) {
      return original.call(this);
    }
    return memo.argumentsOf(this, original).slice();
  };
  try {
    return run();
  } finally {
    prototype.getRawArguments = original;
  }
}

/**
 * Reads instructions with the memo of the previous parse: without a tree to keep, an unchanged instruction is its
 * previous step (a ReusedInstruction, no dockerfile-ast object is built); before the library builds one of the tree,
 * the raw arguments of the unchanged instruction starting there are carried over.
 */
class MemoizedInstructionReader implements InstructionReader {
  constructor(
    private readonly reuse: ParseWithMemo,
    private readonly plain: PlainInstructionReader | undefined,
    private readonly treeArguments: ArgumentsMemo | undefined,
  ) {}

  read(keyword: string, start: number, keywordEnd: number, end: number, escapeChar: string): Instruction | undefined {
    if (this.treeArguments === undefined) {
      const step = this.reuse.previousStep(start, end, escapeChar);
      if (step !== undefined) {
        return new ReusedInstruction(step, start, end) as unknown as Instruction;
      }
    }
    return this.plain?.read(keyword, start, keywordEnd, end) as Instruction | undefined;
  }

  willBuild(document: object, start: number, end: number): void {
    if (this.treeArguments !== undefined) {
      this.reuse.carryArguments(document as LibraryDocument, start, end, this.treeArguments);
    }
  }

  keptInstruction(document: object, dockerfile: Dockerfile, start: number, keywordEnd: number, end: number, escapeChar: string): Instruction | undefined {
    const kept = this.treeArguments === undefined ? undefined : this.reuse.previousInstruction(start, keywordEnd, end, escapeChar);
    if (kept === undefined) {
      return undefined;
    }
    this.willBuild(document, start, end);
    return adoptInstruction(kept, document, dockerfile);
  }

  inTree(instruction: Instruction, start: number, keywordEnd: number, end: number): void {
    this.reuse.recordInstruction(instruction, start, keywordEnd, end);
  }
}

/** Splits an image reference (`registry/repo:tag@digest`) into its parts. */
export function parseImageRef(raw: string, range: Range): ImageRef {
  return splitImageRef(raw, raw, range);
}

const DIRECTIVE = /^\s*#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const SIMPLE_VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

class DockerfileFrontEnd {
  private readonly diagnostics: ParseProblem[] = [];
  private escapeChar = '\\';
  /** BuildKit's `# check=skip=…` parser directive. */
  private checkDirective?: { value: string; range: Range };
  /**
   * The index of the first stage of each lower-case name parsed so far (a FROM may name an earlier stage); when the
   * parse is done, RecipeFacts' `firstStageByName` (a second table of 40,000 names cost a lint ~25-50 ms).
   */
  readonly firstStageByName = new Map<string, number>();
  private readonly keywords = new Map<string, string>();
  /** `plainWordOffsets`' answer, reused. */
  private readonly wordOffsets: number[] = [];

  constructor(
    private readonly text: string,
    private readonly index: LineIndex,
    /** Read one-line FROM and RUN instructions of plain words without dockerfile-ast's objects (no one keeps the tree). */
    private readonly plain: boolean,
    /** The previous parse of the same document, to reuse the steps of unchanged instructions. */
    private readonly reuse: ParseWithMemo | undefined,
    /** Where the tree's raw arguments go, to be given those of unchanged instructions. */
    private readonly treeArguments: ArgumentsMemo | undefined,
  ) {}

  parse(): { recipe: Recipe; dockerfile: Dockerfile } {
    const plainReader = this.plain ? new PlainInstructionReader(this.text, this.index) : undefined;
    const reader = this.reuse ? new MemoizedInstructionReader(this.reuse, plainReader, this.treeArguments) : plainReader;
    const dockerfile = parseDockerfileTree(this.text, reader as InstructionReader | undefined);
    const escapeCharacter = dockerfile.getEscapeCharacter();
    this.escapeChar = escapeCharacter === '`' ? '`' : '\\';
    const stages: Draft<Stage>[] = [];
    const globalArgs: ArgStep[] = [];
    const instructions = dockerfile.getInstructions();
    for (const instruction of instructions) {
      const range = instruction.getRange();
      const keyword = instruction.getKeyword();
      const plain = instruction instanceof PlainInstruction ? instruction : undefined;
      if (keyword === 'FROM') {
        stages.push(plain ? this.plainStage(plain, stages, globalArgs) : this.stage(instruction, stages, globalArgs));
        continue;
      }
      const step = this.reuse ? this.reusedOrReadStep(instruction, plain, this.reuse, escapeCharacter) : plain ? this.plainRun(plain) : this.step(instruction);
      const stage = stages[stages.length - 1];
      if (stage) {
        stage.steps.push(step);
        stage.range = { start: stage.range.start, end: range.end };
      } else if (step.kind === 'arg') {
        globalArgs.push(step);
      } else {
        this.diagnostics.push({
          message: `${instruction.getInstruction()} before the first FROM: only ARG may come before FROM`,
          range: instruction.getInstructionRange(),
          severity: 'error',
        });
      }
    }
    for (const stage of stages) {
      stage.steps = finishedList(stage.steps);
    }
    const comments = this.comments(dockerfile.getComments().map((comment) => comment.getRange()), dockerfile.getDirectives().map((directive) => directive.getRange()));
    // Where each instruction ends, only when a pragma asks (a table of 80,000 instructions for none was a waste).
    let extents: Map<number, number> | undefined;
    const extentOf = (line: number): { startLine: number; endLine: number } => {
      extents ??= new Map(instructions.map((instruction) => [instruction.getRange().start.line, instruction.getRange().end.line]));
      return { startLine: line, endLine: extents.get(line) ?? line };
    };
    const pragmas = parsePragmas(comments, this.index, extentOf);
    if (this.checkDirective) {
      pragmas.push(buildkitSkipPragma(this.checkDirective.value, this.checkDirective.range));
    }
    const recipe: Recipe = {
      format: 'dockerfile',
      text: this.text,
      stages,
      globalArgs,
      comments,
      pragmas,
      diagnostics: this.diagnostics,
      escapeChar: this.escapeChar,
    };
    return { recipe, dockerfile };
  }

  /** The step of an instruction other than FROM: the previous parse's when unchanged, remembered for the next parse. */
  private reusedOrReadStep(instruction: Instruction, plain: PlainInstruction | undefined, reuse: ParseWithMemo, escapeCharacter: string): Step {
    if (instruction instanceof ReusedInstruction) {
      reuse.record(instruction.start, instruction.end, instruction.step);
      return instruction.step;
    }
    const start = plain ? plain.start : this.index.offsetAt(instruction.getRange().start);
    const end = plain ? plain.end : this.index.offsetAt(instruction.getRange().end);
    const step = reuse.previousStep(start, end, escapeCharacter) ?? (plain ? this.plainRun(plain) : this.step(instruction));
    reuse.record(start, end, step);
    return step;
  }

  // ------------------------------------------------------------ stages

  private stage(instruction: Instruction, earlier: readonly Stage[], globalArgs: readonly ArgStep[]): Draft<Stage> {
    const args = instruction.getArguments();
    const flags = this.flags(instruction);
    const imageArg = args[0];
    const range = instruction.getRange();
    let name: Word | undefined;
    if (args.length >= 3 && args[1].getValue().toLowerCase() === 'as') {
      name = this.argumentWord(args[2]);
    }
    const base: BaseImage = imageArg
      ? this.baseImage(this.argumentWord(imageArg), globalArgs)
      : { agent: 'docker', raw: '', range: instruction.getInstructionRange() };
    if (!imageArg) {
      this.diagnostics.push({ message: 'FROM requires an image', range: instruction.getInstructionRange(), severity: 'error' });
    }
    const { keyword, keywordRange } = this.stepBase(instruction);
    const from: Step = { keyword, keywordRange, range, kind: 'from', flags };
    const stage: Draft<Stage> = { index: earlier.length, base, steps: [from], range, sections: EMPTY_LIST };
    if (name) {
      stage.name = name;
      this.addStageName(name.value.toLowerCase(), stage.index);
    }
    return stage;
  }

  /** `stage` of a PlainInstruction: its words are read from the text (no flags; the value of a word is its text). */
  private plainStage(instruction: PlainInstruction, earlier: readonly Stage[], globalArgs: readonly ArgStep[]): Draft<Stage> {
    const words = this.plainWordOffsets(instruction, 3);
    const range = instruction.getRange();
    let name: Word | undefined;
    if (words.length >= 6 && words[3] - words[2] === 2 && equalsLowerCase(this.text.slice(words[2], words[3]), 'as')) {
      name = this.plainWord(words[4], words[5]);
    }
    const base = this.baseImage(this.plainWord(words[0], words[1]), globalArgs);
    const { keyword, keywordRange } = this.stepBase(instruction);
    const from: Step = { keyword, keywordRange, range, kind: 'from', flags: EMPTY_LIST };
    const stage: Draft<Stage> = { index: earlier.length, base, steps: [from], range, sections: EMPTY_LIST };
    if (name) {
      stage.name = name;
      this.addStageName(name.value.toLowerCase(), stage.index);
    }
    return stage;
  }

  /** The RUN step of a PlainInstruction: its script starts at its first word. */
  private plainRun(instruction: PlainInstruction): Step {
    const { keyword, keywordRange, range } = this.stepBase(instruction);
    const start = this.plainWordOffsets(instruction, 1)[0];
    const script = splitShell(this.text, start, Math.max(start, instruction.end), this.index, { escapeChar: this.escapeChar, dockerfileComments: true });
    return { keyword, keywordRange, range, kind: 'run', flags: EMPTY_LIST, script };
  }

  /** Start and end offsets of the first `count` (or fewer) words of a PlainInstruction, in a list reused by the next call. */
  private plainWordOffsets(instruction: PlainInstruction, count: number): number[] {
    const offsets = this.wordOffsets;
    offsets.length = 0;
    const text = this.text;
    const end = instruction.end;
    let i = instruction.keywordEnd;
    while (i < end && offsets.length < 2 * count) {
      const start = skipBlanks(text, i, end);
      if (start === end) {
        break;
      }
      i = wordEnd(text, start, end);
      offsets.push(start, i);
    }
    return offsets;
  }

  /** `argumentWord` of a plain word: dockerfile-ast's value of it is its text. */
  private plainWord(start: number, end: number): Word {
    const text = this.text.slice(start, end);
    const value = unquote(text);
    return { text, value: value === text ? text : value, range: this.index.range(start, end) };
  }

  private addStageName(name: string, index: number): void {
    if (!this.firstStageByName.has(name)) {
      this.firstStageByName.set(name, index);
    }
  }

  private baseImage(image: Word, globalArgs: readonly ArgStep[]): BaseImage {
    const base: Draft<BaseImage> = { agent: 'docker', raw: image.text, range: image.range };
    const stageName = image.value.toLowerCase();
    if (this.firstStageByName.has(stageName)) {
      base.stageRef = image.value;
      return base;
    }
    const resolved = resolveGlobalArgs(image.value, globalArgs);
    if (resolved.toLowerCase() === 'scratch') {
      return base;
    }
    if (resolved !== image.value && this.firstStageByName.has(resolved.toLowerCase())) {
      base.stageRef = resolved;
      return base;
    }
    base.image = splitImageRef(resolved, image.text, image.range);
    return base;
  }

  // ------------------------------------------------------------ steps

  private step(instruction: Instruction): Step {
    const base = this.stepBase(instruction);
    const { keyword, keywordRange, range } = base;
    switch (instruction.getKeyword()) {
      case 'RUN':
        return { keyword, keywordRange, range, kind: 'run', flags: this.flags(instruction), script: this.script(instruction, this.argumentsStart(instruction)) };
      case 'CMD':
      case 'ENTRYPOINT':
        return this.entrypoint(instruction, base);
      case 'HEALTHCHECK':
        return this.healthcheck(instruction, base);
      case 'ENV':
        return { keyword, keywordRange, range, kind: 'env', pairs: this.pairs(instruction) };
      case 'ARG':
        return { keyword, keywordRange, range, kind: 'arg', pairs: this.pairs(instruction) };
      case 'LABEL':
        return { keyword, keywordRange, range, kind: 'label', pairs: this.pairs(instruction) };
      case 'MAINTAINER':
        return { keyword, keywordRange, range, kind: 'label', pairs: this.maintainer(instruction) };
      case 'COPY':
      case 'ADD':
        return this.copy(instruction, base);
      case 'USER':
        return this.withValue({ keyword, keywordRange, range, kind: 'user' }, instruction);
      case 'WORKDIR':
        return this.withValue({ keyword, keywordRange, range, kind: 'workdir' }, instruction);
      case 'EXPOSE':
        return { keyword, keywordRange, range, kind: 'expose', ports: this.words(instruction) };
      default:
        return { keyword, keywordRange, range, kind: 'other', args: this.words(instruction) };
    }
  }

  /** One string per keyword as written (`RUN`, `run`): dockerfile-ast slices a new one for every instruction. */
  private keyword(written: string): string {
    const known = this.keywords.get(written);
    if (known !== undefined) {
      return known;
    }
    this.keywords.set(written, written);
    return written;
  }

  /**
   * Every step is an object literal with its fields written out: V8 gives each object made by
   * `{ ...base, more }` a hidden class of its own, and 80,000 steps with 80,000 shapes made every
   * rule's reads of them megamorphic (rules ran twice as fast on a copy of the model).
   */
  private stepBase(instruction: Pick<Instruction, 'getInstruction' | 'getInstructionRange' | 'getRange'>): StepBase {
    return {
      keyword: this.keyword(instruction.getInstruction()),
      keywordRange: instruction.getInstructionRange(),
      range: instruction.getRange(),
    };
  }

  private entrypoint(instruction: Instruction, { keyword, keywordRange, range }: StepBase): Step {
    const json = this.jsonWords(instruction);
    if (json) {
      return { keyword, keywordRange, range, kind: 'entrypoint', form: 'exec', args: json, script: this.execScript(instruction, json) };
    }
    return { keyword, keywordRange, range, kind: 'entrypoint', form: 'shell', args: EMPTY_LIST, script: this.script(instruction, this.argumentsStart(instruction)) };
  }

  private healthcheck(instruction: Instruction, { keyword, keywordRange, range }: StepBase): Step {
    const subcommand = instruction instanceof Healthcheck ? instruction.getSubcommand() : null;
    if (!subcommand || subcommand.getValue().toUpperCase() !== 'CMD') {
      return { keyword, keywordRange, range, kind: 'test' };
    }
    const end = this.index.offsetAt(instruction.getRange().end);
    let start = this.index.offsetAt(subcommand.getRange().end);
    while (start < end && (this.text[start] === ' ' || this.text[start] === '\t')) {
      start++;
    }
    const json = this.parseJsonArray(start, end);
    if (json) {
      return { keyword, keywordRange, range, kind: 'test', script: this.execScriptFrom(json, start, end) };
    }
    return { keyword, keywordRange, range, kind: 'test', script: this.script(instruction, start) };
  }

  private copy(instruction: Instruction, { keyword, keywordRange, range }: StepBase): Step {
    const flags = this.flags(instruction);
    let paths = this.jsonWords(instruction);
    if (!paths) {
      const heredocStart = this.firstHeredocContentStart(instruction);
      paths = instruction
        .getArguments()
        .filter((arg) => heredocStart === undefined || this.index.offsetAt(arg.getRange().start) < heredocStart)
        .map((arg) => this.argumentWord(arg));
    }
    const step: Draft<CopyStep> = { keyword, keywordRange, range, kind: 'copy', flags, sources: paths.slice(0, -1) };
    if (paths.length > 0) {
      step.destination = paths[paths.length - 1];
    }
    const from = flags.find((flag) => flag.name === 'from')?.value;
    if (from) {
      step.from = from;
    }
    return step;
  }

  private withValue<S extends Step & { value?: Word }>(step: S, instruction: Instruction): S {
    const args = instruction.getArguments();
    if (args.length === 1) {
      step.value = this.argumentWord(args[0]);
    } else if (args.length > 1) {
      const start = this.index.offsetAt(args[0].getRange().start);
      const end = this.index.offsetAt(args[args.length - 1].getRange().end);
      const raw = this.text.slice(start, end);
      step.value = { text: raw, value: raw, range: this.index.range(start, end) };
    }
    return step;
  }

  private maintainer(instruction: Instruction): KeyValue[] {
    const args = instruction.getArguments();
    const keywordRange = instruction.getInstructionRange();
    const key: Word = { text: instruction.getInstruction(), value: 'maintainer', range: keywordRange };
    if (args.length === 0) {
      return [{ key, range: instruction.getRange() }];
    }
    const start = this.index.offsetAt(args[0].getRange().start);
    const end = this.index.offsetAt(args[args.length - 1].getRange().end);
    const raw = this.text.slice(start, end);
    return [{ key, value: { text: raw, value: raw, range: this.index.range(start, end) }, range: instruction.getRange() }];
  }

  private pairs(instruction: Instruction): KeyValue[] {
    if (!(instruction instanceof PropertyInstruction)) {
      return [];
    }
    return instruction.getProperties().map((property) => {
      const nameRange = property.getNameRange();
      const key: Word = { text: this.slice(nameRange), value: property.getName(), range: nameRange };
      const pair: Draft<KeyValue> = { key, range: property.getRange() };
      const valueRange = property.getValueRange();
      const value = property.getValue();
      if (valueRange && value !== null) {
        pair.value = { text: this.slice(valueRange), value, range: valueRange };
      }
      return pair;
    });
  }

  private flags(instruction: Instruction): Flag[] {
    if (!(instruction instanceof ModifiableInstruction) || instruction.getFlags().length === 0) {
      return EMPTY_LIST;
    }
    return instruction.getFlags().map((flag) => {
      const result: Draft<Flag> = { name: flag.getName(), range: flag.getRange() };
      const value = flag.getValue();
      const valueRange = flag.getValueRange();
      if (value !== null && valueRange) {
        result.value = { text: this.slice(valueRange), value: unquote(value), range: valueRange };
      }
      return result;
    });
  }

  // ------------------------------------------------------------ shell and exec forms

  /** Offset where the instruction's arguments start (after keyword and flags). */
  private argumentsStart(instruction: Instruction): number {
    const argsRange = instruction.getArgumentsRange();
    if (argsRange) {
      return this.index.offsetAt(argsRange.start);
    }
    return this.index.offsetAt(instruction.getRange().end);
  }

  private script(instruction: Instruction, start: number): ShellScript {
    if (instruction instanceof JSONInstruction) {
      const json = this.jsonWords(instruction);
      if (json) {
        // RUN ["bash", "-c", "…"]: the script string is shell too, like `bash -c "…"` in the shell form.
        return this.execScript(instruction, json, true);
      }
    }
    const end = Math.max(start, this.index.offsetAt(instruction.getRange().end));
    return splitShell(this.text, start, end, this.index, { escapeChar: this.escapeChar, dockerfileComments: true });
  }

  private execScript(instruction: Instruction, args: Word[], splitScriptString = false): ShellScript {
    const start = this.argumentsStart(instruction);
    const end = Math.max(start, this.index.offsetAt(instruction.getRange().end));
    return this.execScriptFrom(args, start, end, splitScriptString);
  }

  /** The argv of an exec form as a single command (followed by its script string's commands when asked to split it). */
  private execScriptFrom(args: Word[], start: number, end: number, splitScriptString = false): ShellScript {
    const range = this.index.range(start, end);
    const argv: ShellCommand = {
      words: args,
      assignments: EMPTY_LIST,
      name: args.length === 0 ? '' : basename(args[0].value),
      range: args.length === 0 ? range : { start: args[0].range.start, end: args[args.length - 1].range.end },
      pipesToNext: false,
      depth: 0,
    };
    const commands = args.length === 0 ? [] : splitScriptString ? execFormCommands(this.text, this.index, argv) : [argv];
    return { text: this.text.slice(start, end), range, commands, heredocs: EMPTY_LIST, comments: EMPTY_LIST };
  }

  /** JSON-array arguments (exec form), or undefined for the shell form. */
  private jsonWords(instruction: Instruction): Word[] | undefined {
    if (!(instruction instanceof JSONInstruction)) {
      return undefined;
    }
    if (!instruction.getOpeningBracket() || !instruction.getClosingBracket()) {
      return undefined;
    }
    return instruction.getJSONStrings().map((json) => {
      const range = json.getRange();
      const raw = this.slice(range);
      return { text: raw, value: parseJsonString(raw) ?? json.getJSONValue(), range };
    });
  }

  /** Parses `["a", "b"]` in text[start, end) when that is the whole (trimmed) content. */
  private parseJsonArray(start: number, end: number): Word[] | undefined {
    const content = this.text.slice(start, end);
    const open = content.search(/\S/);
    if (open < 0 || content[open] !== '[' || content.trimEnd().slice(-1) !== ']') {
      return undefined;
    }
    const words: Word[] = [];
    const stringPattern = /"(?:[^"\\\n]|\\.)*"/g;
    for (const match of content.matchAll(stringPattern)) {
      const wordStart = start + (match.index ?? 0);
      const raw = match[0];
      words.push({ text: raw, value: parseJsonString(raw) ?? raw.slice(1, -1), range: this.index.range(wordStart, wordStart + raw.length) });
    }
    try {
      JSON.parse(content);
    } catch {
      return undefined;
    }
    return words;
  }

  private firstHeredocContentStart(instruction: Instruction): number | undefined {
    const withHeredocs = instruction as Instruction & { getHeredocs?: () => { getContentRange(): Range | null; getStartRange(): Range }[] };
    if (typeof withHeredocs.getHeredocs !== 'function') {
      return undefined;
    }
    const heredocs = withHeredocs.getHeredocs();
    if (heredocs.length === 0) {
      return undefined;
    }
    // The operator line ends where the first body line starts.
    const firstLine = heredocs[0].getStartRange().start.line;
    return this.index.lineStart(firstLine + 1);
  }

  // ------------------------------------------------------------ words

  private words(instruction: Instruction): Word[] {
    return instruction.getArguments().map((arg) => this.argumentWord(arg));
  }

  private argumentWord(arg: Argument): Word {
    const range = arg.getRange();
    const text = this.slice(range);
    const value = unquote(arg.getValue());
    return { text, value: value === text ? text : value, range };
  }

  /**
   * `#` comment lines. dockerfile-ast reads any leading `# word … =value` line as a parser directive;
   * BuildKit only accepts `# name=value` with a known name and stops at the first other comment.
   */
  private comments(commentRanges: Range[], directiveRanges: Range[]): Comment[] {
    const comments: Comment[] = [];
    let directivesEnded = false;
    for (const range of directiveRanges) {
      const text = this.slice(range);
      const match = DIRECTIVE.exec(text);
      if (directivesEnded || !match || !KNOWN_DIRECTIVES.has(match[1].toLowerCase())) {
        directivesEnded = true;
        comments.push({ text, range });
      } else if (match[1].toLowerCase() === 'check') {
        this.checkDirective = { value: match[2], range };
      }
    }
    for (const range of commentRanges) {
      comments.push({ text: this.slice(range), range });
    }
    return comments.sort((a, b) => a.range.start.line - b.range.start.line);
  }

  private slice(range: Range): string {
    return this.text.slice(this.index.offsetAt(range.start), this.index.offsetAt(range.end));
  }
}

function parseJsonString(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
    return value.slice(1, -1);
  }
  return value;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

/** Substitutes `$VAR`, `${VAR}` and `${VAR:-default}` with global ARG defaults where known. */
function resolveGlobalArgs(value: string, globalArgs: readonly ArgStep[]): string {
  if (!value.includes('$')) {
    return value;
  }
  const defaults = new Map<string, string>();
  for (const step of globalArgs) {
    for (const pair of step.pairs) {
      if (pair.value) {
        defaults.set(pair.key.value, pair.value.value);
      }
    }
  }
  return value.replace(SIMPLE_VARIABLE, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const known = defaults.get(name);
    if (known !== undefined && known !== '') {
      return known;
    }
    return fallback !== undefined && !/^\$\{\w*:?\+/.test(whole) ? fallback : whole;
  });
}

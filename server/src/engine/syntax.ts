// dockerfile-utils' syntax check (`validate`), kept linear in the length of the Dockerfile.
//
// For every `$VAR` in the file its variable checks ask dockerfile-ast whether an earlier ENV or ARG of the
// stage defines it (`resolveVariable`, `isBuildVariable`), and dockerfile-ast answers by filtering all of
// the stage's instructions and walking back through every ENV: quadratic in a long stage (most of the
// syntax check's time on a 4,000-line Dockerfile, seconds at 30,000 lines). While one validate runs,
// synchronously, a parsed image does not change, so here each image gets its per-kind instruction lists
// and an index of its ENV/ARG definitions once, and the two questions are answered by binary search.
// The answers are exactly the library's own (test/unit/engine/syntax.test.ts, over the corpus).
import { validate, type ValidatorSettings } from 'dockerfile-utils';
import { DockerfileParser, Instruction, type Dockerfile } from 'dockerfile-ast';
import { ImageTemplate } from 'dockerfile-ast/lib/imageTemplate';
import { withMemoizedArguments, type DockerfileSyntaxTree } from '../recipe/dockerfile';
import { withLinearCommentPlacement } from '../recipe/dockerfile-comments';
import { defuseStageNames, restoreStageName } from './syntaxTraps';
import { withVariableCheckWhereItCanReport } from './syntaxVariableCheck';
import { withMemoizedInstructionChecks, type SyntaxMemo } from './syntaxMemo';
import { withLinearVariableParsing } from './syntaxVariableParse';

type Validation = ReturnType<typeof validate>;

interface PropertyLike {
  getName(): string;
  getValue(): string | null;
}

interface ImageLike {
  instructions: readonly unknown[];
  getENVs(): ReadonlyArray<{ getRange(): { start: { line: number } }; getProperties(): PropertyLike[] }>;
  getARGs(): ReadonlyArray<{ getRange(): { start: { line: number } }; getProperty(): PropertyLike | null }>;
}

/** For one variable name: the start lines of the instructions that define it (ascending) and the values they give. */
interface Definitions {
  lines: number[];
  values: Array<string | null>;
}

interface VariableIndex {
  length: number;
  env: Map<string, Definitions>;
  arg: Map<string, Definitions>;
}

const NOT_DEFINED = Symbol('not defined');

/** The value of the last definition starting before `line`, like dockerfile-ast's backwards walk with `isBefore(line)`. */
function definedBefore(definitions: Definitions | undefined, line: number): string | null | typeof NOT_DEFINED {
  if (definitions === undefined) {
    return NOT_DEFINED;
  }
  let low = 0;
  let high = definitions.lines.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (definitions.lines[middle] < line) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found < 0 ? NOT_DEFINED : definitions.values[found];
}

function addDefinition(index: Map<string, Definitions>, name: string, line: number, value: string | null): void {
  let definitions = index.get(name);
  if (definitions === undefined) {
    definitions = { lines: [], values: [] };
    index.set(name, definitions);
  }
  definitions.lines.push(line);
  definitions.values.push(value);
}

function buildIndex(image: ImageLike): VariableIndex {
  const env = new Map<string, Definitions>();
  for (const instruction of image.getENVs()) {
    const line = instruction.getRange().start.line;
    const seen = new Set<string>();
    // Within one ENV the first property of a name answers (the library's inner loop returns on it).
    for (const property of instruction.getProperties()) {
      const name = property.getName();
      if (!seen.has(name)) {
        seen.add(name);
        addDefinition(env, name, line, property.getValue());
      }
    }
  }
  const arg = new Map<string, Definitions>();
  for (const instruction of image.getARGs()) {
    const property = instruction.getProperty();
    if (property) {
      addDefinition(arg, property.getName(), instruction.getRange().start.line, property.getValue());
    }
  }
  return { length: image.instructions.length, env, arg };
}

/** The image's index in `indexes`, built again when the image has other instructions than when it was indexed. */
function variableIndexOf(indexes: WeakMap<object, VariableIndex>, image: ImageLike): VariableIndex {
  let index = indexes.get(image);
  if (index === undefined || index.length !== image.instructions.length) {
    index = buildIndex(image);
    indexes.set(image, index);
  }
  return index;
}

/** Runs `run` with dockerfile-ast's ENV/ARG lookups indexed per image; the library is restored afterwards. */
export function withIndexedVariableLookups<T>(run: () => T): T {
  const images = ImageTemplate.prototype as unknown as { resolveVariable(this: ImageLike, variable: string, line: number): string | null | undefined };
  const instructions = Instruction.prototype as unknown as {
    isBuildVariable(this: Instruction, variable: string, line: number): boolean | undefined;
  };
  const originalResolve = images.resolveVariable;
  const originalIsBuild = instructions.isBuildVariable;
  const indexes = new WeakMap<object, VariableIndex>();
  images.resolveVariable = function indexedResolveVariable(this: ImageLike, variable: string, line: number): string | null | undefined {
    const index = variableIndexOf(indexes, this);
    const fromEnv = definedBefore(index.env.get(variable), line);
    if (fromEnv !== NOT_DEFINED) {
      return fromEnv;
    }
    const fromArg = definedBefore(index.arg.get(variable), line);
    return fromArg === NOT_DEFINED ? undefined : fromArg;
  };
  instructions.isBuildVariable = function indexedIsBuildVariable(this: Instruction, variable: string, line: number): boolean | undefined {
    const dockerfile = (this as unknown as { dockerfile: { getContainingImage(position: { line: number; character: number }): ImageLike | null } }).dockerfile;
    const image = this.getKeyword() === 'FROM' ? null : dockerfile.getContainingImage({ line, character: 0 });
    if (image === null) {
      return originalIsBuild.call(this, variable, line);
    }
    const index = variableIndexOf(indexes, image);
    if (definedBefore(index.env.get(variable), line) !== NOT_DEFINED) {
      return false;
    }
    return definedBefore(index.arg.get(variable), line) !== NOT_DEFINED ? true : undefined;
  };
  try {
    return run();
  } finally {
    images.resolveVariable = originalResolve;
    instructions.isBuildVariable = originalIsBuild;
  }
}

/** Lookups that filter an image's instructions by kind; each is recomputed only when the image gains instructions. */
const FILTERS = ['getARGs', 'getENVs', 'getFROMs'] as const;

interface Filterable {
  instructions: readonly unknown[];
}

/** Runs `run` with ImageTemplate's per-kind instruction lists cached per image; the library is restored afterwards. */
export function withCachedInstructionLists<T>(run: () => T): T {
  const prototype = ImageTemplate.prototype as unknown as Record<(typeof FILTERS)[number], (this: Filterable) => readonly unknown[]>;
  const originals = FILTERS.map((name) => [name, prototype[name]] as const);
  const cache = new WeakMap<object, Map<string, { length: number; list: readonly unknown[] }>>();
  for (const [name, original] of originals) {
    prototype[name] = function cachedList(this: Filterable): readonly unknown[] {
      let lists = cache.get(this);
      if (lists === undefined) {
        lists = new Map();
        cache.set(this, lists);
      }
      const cached = lists.get(name);
      if (cached !== undefined && cached.length === this.instructions.length) {
        return cached.list;
      }
      // Frozen: a caller that changed the shared list would throw instead of corrupting the next answer.
      const list = Object.freeze(original.call(this));
      lists.set(name, { length: this.instructions.length, list });
      return list;
    };
  }
  try {
    return run();
  } finally {
    for (const [name, original] of originals) {
      prototype[name] = original;
    }
  }
}

/**
 * Above this many stages dockerfile-utils' checks are quadratic in the stage count (each variable looks for its
 * stage among all of them: 4,000 stages take seconds); the largest corpus Dockerfile has 49.
 */
export const MAX_SYNTAX_CHECK_STAGES = 200;

/** Why dockerfile-utils' checks are skipped for this Dockerfile, or undefined. */
export function syntaxCheckSkipReason(text: string): string | undefined {
  const stages = text.match(/^[ \t]*FROM[ \t]/gim)?.length ?? 0;
  return stages > MAX_SYNTAX_CHECK_STAGES
    ? `Syntax checks skipped: ${stages} stages (dockerfile-utils checks up to ${MAX_SYNTAX_CHECK_STAGES}); hpclint's own rules still ran.`
    : undefined;
}

/**
 * Runs `run` with dockerfile-ast's parser answering `text` with `tree`, the tree hpclint's front end already
 * built for the same text (dockerfile-utils' `validate` would parse it again); other texts are parsed as usual.
 */
function withParsedTree<T>(text: string, tree: Dockerfile | undefined, run: () => T): T {
  if (tree === undefined) {
    return run();
  }
  const original = DockerfileParser.parse;
  DockerfileParser.parse = (content: string) => (content === text ? tree : original(content));
  try {
    return run();
  } finally {
    DockerfileParser.parse = original;
  }
}

/**
 * dockerfile-utils' findings for a Dockerfile; its own crashes (e.g. on a stage named `constructor`) become one info
 * finding. `syntaxTree` is the front end's parse of `text` (dockerfile-ast's tree and the raw arguments of its
 * instructions), when the caller has one; `memo`, the document's (its previous check's findings per instruction).
 */
export function validateDockerfile(text: string, settings?: ValidatorSettings, syntaxTree?: DockerfileSyntaxTree, memo?: SyntaxMemo): Validation {
  try {
    // Stage names that would send its stage-name pattern into exponential backtracking are defused first.
    const defused = defuseStageNames(text, syntaxTree?.dockerfile);
    // The parser's argument memo (2-3x; the front end's, which has every instruction of its tree), cached instruction
    // lists, indexed variable lookups, variables parsed in linear time (all linear in the length) and no variable check
    // where it can find nothing; with the document's memo, the previous check's problems of unchanged instructions. The
    // tree is for `text`: a text whose stage names had to be defused is parsed again.
    const library = () => validate(defused.text, settings);
    const memoized = memo === undefined ? library : () => withMemoizedInstructionChecks(memo, JSON.stringify(settings ?? null), library);
    const check = () => withVariableCheckWhereItCanReport(() => withLinearVariableParsing(memoized));
    const found = withParsedTree(text, syntaxTree?.dockerfile, () =>
      withMemoizedArguments(() => withLinearCommentPlacement(() => withCachedInstructionLists(() => withIndexedVariableLookups(check))), syntaxTree?.arguments),
    );
    if (defused.names.size > 0) {
      for (const diagnostic of found) {
        diagnostic.message = restoreStageName(typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value, defused.names);
      }
    }
    return found;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const start = { line: 0, character: 0 };
    return [
      {
        range: { start, end: start },
        severity: 3,
        code: 'INTERNAL',
        message: `dockerfile-utils could not check this file's syntax (${detail}); hpclint's own rules still ran.`,
      },
    ];
  }
}

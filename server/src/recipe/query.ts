// Small helpers rules use to query the recipe model (never raw regexes over the whole text).
import {
  effectiveName,
  effectiveWords,
  factsOf,
  isPipCommand,
  stageDefinitions,
  stageStepsOfKind,
  type RecipeFacts,
  type ScriptRef,
  type StageDefinitions,
} from './facts';
import type { Recipe, ShellCommand, ShellScript, Stage, Step, StepKind, Word } from './model';

export type { ScriptRef };

export type StepOfKind<K extends StepKind> = Extract<Step, { kind: K }>;

// The per-recipe, per-stage and per-command facts these helpers answer from are computed once, in
// facts.ts (RecipeFacts). Arrays handed to callers are fresh copies unless a helper says otherwise.

/**
 * Every shell script of RUN/`%post`…, ENTRYPOINT/CMD/`%runscript`…, HEALTHCHECK/`%test` and `%environment` steps
 * (the recipe's one list: some thirty rules ask for it, and a copy each was 40,000 entries in a 40,000-stage recipe).
 */
export function allScripts(recipe: Recipe): readonly ScriptRef[] {
  return factsOf(recipe).scripts;
}

/** The scripts of one stage, in order (the stage's one list). */
export function scriptsOfStage(recipe: Recipe, stage: Stage): readonly ScriptRef[] {
  return factsOf(recipe).scriptsOf(stage);
}

/** Commands of `source`; for a recipe the shared list (callers only read it). */
function commandsOf(source: Recipe | ShellScript | readonly ShellScript[]): readonly ShellCommand[] {
  if (Array.isArray(source)) {
    return source.flatMap((script: ShellScript) => script.commands);
  }
  if ('commands' in source) {
    return (source as ShellScript).commands;
  }
  return factsOf(source as Recipe).commands;
}

/**
 * Commands whose effective name (after wrappers such as `sudo`/`env`, see `effectiveWords`) is one of `names`.
 * Names compare against the basename: `/usr/bin/pip3` matches `pip3`.
 */
export function commandsNamed(source: Recipe | ShellScript | readonly ShellScript[], ...names: string[]): ShellCommand[] {
  if (!Array.isArray(source) && !('commands' in source)) {
    const facts = factsOf(source as Recipe);
    const commands = facts.commands;
    const positions: number[] = [];
    for (const name of new Set(names)) {
      const found = facts.commandPositionsNamed(name);
      if (found) {
        positions.push(...found);
      }
    }
    if (names.length > 1) {
      positions.sort((a, b) => a - b);
    }
    return positions.map((position) => commands[position]);
  }
  const wanted = new Set(names);
  return commandsOf(source).filter((command) => wanted.has(effectiveName(command)));
}

export { effectiveName, effectiveWords, isPipCommand };

/** `pip`, `pip3`, `pip3.11`, `/opt/venv/bin/pip` and `python3 -m pip …` commands. */
export function pipCommands(source: Recipe | ShellScript | readonly ShellScript[]): ShellCommand[] {
  return commandsOf(source).filter(isPipCommand);
}

/** Words of `command.words` after position `index` (`wordsAfter(cmd, 0)` = the arguments). */
export function wordsAfter(command: ShellCommand, index: number): Word[] {
  return command.words.slice(Math.max(0, index + 1));
}

// ---------------------------------------------------------------- flags

function isEndOfOptions(word: Word): boolean {
  return word.value === '--';
}

/** Argument words of the effective command up to a `--` end-of-options marker. */
function optionWords(command: ShellCommand): Word[] {
  const args = effectiveWords(command).slice(1);
  const end = args.findIndex(isEndOfOptions);
  return end >= 0 ? args.slice(0, end) : args;
}

const SHORT_CLUSTER = /^-[A-Za-z0-9]+$/;

function matchesFlag(value: string, flag: string): boolean {
  if (value === flag) {
    return true;
  }
  if (flag.startsWith('--')) {
    return value.startsWith(flag + '=');
  }
  if (flag.length === 2 && flag[0] === '-') {
    // Combined short flags: `-fsSLk` contains `-k`.
    return SHORT_CLUSTER.test(value) && value.includes(flag[1]);
  }
  return flag.startsWith('-') && value.startsWith(flag + '=');
}

/**
 * True if the effective command has any of `flags` (`-k`, `--insecure`, `--index-url`).
 * `--name` also matches `--name=value`; a single-letter `-k` also matches inside `-fsSLk`.
 */
export function hasFlag(command: ShellCommand, ...flags: string[]): boolean {
  for (const word of optionWords(command)) {
    for (const flag of flags) {
      if (matchesFlag(word.value, flag)) {
        return true;
      }
    }
  }
  return false;
}

/** The word holding `flag`'s value: `--flag=value`, `--flag value`, `-o value` or `-ovalue`. */
export function flagValue(command: ShellCommand, ...flags: string[]): Word | undefined {
  const words = optionWords(command);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    for (const flag of flags) {
      if (word.value === flag) {
        return words[i + 1];
      }
      const attached = flag.startsWith('--') || flag.length > 2 ? flag + '=' : flag;
      if (word.value.startsWith(attached) && word.value.length > attached.length) {
        return suffixWord(word, attached.length);
      }
    }
  }
  return undefined;
}

/** The part of `word` after its first `length` value characters; exact range when the prefix is unquoted. */
function suffixWord(word: Word, length: number): Word {
  const value = word.value.slice(length);
  const prefixIsLiteral = word.text.startsWith(word.value.slice(0, length));
  if (!prefixIsLiteral || word.range.start.line !== word.range.end.line) {
    return { text: word.text, value, range: word.range };
  }
  return {
    text: word.text.slice(length),
    value,
    range: {
      start: { line: word.range.start.line, character: word.range.start.character + length },
      end: word.range.end,
    },
  };
}

// ---------------------------------------------------------------- stages and steps

export function finalStage(recipe: Recipe): Stage | undefined {
  return recipe.stages[recipe.stages.length - 1];
}

/** Steps of one kind, typed by kind, from one stage or every stage of a recipe. */
export function stepsOf<K extends StepKind>(source: Recipe | Stage, kind: K): StepOfKind<K>[] {
  const steps = 'stages' in source ? factsOf(source).stepsOfKind(kind) : stageStepsOfKind(source, kind);
  return steps.slice() as StepOfKind<K>[];
}

/**
 * Value of a variable from ENV/ARG definitions: the last definition in `stage` (optionally only those on
 * lines before `beforeLine`), then stages it builds on (`FROM earlier`), then global ARG defaults.
 * Undefined when unknown or declared without a value.
 */
export function resolveVariable(recipe: Recipe, stage: Stage | undefined, name: string, beforeLine?: number): string | undefined {
  const facts = factsOf(recipe);
  if (stage === undefined || !facts.stagesDefine(name)) {
    return globalArg(recipe, name);
  }
  const found = lastDefinition(stage, name, beforeLine);
  if (found !== undefined) {
    return found.value ?? globalArg(recipe, name);
  }
  const inherited = facts.stageReferencesCycle ? walkedDefinition(facts, stage, name) : inheritedDefinition(facts, stage, name);
  return inherited?.value ?? globalArg(recipe, name);
}

/**
 * The last definition of `name` in the stages `stage` builds on (not in `stage` itself), remembered per
 * stage: linear in the number of stages however long the `FROM <stage>` chains (the stage graph has no cycle).
 */
function inheritedDefinition(facts: RecipeFacts, stage: Stage, name: string): { value?: string } | undefined {
  const pending: Map<string, { value?: string } | null>[] = [];
  let result: { value?: string } | null = null;
  for (let current: Stage | undefined = stage; current !== undefined; ) {
    let memo = facts.inheritedDefinitions.get(current);
    if (memo === undefined) {
      memo = new Map();
      facts.inheritedDefinitions.set(current, memo);
    }
    const known = memo.get(name);
    if (known !== undefined) {
      result = known;
      break;
    }
    pending.push(memo);
    const parent = facts.parentStage(current);
    const defined = parent === undefined ? undefined : lastDefinition(parent, name);
    if (defined !== undefined) {
      result = defined;
      break;
    }
    current = parent;
  }
  for (const memo of pending) {
    memo.set(name, result);
  }
  return result ?? undefined;
}

/** `inheritedDefinition` without the memo, for recipes whose stage references loop: stops at a stage seen before. */
function walkedDefinition(facts: RecipeFacts, stage: Stage, name: string): { value?: string } | undefined {
  const seen = new Set<Stage>([stage]);
  for (let current = facts.parentStage(stage); current !== undefined && !seen.has(current); current = facts.parentStage(current)) {
    seen.add(current);
    const found = lastDefinition(current, name);
    if (found !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** Number of leading steps that start before `beforeLine` (the scan of `lastDefinition` stops at the first that does not). */
function stepsBefore(definitions: StageDefinitions, beforeLine: number): number {
  const lines = definitions.startLines;
  if (!definitions.sorted) {
    const index = lines.findIndex((line) => line >= beforeLine);
    return index < 0 ? lines.length : index;
  }
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lines[mid] < beforeLine) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

function lastDefinition(stage: Stage, name: string, beforeLine?: number): { value?: string } | undefined {
  const definitions = stageDefinitions(stage);
  const list = definitions.byName.get(name);
  if (list === undefined) {
    return undefined;
  }
  if (beforeLine === undefined) {
    return list[list.length - 1].result;
  }
  const limit = stepsBefore(definitions, beforeLine);
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (list[mid].step < limit) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low > 0 ? list[low - 1].result : undefined;
}

function globalArg(recipe: Recipe, name: string): string | undefined {
  return factsOf(recipe).globalArg(name);
}

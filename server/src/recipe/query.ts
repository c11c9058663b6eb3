// Small helpers rules use to query the recipe model (never raw regexes over the whole text).
import { factsOf, scriptOf, type RecipeFacts, type ScriptRef } from './facts';
import type { Recipe, ShellCommand, ShellScript, Stage, Step, StepKind, Word } from './model';

export type { ScriptRef };

export type StepOfKind<K extends StepKind> = Extract<Step, { kind: K }>;

// Recipes are immutable once built and rules query the same recipe many times per lint, so the helpers
// below memoise per Recipe/Stage/ShellCommand object (WeakMaps: nothing outlives the recipe). Arrays handed
// to callers are fresh copies, so a caller that sorts or pushes cannot corrupt the cache.
const recipeCommandsCache = new WeakMap<Recipe, ShellCommand[]>();
const commandsByNameCache = new WeakMap<Recipe, Map<string, number[]>>();

/** Every shell script of RUN/`%post`…, ENTRYPOINT/CMD/`%runscript`…, HEALTHCHECK/`%test` and `%environment` steps (a fresh array). */
export function allScripts(recipe: Recipe): ScriptRef[] {
  return factsOf(recipe).scripts.slice();
}

/** The scripts of one stage, in order (a fresh array). */
export function scriptsOfStage(recipe: Recipe, stage: Stage): ScriptRef[] {
  return factsOf(recipe).scriptsOf(stage).slice();
}

/** Every command of a recipe, in script order (cached, read only). */
function recipeCommands(recipe: Recipe): ShellCommand[] {
  let commands = recipeCommandsCache.get(recipe);
  if (commands === undefined) {
    commands = [];
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        const script = scriptOf(step);
        if (script) {
          for (const command of script.commands) {
            commands.push(command);
          }
        }
      }
    }
    recipeCommandsCache.set(recipe, commands);
  }
  return commands;
}

/** Commands of `source`; for a recipe the shared cached array (callers only read it). */
function commandsOf(source: Recipe | ShellScript | readonly ShellScript[]): readonly ShellCommand[] {
  if (Array.isArray(source)) {
    return source.flatMap((script: ShellScript) => script.commands);
  }
  if ('commands' in source) {
    return (source as ShellScript).commands;
  }
  return recipeCommands(source as Recipe);
}

/** Positions in `recipeCommands(recipe)` of the commands with each effective name. */
function commandsByName(recipe: Recipe): Map<string, number[]> {
  let byName = commandsByNameCache.get(recipe);
  if (byName === undefined) {
    byName = new Map();
    const commands = recipeCommands(recipe);
    for (let i = 0; i < commands.length; i++) {
      const name = effectiveName(commands[i]);
      const positions = byName.get(name);
      if (positions) {
        positions.push(i);
      } else {
        byName.set(name, [i]);
      }
    }
    commandsByNameCache.set(recipe, byName);
  }
  return byName;
}

/**
 * Commands whose effective name (after wrappers such as `sudo`/`env`, see `effectiveWords`) is one of `names`.
 * Names compare against the basename: `/usr/bin/pip3` matches `pip3`.
 */
export function commandsNamed(source: Recipe | ShellScript | readonly ShellScript[], ...names: string[]): ShellCommand[] {
  if (!Array.isArray(source) && !('commands' in source)) {
    const recipe = source as Recipe;
    const byName = commandsByName(recipe);
    const commands = recipeCommands(recipe);
    const positions: number[] = [];
    for (const name of new Set(names)) {
      const found = byName.get(name);
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

const PIP = /^pip(\d+(\.\d+)*)?$/;
const PYTHON = /^python(\d+(\.\d+)*)?$/;

/** `pip`, `pip3`, `pip3.11`, `/opt/venv/bin/pip` and `python3 -m pip …` commands. */
export function pipCommands(source: Recipe | ShellScript | readonly ShellScript[]): ShellCommand[] {
  return commandsOf(source).filter(isPipCommand);
}

export function isPipCommand(command: ShellCommand): boolean {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return false;
  }
  const name = basename(words[0].value);
  if (PIP.test(name)) {
    return true;
  }
  if (!PYTHON.test(name)) {
    return false;
  }
  for (let i = 1; i < words.length; i++) {
    const value = words[i].value;
    if (value === '-m') {
      return PIP.test(words[i + 1]?.value ?? '');
    }
    if (value.startsWith('-m')) {
      return PIP.test(value.slice(2));
    }
    if (!value.startsWith('-')) {
      return false;
    }
  }
  return false;
}

// ---------------------------------------------------------------- wrappers

interface WrapperSpec {
  /** Options that take a separate value (`-u root`). */
  withValue: Set<string>;
  /** Number of leading operands that are not the command (`timeout 10 cmd`). */
  operands?: number;
  /** Skip `NAME=value` words after the options (`env A=1 cmd`). */
  assignments?: boolean;
  /** Options after which the wrapper does not run its operand (`command -v x`). */
  noRun?: Set<string>;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: { withValue: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group']) },
  env: { withValue: new Set(['-u', '-C', '-S', '--unset', '--chdir']), assignments: true },
  exec: { withValue: new Set(['-a']) },
  command: { withValue: new Set(), noRun: new Set(['-v', '-V']) },
  nohup: { withValue: new Set() },
  time: { withValue: new Set(['-f', '-o', '--format', '--output']) },
  nice: { withValue: new Set(['-n', '--adjustment']) },
  timeout: { withValue: new Set(['-s', '-k', '--signal', '--kill-after']), operands: 1 },
  xargs: {
    withValue: new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace']),
  },
};

/**
 * The words of the command actually run: skips wrappers (`sudo`, `env`, `exec`, `command`, `nohup`,
 * `time`, `nice`, `timeout`, `xargs`), their options and `env`'s `NAME=value` words, repeatedly.
 * `sudo -u app env A=1 pip install x` → `pip install x`. `command -v x` is returned unchanged.
 */
export function effectiveWords(command: ShellCommand): Word[] {
  let start = effectiveStartCache.get(command);
  if (start === undefined) {
    start = effectiveStart(command.words);
    effectiveStartCache.set(command, start);
  }
  return command.words.slice(start);
}

const effectiveStartCache = new WeakMap<ShellCommand, number>();
const effectiveNameCache = new WeakMap<ShellCommand, string>();

/** Index of the first word `effectiveWords` keeps. */
function effectiveStart(words: readonly Word[]): number {
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const name = basename(words[i].value);
    const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    if (!spec) {
      break;
    }
    let j = i + 1;
    let stop = false;
    while (j < words.length) {
      const value = words[j].value;
      if (value === '--') {
        j++;
        break;
      }
      if (!value.startsWith('-') || value === '-') {
        break;
      }
      if (spec.noRun?.has(value)) {
        stop = true;
        break;
      }
      j += spec.withValue.has(value) ? 2 : 1;
    }
    if (stop) {
      break;
    }
    if (spec.assignments) {
      while (j < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[j].value)) {
        j++;
      }
    }
    j += spec.operands ?? 0;
    if (j >= words.length) {
      break; // a bare wrapper (`time`, `env`): keep it as the command
    }
    i = j;
  }
  return i;
}

/** Basename of the first effective word, '' when none. */
export function effectiveName(command: ShellCommand): string {
  let name = effectiveNameCache.get(command);
  if (name === undefined) {
    const words = effectiveWords(command);
    name = words.length > 0 ? basename(words[0].value) : '';
    effectiveNameCache.set(command, name);
  }
  return name;
}

/** Words of `command.words` after position `index` (`wordsAfter(cmd, 0)` = the arguments). */
export function wordsAfter(command: ShellCommand, index: number): Word[] {
  return command.words.slice(Math.max(0, index + 1));
}

// ---------------------------------------------------------------- flags

/** Argument words of the effective command up to a `--` end-of-options marker. */
function optionWords(command: ShellCommand): Word[] {
  const args = effectiveWords(command).slice(1);
  const end = args.findIndex((word) => word.value === '--');
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
  return optionWords(command).some((word) => flags.some((flag) => matchesFlag(word.value, flag)));
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
  let byKind = stepsByKindCache.get(source);
  if (byKind === undefined) {
    byKind = new Map();
    const steps = 'stages' in source ? source.stages.flatMap((stage) => stage.steps) : source.steps;
    for (const step of steps) {
      const list = byKind.get(step.kind);
      if (list) {
        list.push(step);
      } else {
        byKind.set(step.kind, [step]);
      }
    }
    stepsByKindCache.set(source, byKind);
  }
  return (byKind.get(kind) ?? []).slice() as StepOfKind<K>[];
}

const stepsByKindCache = new WeakMap<Recipe | Stage, Map<StepKind, Step[]>>();

/**
 * Value of a variable from ENV/ARG definitions: the last definition in `stage` (optionally only those on
 * lines before `beforeLine`), then stages it builds on (`FROM earlier`), then global ARG defaults.
 * Undefined when unknown or declared without a value.
 */
export function resolveVariable(recipe: Recipe, stage: Stage | undefined, name: string, beforeLine?: number): string | undefined {
  if (stage === undefined) {
    return globalArg(recipe, name);
  }
  const found = lastDefinition(stage, name, beforeLine);
  if (found !== undefined) {
    return found.value ?? globalArg(recipe, name);
  }
  const facts = factsOf(recipe);
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

/** What the ENV/ARG definitions of a stage up to and including one step say about a name. */
interface Definition {
  /** Index of the defining step in `stage.steps`. */
  step: number;
  /** The fold of every definition of the name up to here: `{}` = declared without a value. */
  result: { value?: string };
}

interface StageDefinitions {
  byName: Map<string, Definition[]>;
  /** Start line of each step; `sorted` when non-decreasing (binary search), else scanned. */
  startLines: number[];
  sorted: boolean;
}

const definitionsCache = new WeakMap<Stage, StageDefinitions>();
const globalArgsCache = new WeakMap<Recipe, Map<string, string>>();

function stageDefinitions(stage: Stage): StageDefinitions {
  let cached = definitionsCache.get(stage);
  if (cached !== undefined) {
    return cached;
  }
  const byName = new Map<string, Definition[]>();
  const startLines: number[] = [];
  let sorted = true;
  stage.steps.forEach((step, index) => {
    const line = step.range.start.line;
    if (index > 0 && line < startLines[index - 1]) {
      sorted = false;
    }
    startLines.push(line);
    if (step.kind !== 'env' && step.kind !== 'arg') {
      return;
    }
    for (const pair of step.pairs) {
      const name = pair.key.value;
      let definitions = byName.get(name);
      if (definitions === undefined) {
        definitions = [];
        byName.set(name, definitions);
      }
      const previous = definitions.length > 0 ? definitions[definitions.length - 1].result : undefined;
      // `ARG NAME` without a default keeps an earlier/global value.
      const result = pair.value === undefined && step.kind === 'arg' ? (previous ?? {}) : { value: pair.value?.value ?? '' };
      definitions.push({ step: index, result });
    }
  });
  cached = { byName, startLines, sorted };
  definitionsCache.set(stage, cached);
  return cached;
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
  let values = globalArgsCache.get(recipe);
  if (values === undefined) {
    values = new Map();
    for (const step of recipe.globalArgs) {
      for (const pair of step.pairs) {
        if (pair.value) {
          values.set(pair.key.value, pair.value.value);
        }
      }
    }
    globalArgsCache.set(recipe, values);
  }
  return values.get(name);
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

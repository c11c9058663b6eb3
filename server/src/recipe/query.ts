// Small helpers rules use to query the recipe model (never raw regexes over the whole text).
import type { Recipe, ShellCommand, ShellScript, Stage, Step, StepKind, Word } from './model';

export interface ScriptRef {
  script: ShellScript;
  step: Step;
  stage: Stage;
}

export type StepOfKind<K extends StepKind> = Extract<Step, { kind: K }>;

/** Every shell script of RUN/`%post`…, ENTRYPOINT/CMD/`%runscript`…, HEALTHCHECK/`%test` and `%environment` steps. */
export function allScripts(recipe: Recipe): ScriptRef[] {
  const refs: ScriptRef[] = [];
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      const script = scriptOf(step);
      if (script) {
        refs.push({ script, step, stage });
      }
    }
  }
  return refs;
}

function scriptOf(step: Step): ShellScript | undefined {
  switch (step.kind) {
    case 'run':
    case 'entrypoint':
      return step.script;
    case 'test':
    case 'env':
      return step.script;
    default:
      return undefined;
  }
}

function commandsOf(source: Recipe | ShellScript | readonly ShellScript[]): ShellCommand[] {
  if (Array.isArray(source)) {
    return source.flatMap((script: ShellScript) => script.commands);
  }
  if ('commands' in source) {
    return (source as ShellScript).commands;
  }
  return allScripts(source as Recipe).flatMap((ref) => ref.script.commands);
}

/**
 * Commands whose effective name (after wrappers such as `sudo`/`env`, see `effectiveWords`) is one of `names`.
 * Names compare against the basename: `/usr/bin/pip3` matches `pip3`.
 */
export function commandsNamed(source: Recipe | ShellScript | readonly ShellScript[], ...names: string[]): ShellCommand[] {
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
  const words = command.words;
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const spec = WRAPPERS[basename(words[i].value)];
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
  return words.slice(i);
}

/** Basename of the first effective word, '' when none. */
export function effectiveName(command: ShellCommand): string {
  const words = effectiveWords(command);
  return words.length > 0 ? basename(words[0].value) : '';
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
  const steps = 'stages' in source ? source.stages.flatMap((stage) => stage.steps) : source.steps;
  return steps.filter((step): step is StepOfKind<K> => step.kind === kind);
}

/**
 * Value of a variable from ENV/ARG definitions: the last definition in `stage` (optionally only those on
 * lines before `beforeLine`), then stages it builds on (`FROM earlier`), then global ARG defaults.
 * Undefined when unknown or declared without a value.
 */
export function resolveVariable(recipe: Recipe, stage: Stage | undefined, name: string, beforeLine?: number): string | undefined {
  const seen = new Set<Stage>();
  let current = stage;
  let limit = beforeLine;
  while (current && !seen.has(current)) {
    seen.add(current);
    const found = lastDefinition(current.steps, name, limit);
    if (found !== undefined) {
      return found.value ?? globalArg(recipe, name);
    }
    const parent: string | undefined = current.base.stageRef;
    current = parent === undefined ? undefined : recipe.stages.find((candidate) => candidate.name?.value === parent);
    limit = undefined;
  }
  return globalArg(recipe, name);
}

function lastDefinition(steps: readonly Step[], name: string, beforeLine?: number): { value?: string } | undefined {
  let found: { value?: string } | undefined;
  for (const step of steps) {
    if (beforeLine !== undefined && step.range.start.line >= beforeLine) {
      break;
    }
    if (step.kind !== 'env' && step.kind !== 'arg') {
      continue;
    }
    for (const pair of step.pairs) {
      if (pair.key.value === name) {
        // `ARG NAME` without a default keeps an earlier/global value.
        if (pair.value === undefined && step.kind === 'arg') {
          found = found ?? {};
        } else {
          found = { value: pair.value?.value ?? '' };
        }
      }
    }
  }
  return found;
}

function globalArg(recipe: Recipe, name: string): string | undefined {
  let value: string | undefined;
  for (const step of recipe.globalArgs) {
    for (const pair of step.pairs) {
      if (pair.key.value === name && pair.value) {
        value = pair.value.value;
      }
    }
  }
  return value;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

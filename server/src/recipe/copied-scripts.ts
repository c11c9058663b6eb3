// Files copied in from the build context and then run: `COPY build.sh /opt/` (or ADD, or a `%files`
// line) followed by a RUN / `%post` command that executes the copy (`./build.sh`, `bash /opt/build.sh`,
// `sh build.sh`, `source …`, `. …`). The engine reads nothing: it names the context paths it would
// like to see, and lints the texts it is given (see engine/copiedScripts.ts).
import { posix } from 'node:path';
import { effectiveWords, factsOf } from './facts';
import type { CopyStep, Recipe, RunStep, ShellCommand, ShellScript, Stage, Word } from './model';

export interface CopiedScriptRun {
  stage: Stage;
  /** The RUN / `%post` step, and its command that runs the file. */
  step: RunStep;
  command: ShellCommand;
  /** The file's path in the image as the command names it. */
  path: Word;
  /** Run by its own `#!` line (`./x.sh`), not by a shell named in the command (`bash x.sh`, `source x.sh`). */
  direct: boolean;
  /** The COPY / ADD / `%files` step that put it there. */
  copy: CopyStep;
  /**
   * Where in the build context the file may come from (normalised, relative, `/`-separated), the likelier
   * first: a file copied to its own name, into a directory, or as part of a copied directory.
   */
  sources: string[];
}

/** A copied file that a command runs, with its text when the engine was given it. */
export interface CopiedScript extends CopiedScriptRun {
  /** The context path whose text was given. */
  source?: string;
  text?: string;
  /** Why hpclint cannot see inside (no text). */
  unseen?: string;
}

/** A build-context file as the service found it: its text, or why it was not read. */
export type ScriptInput = { text: string } | { unreadable: string };

/** Build-context files by context path (relative, normalised, `/`-separated). */
export type ScriptInputs = Readonly<Record<string, ScriptInput>>;

/**
 * Reads build-context files (the caller's, e.g. io/copiedScripts.ts): the engine asks it once per recipe, for every
 * context path it would like to see (`wantedScripts`), as soon as it knows them, so that a lint reads and lints its
 * copied scripts in one pass.
 */
export type ScriptReader = (paths: readonly string[]) => ScriptInputs;

/** Why no file was read when the lint has no build context at all. */
export const NO_BUILD_CONTEXT = 'no build context to read it from: an unsaved file, a file outside the workspace, or stdin without --stdin-filename';

/** The copied scripts that `recipe` runs, each with the first of its context paths that has a text. */
export function copiedScriptsOf(recipe: Recipe, given: ScriptInputs | ScriptReader | undefined): CopiedScript[] {
  const scripts: CopiedScript[] = [];
  const runs = copiedScriptRuns(recipe);
  const inputs = typeof given === 'function' ? given(wantedPaths(runs)) : given;
  for (const run of runs) {
    let unreadable: string | undefined;
    let text: { source: string; text: string } | undefined;
    for (const source of run.sources) {
      const input = inputs && Object.hasOwn(inputs, source) ? inputs[source] : undefined;
      if (input && 'text' in input) {
        text = { source, text: input.text };
        break;
      }
      unreadable ??= input?.unreadable;
    }
    if (!text) {
      scripts.push({ ...run, unseen: inputs === undefined ? NO_BUILD_CONTEXT : (unreadable ?? 'not found in the build context') });
    } else if (!run.direct || isShellText(text.text)) {
      // A file run directly whose `#!` names another interpreter is not shell: nothing to check, nothing to say.
      scripts.push({ ...run, ...text });
    }
  }
  return scripts;
}

/** Every context path the runs may come from, once, in order (what a lint would like to read). */
export function wantedPaths(runs: readonly CopiedScriptRun[]): string[] {
  return [...new Set(runs.flatMap((run) => run.sources))];
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'zsh', 'mksh']);
/** Shell options that take a value (`bash -o pipefail build.sh`). */
const OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);
/** Extensions of shell scripts; a file run directly with another extension (`.py`, `.pl`, `.bin`, `.run`) is not one. */
const SHELL_EXTENSIONS = new Set(['sh', 'bash', 'ksh', 'zsh', 'dash', 'ash']);
/** `#!` lines of shells (`#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/bash -e`). */
const SHELL_SHEBANG = /^#!\s*\S*?\/(?:env\s+(?:-\S+\s+)*)?(?:sh|bash|dash|ash|ksh|mksh|zsh)(?:\s|$)/;

/** A file run by its own `#!` line may be a shell script when it has a shell extension or none. */
function mayBeShell(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot <= 0 || SHELL_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** True unless the text starts with the `#!` line of another interpreter (Python, Perl…): then it is not shell. */
export function isShellText(text: string): boolean {
  const end = text.indexOf('\n');
  return !text.startsWith('#!') || SHELL_SHEBANG.test(end < 0 ? text : text.slice(0, end));
}

/** Build-system entry points generated by tools (autoconf's `configure`): upstream's code, not the recipe author's. */
const GENERATED = new Set(['configure', 'config.status', 'libtool']);
/** Words that are not plain paths: variables, globs, command substitution, quotes left after parsing. */
const NOT_A_PLAIN_PATH = /[$*?[\]`{}~<>]/;

/** How many stages of a `FROM <stage>` chain are searched for the copy. */
const MAX_CHAIN = 16;
/** How many directories above a file a directory copy may stand. */
const MAX_DEPTH = 32;

/** Every command of a RUN / `%post` step that runs a file copied in from the build context. */
export function copiedScriptRuns(recipe: Recipe): CopiedScriptRun[] {
  const runs: CopiedScriptRun[] = [];
  // Built when a command runs a file: its table of every stage name cost 40,000 stages that run none ~25-50 ms.
  let copies: CopyIndexes | undefined;
  const keep = factsOf(recipe).stepsReused;
  for (const stage of recipe.stages) {
    stage.steps.forEach((step, order) => {
      // `%setup` runs on the build host before `%files` copies anything.
      if (step.kind !== 'run' || step.keyword.toLowerCase() === '%setup') {
        return;
      }
      for (const { command, path } of keep ? executedFiles(step.script) : findExecutedFiles(step.script)) {
        copies ??= new CopyIndexes(recipe);
        const found = copies.providing(stage, order, path.value);
        if (found) {
          runs.push({ stage, step, command, path, direct: path === effectiveWords(command)[0], copy: found.copy, sources: found.sources });
        }
      }
    });
  }
  return runs;
}

interface ExecutedFile {
  command: ShellCommand;
  path: Word;
}

/** Kept per script in a lint with a memo: they depend on its commands alone, and a step the parse memo reused keeps its script. */
const executedByScript = new WeakMap<ShellScript, readonly ExecutedFile[]>();
const NONE_EXECUTED: readonly ExecutedFile[] = [];

/** The commands of a script that execute a file, with the file (`executedPath`), in order. */
export function executedFiles(script: ShellScript): readonly ExecutedFile[] {
  let executed = executedByScript.get(script);
  if (executed === undefined) {
    executed = findExecutedFiles(script);
    executedByScript.set(script, executed);
  }
  return executed;
}

function findExecutedFiles(script: ShellScript): readonly ExecutedFile[] {
  const found: ExecutedFile[] = [];
  for (const command of script.commands) {
    const path = executedPath(command);
    if (path) {
      found.push({ command, path });
    }
  }
  return found.length > 0 ? found : NONE_EXECUTED;
}

/** The file a command executes: `./x.sh`, `/opt/x.sh`, `dir/x.sh`, `bash [options] x.sh`, `source x.sh`, `. x.sh`. */
export function executedPath(command: ShellCommand): Word | undefined {
  const words = effectiveWords(command);
  const first = words[0];
  if (!first) {
    return undefined;
  }
  let candidate: Word | undefined;
  const name = posix.basename(first.value);
  if (first.value === 'source' || first.value === '.') {
    candidate = words[1];
  } else if (SHELLS.has(name)) {
    for (let i = 1; i < words.length; i++) {
      const value = words[i].value;
      if (value === '-c' || value === '-s' || /^-[a-zA-Z]*c/.test(value)) {
        return undefined;
      }
      if (value === '--') {
        candidate = words[i + 1];
        break;
      }
      if (value.startsWith('-') || value.startsWith('+')) {
        i += OPTIONS_WITH_VALUE.has(value) ? 1 : 0;
        continue;
      }
      candidate = words[i];
      break;
    }
  } else if (first.value.includes('/') && !GENERATED.has(name) && mayBeShell(name)) {
    candidate = first;
  }
  if (!candidate || candidate.value === '' || candidate.value === '-' || NOT_A_PLAIN_PATH.test(candidate.value) || candidate.value.includes('://')) {
    return undefined;
  }
  return candidate;
}

interface Provision {
  /** Position of the copy among its stage's steps. */
  order: number;
  copy: CopyStep;
  /** The context path (for a directory: the prefix to join the rest of the path to). */
  source: string;
}

interface StageCopies {
  /** Steps of the stage with the WORKDIR in effect at each (Dockerfiles). */
  workdirs: string[];
  /** Image path → copies that put a file there; `dir:` + image path → copies of a directory there. */
  provisions: Map<string, Provision[]>;
}

/** What each stage's local copies put where, built once per stage when a command runs a file. */
class CopyIndexes {
  private readonly byStage = new Map<Stage, StageCopies>();
  private readonly firstByName = new Map<string, Stage>();

  constructor(private readonly recipe: Recipe) {
    for (const stage of recipe.stages) {
      const name = stage.name?.value.toLowerCase();
      if (name !== undefined && !this.firstByName.has(name)) {
        this.firstByName.set(name, stage);
      }
    }
  }

  /** The last copy before step `order` of `stage` (or in the stages it builds on) that puts a file at `path`, and its context paths. */
  providing(stage: Stage, order: number, path: string): { copy: CopyStep; sources: string[] } | undefined {
    const dockerfile = this.recipe.format === 'dockerfile';
    const own = this.copiesOf(stage);
    const target = posix.resolve(dockerfile ? own.workdirs[order] : '/', path);
    let current: Stage | undefined = stage;
    for (let depth = 0; current && depth < MAX_CHAIN; depth++) {
      // Apptainer copies `%files` before `%post` wherever the sections stand.
      const before = current === stage && dockerfile ? order : Infinity;
      const found = this.lookup(this.copiesOf(current), before, target);
      if (found) {
        return found;
      }
      current = this.parent(current);
    }
    return undefined;
  }

  private lookup(copies: StageCopies, before: number, target: string): { copy: CopyStep; sources: string[] } | undefined {
    let best: { copy: CopyStep; order: number; sources: string[] } | undefined;
    // A key's provisions are in step order: only the copies of the last step before `before` count.
    const consider = (key: string, toSource: (provision: Provision) => string): void => {
      const provisions = copies.provisions.get(key) ?? [];
      const last = lastBefore(provisions, before);
      if (last < 0) {
        return;
      }
      const order = provisions[last].order;
      if (best && order < best.order) {
        return;
      }
      if (!best || order > best.order) {
        best = { copy: provisions[last].copy, order, sources: [] };
      }
      let first = last;
      while (first > 0 && provisions[first - 1].order === order) {
        first--;
      }
      for (let i = first; i <= last; i++) {
        best.sources.push(toSource(provisions[i]));
      }
    };
    consider(target, (provision) => provision.source);
    let directory = target;
    for (let depth = 0; depth < MAX_DEPTH && directory !== '/'; depth++) {
      directory = posix.dirname(directory);
      const rest = target.slice(directory === '/' ? 1 : directory.length + 1);
      consider(`dir:${directory}`, (provision) => posix.join(provision.source, rest));
    }
    return best ? { copy: best.copy, sources: [...new Set(best.sources)] } : undefined;
  }

  private parent(stage: Stage): Stage | undefined {
    const ref = stage.base.stageRef?.toLowerCase();
    const parent = ref === undefined ? undefined : this.firstByName.get(ref);
    return parent && parent.index < stage.index ? parent : undefined;
  }

  private copiesOf(stage: Stage): StageCopies {
    let copies = this.byStage.get(stage);
    if (copies) {
      return copies;
    }
    copies = { workdirs: [], provisions: new Map() };
    let workdir = this.recipe.format === 'dockerfile' ? this.inheritedWorkdir(stage) : '/';
    stage.steps.forEach((step, order) => {
      if (step.kind === 'workdir' && this.recipe.format === 'dockerfile' && step.value && !NOT_A_PLAIN_PATH.test(step.value.value)) {
        workdir = posix.resolve(workdir, step.value.value);
      }
      copies.workdirs.push(workdir);
      if (step.kind === 'copy' && step.from === undefined) {
        addProvisions(copies.provisions, step, order, workdir);
      }
    });
    this.byStage.set(stage, copies);
    return copies;
  }

  /** The WORKDIR a stage starts with: the last one of the (at most MAX_CHAIN) stages it is built on. */
  private inheritedWorkdir(stage: Stage): string {
    const chain: Stage[] = [];
    for (let parent = this.parent(stage); parent && chain.length < MAX_CHAIN; parent = this.parent(parent)) {
      chain.unshift(parent);
    }
    let workdir = '/';
    for (const earlier of chain) {
      for (const step of earlier.steps) {
        if (step.kind === 'workdir' && step.value && !NOT_A_PLAIN_PATH.test(step.value.value)) {
          workdir = posix.resolve(workdir, step.value.value);
        }
      }
    }
    return workdir;
  }
}

function addProvisions(provisions: Map<string, Provision[]>, copy: CopyStep, order: number, workdir: string): void {
  const local = copy.sources.filter((word) => !NOT_A_PLAIN_PATH.test(word.value) && !word.value.includes('://'));
  const destinationWord = copy.destination ?? (copy.sources.length === 1 ? copy.sources[0] : undefined);
  if (local.length === 0 || !destinationWord || NOT_A_PLAIN_PATH.test(destinationWord.value)) {
    return;
  }
  const destination = posix.resolve(workdir, destinationWord.value);
  const intoDirectory = destinationWord.value.endsWith('/') || local.length > 1;
  const add = (key: string, source: string): void => {
    const list = provisions.get(key);
    if (list) {
      list.push({ order, copy, source });
    } else {
      provisions.set(key, [{ order, copy, source }]);
    }
  };
  for (const word of local) {
    const source = contextPath(word.value);
    if (!intoDirectory) {
      add(destination, source);
    }
    add(posix.join(destination, posix.basename(source)), source);
    if (looksLikeDirectory(word.value)) {
      add(`dir:${destination}`, source);
    }
  }
}

/** `.`, `src/`, `scripts`: a source without an extension is taken for a directory (`build.sh` is not one). */
function looksLikeDirectory(source: string): boolean {
  return source === '.' || source.endsWith('/') || !posix.basename(source).includes('.');
}

/** A COPY source as a normalised context path (`./a/../b.sh` → `b.sh`, `/b.sh` → `b.sh`). */
function contextPath(source: string): string {
  const normal = posix.normalize(source.replace(/^\/+/, ''));
  return normal === '' ? '.' : normal.replace(/\/+$/, '');
}

/** The index of the last provision whose step comes before `before` (provisions in step order), or -1. */
function lastBefore(provisions: readonly Provision[], before: number): number {
  let low = 0;
  let high = provisions.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (provisions[middle].order < before) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low - 1;
}

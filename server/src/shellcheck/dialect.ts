// Which shell runs a recipe's script: Dockerfile `SHELL`, `#!` lines, `%post -c`, and what `/bin/sh` is
// on the base image (dash on Debian/Ubuntu, bash on the Red Hat and SUSE families, BusyBox on Alpine).
import type { Recipe, Stage, Step } from '../recipe/model';
import { lineIndexOf } from '../rules/util/source';

/** Shells ShellCheck understands. */
export type Dialect = 'sh' | 'bash' | 'dash' | 'ksh';

/** What `/bin/sh` is on a base image, when the image says so. */
export type BinSh = 'dash' | 'bash' | 'busybox';

export interface Interpreter {
  /** Dialect ShellCheck checks the script in. */
  dialect: Dialect;
  /** How the finding's message names the shell, e.g. `/bin/sh (dash on this Debian-based image)`. */
  label: string;
  /**
   * The script runs under `/bin/sh` and the base image does not tell which shell that is: POSIX-only
   * warnings (SC3xxx) are likely but not certain failures.
   */
  unknownSh?: boolean;
  /** `/bin/sh` is BusyBox ash, which accepts several of the constructs SC3xxx reports. */
  busybox?: boolean;
  /** Started with `-e` (Apptainer's `/bin/sh -ex` for `%post`, `SHELL ["/bin/bash", "-e", "-c"]`): a failing command stops the script. */
  errexit?: boolean;
}

const SHELL_DIALECTS: Record<string, Dialect> = { sh: 'sh', bash: 'bash', dash: 'dash', ksh: 'ksh', mksh: 'ksh', ksh93: 'ksh', ash: 'sh', busybox: 'sh' };

/** The interpreter named by a path or command (`/bin/bash`, `bash`, `/usr/bin/env bash`); undefined for non-shells. */
export function interpreterOfCommand(words: readonly string[], binSh: BinSh | undefined): Interpreter | undefined {
  let index = 0;
  if (basename(words[0] ?? '') === 'env') {
    index = 1;
    while (index < words.length && (words[index].startsWith('-') || words[index].includes('='))) {
      index++;
    }
  }
  const program = basename(words[index] ?? '');
  const interpreter = namedInterpreter(program, words[index + 1], binSh);
  if (interpreter && setsErrexit(words.slice(index + (program === 'busybox' ? 2 : 1)))) {
    interpreter.errexit = true;
  }
  return interpreter;
}

function namedInterpreter(program: string, next: string | undefined, binSh: BinSh | undefined): Interpreter | undefined {
  if (program === 'busybox') {
    return basename(next ?? '') === 'sh' || next === 'ash' ? { dialect: 'sh', label: 'BusyBox sh', busybox: true } : undefined;
  }
  if (program === 'sh') {
    return binShInterpreter(binSh);
  }
  const dialect = SHELL_DIALECTS[program];
  if (!dialect) {
    return undefined;
  }
  return program === 'ash' ? { dialect, label: 'ash', busybox: true } : { dialect, label: program };
}

/** Shell options before `-c` or the script that include `-e` (`-e`, `-ex`, `-eo pipefail`, `-o errexit`). */
function setsErrexit(options: readonly string[]): boolean {
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (option === '-c' || !option.startsWith('-')) {
      return false;
    }
    if (/^-[a-zA-Z]*e[a-zA-Z]*$/.test(option) || (/^-[a-zA-Z]*o$/.test(option) && options[i + 1] === 'errexit')) {
      return true;
    }
  }
  return false;
}

/** `/bin/sh` on a base whose `/bin/sh` is `binSh` (undefined = not known). */
export function binShInterpreter(binSh: BinSh | undefined): Interpreter {
  switch (binSh) {
    case 'dash':
      return { dialect: 'dash', label: '/bin/sh (dash on this Debian/Ubuntu base)' };
    case 'bash':
      return { dialect: 'bash', label: '/bin/sh (bash on this base)' };
    case 'busybox':
      return { dialect: 'sh', label: '/bin/sh (BusyBox ash on this base)', busybox: true };
    default:
      return { dialect: 'sh', label: '/bin/sh', unknownSh: true };
  }
}

/** `#!/bin/bash -e` → the interpreter; `{ none }` for a shebang naming a non-shell; undefined when `line` is no shebang. */
export function interpreterOfShebang(line: string, binSh: BinSh | undefined): Interpreter | { none: string } | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('#!')) {
    return undefined;
  }
  const words = trimmed.slice(2).trim().split(/\s+/).filter((word) => word.length > 0);
  return interpreterOfCommand(words, binSh) ?? { none: words.join(' ') };
}

// ---------------------------------------------------------------- base images

/** Tag words naming the distribution an image variant is built on. */
const TAG_FAMILIES: ReadonlyArray<readonly [RegExp, BinSh]> = [
  [/(^|[-_.])(alpine|musl)/, 'busybox'],
  [/(^|[-_.])(ubuntu|debian|xenial|bionic|focal|jammy|noble|stretch|buster|bullseye|bookworm|trixie)($|[-_.\d])/, 'dash'],
  [/(^|[-_.])(centos|rocky|rockylinux|alma|almalinux|ubi|rhel|el[6-9]|fedora|oraclelinux|ol[6-9]|amzn|amazonlinux|opensuse|leap|sles|suse)($|[-_.\d])/, 'bash'],
];

/** Last repository component → the family its default tags are built on. */
const REPOSITORY_FAMILIES: Record<string, BinSh> = {
  alpine: 'busybox',
  busybox: 'busybox',
  debian: 'dash',
  ubuntu: 'dash',
  'buildpack-deps': 'dash',
  python: 'dash',
  node: 'dash',
  golang: 'dash',
  rust: 'dash',
  gcc: 'dash',
  julia: 'dash',
  'r-base': 'dash',
  'r-ver': 'dash',
  rstudio: 'dash',
  tidyverse: 'dash',
  geospatial: 'dash',
  miniconda3: 'dash',
  anaconda3: 'dash',
  miniforge3: 'dash',
  mambaforge: 'dash',
  micromamba: 'dash',
  'base-notebook': 'dash',
  'minimal-notebook': 'dash',
  'scipy-notebook': 'dash',
  'datascience-notebook': 'dash',
  'pytorch-notebook': 'dash',
  tensorflow: 'dash',
  pytorch: 'dash',
  neurodebian: 'dash',
  openjdk: 'dash',
  'eclipse-temurin': 'dash',
  centos: 'bash',
  rockylinux: 'bash',
  almalinux: 'bash',
  fedora: 'bash',
  oraclelinux: 'bash',
  amazonlinux: 'bash',
  ubi: 'bash',
  'ubi-minimal': 'bash',
  ubi8: 'bash',
  ubi9: 'bash',
  leap: 'bash',
  tumbleweed: 'bash',
  archlinux: 'bash',
};

const BOOTSTRAP_FAMILIES: Record<string, BinSh> = { debootstrap: 'dash', yum: 'bash', dnf: 'bash', zypper: 'bash', arch: 'bash', busybox: 'busybox' };

/** What `/bin/sh` is on the stage's base, following `FROM <earlier stage>` to the image it starts from. */
export function binShOf(recipe: Recipe, stage: Stage): BinSh | undefined {
  return binShOfRoot(rootStage(recipe, stage));
}

/** What `/bin/sh` is on the image a root stage (one not built `FROM <stage>`) starts from. */
function binShOfRoot(root: Stage): BinSh | undefined {
  const agentFamily = BOOTSTRAP_FAMILIES[root.base.agent];
  if (agentFamily) {
    return agentFamily;
  }
  const image = root.base.image;
  if (!image) {
    return undefined;
  }
  const tag = (image.tag ?? '').toLowerCase();
  for (const [pattern, family] of TAG_FAMILIES) {
    if (pattern.test(tag)) {
      return family;
    }
  }
  const repository = image.repository.toLowerCase();
  const parts = repository.split('/');
  const last = parts[parts.length - 1];
  return REPOSITORY_FAMILIES[last] ?? (parts.some((part) => part === 'ubi8' || part === 'ubi9' || part === 'ubi10') ? 'bash' : undefined);
}

/** Windows bases run `cmd` (or PowerShell): nothing for ShellCheck. */
function isWindowsImage(root: Stage): boolean {
  const image = root.base.image;
  if (!image) {
    return false;
  }
  const name = `${image.registry ?? ''}/${image.repository}:${image.tag ?? ''}`.toLowerCase();
  return /(^|\/)windows(\/|$)|nanoserver|servercore/.test(name);
}

function rootStage(recipe: Recipe, stage: Stage): Stage {
  let current = stage;
  for (let hops = 0; hops < recipe.stages.length && current.base.stageRef !== undefined; hops++) {
    const parent = stageNamed(recipe, current.base.stageRef, current.index);
    if (!parent) {
      break;
    }
    current = parent;
  }
  return current;
}

function stageNamed(recipe: Recipe, name: string, before: number): Stage | undefined {
  const wanted = name.toLowerCase();
  for (let i = before - 1; i >= 0; i--) {
    if (recipe.stages[i].name?.value.toLowerCase() === wanted) {
      return recipe.stages[i];
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- Dockerfile SHELL

/**
 * The interpreters of a Dockerfile's shell-form instructions: the latest `SHELL` before each step, inherited through
 * `FROM <stage>` (the nearest earlier stage of that name, any case), else the base's `/bin/sh`. Each stage's parent, root
 * and `SHELL`s are found in one pass over the recipe (walking the chain again for every step was quadratic, and worse,
 * in long stage chains).
 */
export class DockerfileShells {
  private readonly roots = new Map<Stage, Stage>();
  private readonly shellBefore = new Map<Step, string[] | undefined>();

  constructor(recipe: Recipe) {
    const latest = new Map<string, Stage>();
    const shellAtEnd = new Map<Stage, string[] | undefined>();
    for (const stage of recipe.stages) {
      const ref = stage.base.stageRef;
      const parent = ref === undefined ? undefined : latest.get(ref.toLowerCase());
      this.roots.set(stage, parent === undefined ? stage : (this.roots.get(parent) ?? parent));
      let shell = parent === undefined ? undefined : shellAtEnd.get(parent);
      for (const step of stage.steps) {
        this.shellBefore.set(step, shell);
        if (step.kind === 'other' && step.keyword.toUpperCase() === 'SHELL') {
          shell = shellWords(recipe, step) ?? shell;
        }
      }
      shellAtEnd.set(stage, shell);
      const name = stage.name?.value.toLowerCase();
      if (name !== undefined) {
        latest.set(name, stage);
      }
    }
  }

  /** The interpreter of shell-form instructions at `step` of `stage`. */
  interpreter(stage: Stage, step: Step): Interpreter | { none: string } {
    const root = this.roots.get(stage) ?? stage;
    const binSh = binShOfRoot(root);
    const shell = this.shellBefore.get(step);
    if (shell) {
      return interpreterOfCommand(shell, binSh) ?? { none: shell.join(' ') };
    }
    if (isWindowsImage(root)) {
      return { none: 'cmd /S /C (Windows base)' };
    }
    return binShInterpreter(binSh);
  }

  /** What `/bin/sh` is on the stage's base. */
  binSh(stage: Stage): BinSh | undefined {
    return binShOfRoot(this.roots.get(stage) ?? stage);
  }
}

/** `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` → its words (JSON form only, as Docker requires). */
function shellWords(recipe: Recipe, step: Step): string[] | undefined {
  const index = lineIndexOf(recipe);
  const raw = recipe.text.slice(index.offsetAt(step.keywordRange.end), index.offsetAt(step.range.end)).replace(/\\\r?\n/g, ' ');
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
      return value as string[];
    }
  } catch {
    // not JSON: Docker rejects it, dockerfile-utils reports it
  }
  return undefined;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return (slash >= 0 ? path.slice(slash + 1) : path).toLowerCase();
}

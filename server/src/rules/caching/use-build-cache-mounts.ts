// HPC-CACHE-002: package-manager RUNs without BuildKit cache mounts.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import { factsOf } from '../../recipe/facts';
import type { Recipe, RunStep, ShellCommand, UserStep, Word } from '../../recipe/model';
import { effectiveWords, isPipCommand } from '../util/commands';
import { baseName, offsetOf, rangeOf } from '../util/source';
import docs from './use-build-cache-mounts.md';

interface Manager {
  label: string;
  /** Cache directories to mount; empty = report without a fix (location depends on the install). */
  targets: string[];
}

const APT: Manager = { label: 'apt', targets: ['/var/cache/apt', '/var/lib/apt'] };
const INSTALL_WORDS = new Set(['install', 'add', 'create', 'update', 'upgrade', 'dist-upgrade', 'in']);

/** Value of the first word after the program that is not a flag ('' if none). */
function firstNonFlag(words: readonly Word[]): string {
  for (let i = 1; i < words.length; i++) {
    if (!words[i].value.startsWith('-')) {
      return words[i].value;
    }
  }
  return '';
}

function managerOf(command: ShellCommand, asRoot: boolean): Manager | undefined {
  const words = effectiveWords(command);
  const name = baseName(words[0]?.value ?? '');
  const sub = firstNonFlag(words);
  if (isPipCommand(command)) {
    if (!words.some((word) => word.value === 'install')) {
      return undefined;
    }
    const noCache = words.some((word) => word.value === '--no-cache-dir');
    return { label: noCache ? 'pip (with `--no-cache-dir`, drop it when you mount a cache)' : 'pip', targets: noCache || !asRoot ? [] : ['/root/.cache/pip'] };
  }
  if (!INSTALL_WORDS.has(sub)) {
    return undefined;
  }
  switch (name) {
    case 'apt-get':
    case 'apt':
      return sub === 'install' || sub === 'upgrade' || sub === 'dist-upgrade' ? APT : undefined;
    case 'dnf':
    case 'microdnf':
      return { label: name, targets: ['/var/cache/dnf'] };
    case 'yum':
      return { label: 'yum', targets: ['/var/cache/yum'] };
    case 'zypper':
      return { label: 'zypper', targets: ['/var/cache/zypp'] };
    case 'apk':
      return sub === 'add' ? { label: 'apk', targets: words.some((word) => word.value === '--no-cache') ? [] : ['/var/cache/apk'] } : undefined;
    case 'conda':
    case 'mamba':
    case 'micromamba':
      return sub === 'install' || sub === 'create' ? { label: name, targets: [] } : undefined;
    default:
      return undefined;
  }
}

/** The package managers the step's commands download with, each once, in order (shared: never mutate). */
function findManagers(step: RunStep, asRoot: boolean): readonly Manager[] {
  const found: Manager[] = [];
  for (const command of step.script.commands) {
    const manager = managerOf(command, asRoot);
    if (manager && !found.some((known) => known.label === manager.label)) {
      found.push(manager);
    }
  }
  return found;
}


/** Whether a USER step switches to root (`root`, `0`, `root:group`); a bare USER counts as root. */
function isRootUser(step: UserStep): boolean {
  return /^(root|0)(:|$)/.test(step.value?.value ?? 'root');
}

const SYNTAX_DIRECTIVE = /^\s*#\s*syntax\s*=/im;

/** A `# syntax=` directive or any `RUN --mount` shows the recipe is built with BuildKit, so the advice can be followed. */
function optsIntoBuildKit(recipe: Recipe): boolean {
  const head = recipe.text.slice(0, 512);
  if (SYNTAX_DIRECTIVE.test(head.split(/\r?\n/).find((line) => line.trim() !== '') ?? '')) {
    return true;
  }
  return recipe.stages.some((stage) => stage.steps.some((step) => step.kind === 'run' && step.flags.some((flag) => flag.name === 'mount')));
}

function mountFix(recipe: Recipe, step: RunStep, managers: readonly Manager[]): Fix | undefined {
  if (managers.some((manager) => manager.targets.length === 0)) {
    return undefined; // one manager's cache location is unknown: a partial fix would leave the finding
  }
  const targets = [...new Set(managers.flatMap((manager) => manager.targets))];
  const at = offsetOf(recipe, step.keywordRange.end);
  const mounts = targets.map((target) => ` --mount=type=cache,target=${target},sharing=locked`).join('');
  return unsafeFix('Add BuildKit cache mounts', replace(rangeOf(recipe, at, at), mounts));
}

/** The finding on a RUN, as it runs as root or not (shared: never mutate). */
interface RunFinding {
  message: string;
  fixes: Fix[] | undefined;
}

const NO_FINDING: RunFinding = { message: '', fixes: undefined };

function runFinding(recipe: Recipe, step: RunStep, asRoot: boolean): RunFinding {
  if (step.flags.some((flag) => flag.name === 'mount' && /(^|,)type=cache(,|$)/.test(flag.value?.value ?? ''))) {
    return NO_FINDING;
  }
  const found = findManagers(step, asRoot);
  if (found.length === 0) {
    return NO_FINDING;
  }
  const fix = mountFix(recipe, step, found);
  return {
    message: `${found.map((manager) => manager.label).join(', ')} downloads packages on every rebuild; a BuildKit cache mount (\`RUN --mount=type=cache,target=…\`) keeps them between builds without adding them to the image.`,
    fixes: fix ? [fix] : undefined,
  };
}

/**
 * Kept per step in a lint with a memo, as root and not: it depends on the step's own fields alone (the fix's position
 * is the end of its keyword, on its own line).
 */
const findingsByStep = new WeakMap<RunStep, [asUser?: RunFinding, asRoot?: RunFinding]>();

function keptRunFinding(recipe: Recipe, step: RunStep, asRoot: boolean): RunFinding {
  let kept = findingsByStep.get(step);
  if (kept === undefined) {
    kept = [];
    findingsByStep.set(step, kept);
  }
  return (kept[asRoot ? 1 : 0] ??= runFinding(recipe, step, asRoot));
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-002',
    name: 'use-build-cache-mounts',
    category: 'caching',
    severity: 'hint',
    formats: ['dockerfile'],
    fix: 'unsafe',
    interests: { keywords: ['syntax', 'mount'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (!optsIntoBuildKit(recipe)) {
      return;
    }
    const findingOf = factsOf(recipe).stepsReused ? keptRunFinding : runFinding;
    for (const stage of recipe.stages) {
      // Root state at each step = the last USER before it (tracked in one pass instead of rescanning the stage).
      let rootUser = true;
      for (const step of stage.steps) {
        if (step.kind === 'user') {
          rootUser = isRootUser(step);
        }
        if (step.kind !== 'run') {
          continue;
        }
        const finding = findingOf(recipe, step, rootUser && stage.base.stageRef === undefined);
        if (finding !== NO_FINDING) {
          context.report({ range: step.keywordRange, message: finding.message, fixes: finding.fixes });
        }
      }
    }
  },
});

// HPC-CACHE-001: entrypoints and runscripts that download or install at container start.
import { defineRule } from '../../engine/rule';
import type { Recipe, ShellCommand } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { controlFlow, dependsOnArguments, POSITIONAL, type CommandFlow } from '../util/control-flow';
import { entryCommands, entryLabel, entrySteps } from '../util/entry';
import { baseName, shellCScript } from '../util/source';
import { activeSites, onSite, siteFact } from '../../site/checks';
import docs from './no-downloads-at-start.md';

const LOCAL_URL = /^(https?|ftp):\/\/(localhost|127\.|0\.0\.0\.0|\[::1\]|\$)/i;
const REMOTE_URL = /^(https?|ftp):\/\//i;
const CONTAINER_URI = /^(docker|library|shub|oras):\/\//i;

interface Subcommand {
  word?: string;
  index: number;
}

/** First non-option word after position `from`. */
function subcommand(words: readonly string[], from: number): Subcommand {
  for (let i = from; i < words.length; i++) {
    const value = words[i];
    if (!value.startsWith('-')) {
      return { word: value, index: i };
    }
  }
  return { index: words.length };
}

/** What a download command fetches, for the message. */
export interface Download {
  what: string;
  /** A system package manager: needs root and a writable image. */
  system: boolean;
  /** It fetches source code or a file (`git clone`, `curl`, `wget`), not packages to install. */
  source: boolean;
}

/** What the command downloads, or undefined. */
export function describeDownload(command: ShellCommand): Download | undefined {
  const what = describe(command);
  return what === undefined ? undefined : { what, system: what.endsWith('(and needs root)'), source: /^`(git (clone|pull|fetch)|curl|wget)`/.test(what) };
}

function describe(command: ShellCommand): string | undefined {
  const words = effectiveWords(command).map((word) => word.value);
  const name = baseName(words[0] ?? '');
  const index = 0;
  const sub = subcommand(words, 1);
  if (/^pip[\d.]*$/.test(name) && sub.word === 'install' && !words.includes('--no-index')) {
    return '`pip install` fetches packages from PyPI';
  }
  if (/^python[\d.]*$/.test(name) && words[index + 1] === '-m' && /^pip[\d.]*$/.test(words[index + 2] ?? '') && words.slice(index + 3).includes('install') && !words.includes('--no-index')) {
    return '`python -m pip install` fetches packages from PyPI';
  }
  if (/^(conda|mamba|micromamba)$/.test(name) && sub.word !== undefined) {
    const next = subcommand(words, sub.index + 1).word;
    if (['install', 'create', 'update', 'upgrade'].includes(sub.word) || (sub.word === 'env' && (next === 'create' || next === 'update'))) {
      return `\`${name} ${sub.word === 'env' ? `env ${next}` : sub.word}\` downloads packages from the channels`;
    }
  }
  if (/^(apt-get|apt|aptitude)$/.test(name) && ['install', 'update', 'upgrade', 'dist-upgrade', 'full-upgrade'].includes(sub.word ?? '')) {
    return `\`${name} ${sub.word}\` downloads from the distribution mirrors (and needs root)`;
  }
  if (/^(dnf|yum|microdnf|zypper|apk)$/.test(name) && ['install', 'in', 'update', 'up', 'upgrade', 'add', 'makecache'].includes(sub.word ?? '')) {
    return `\`${name} ${sub.word}\` downloads from the distribution mirrors (and needs root)`;
  }
  if (name === 'git' && (sub.word === 'clone' || sub.word === 'pull' || sub.word === 'fetch')) {
    return `\`git ${sub.word}\` fetches from a remote repository`;
  }
  if (name === 'spack' && sub.word === 'install') {
    return '`spack install` downloads and builds packages';
  }
  if ((name === 'curl' || name === 'wget') && words.slice(index + 1).some((word) => REMOTE_URL.test(word) && !LOCAL_URL.test(word))) {
    return `\`${name}\` downloads from the internet`;
  }
  if ((name === 'apptainer' || name === 'singularity') && (sub.word === 'pull' || ((sub.word === 'run' || sub.word === 'exec' || sub.word === 'shell' || sub.word === 'build') && words.some((word) => CONTAINER_URI.test(word))))) {
    return `\`${name} ${sub.word}\` pulls an image from a registry`;
  }
  if ((name === 'docker' || name === 'podman') && sub.word === 'pull') {
    return `\`${name} pull\` pulls an image from a registry`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-001',
    name: 'no-downloads-at-start',
    category: 'caching',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    interests: { steps: ['entrypoint'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const offline = activeSites(context.settings).filter((site) => site.profile.computeNodeInternet === false);
    const argumentVariables = variablesFromArguments(recipe);
    for (const { step } of entrySteps(recipe)) {
      const scripts = [step.script, ...(step.form === 'exec' ? [shellCScript(recipe, step.args)].filter((x) => x !== undefined) : [])];
      const flowOf = (command: ShellCommand): CommandFlow | undefined => {
        for (const script of scripts) {
          const flow = controlFlow(recipe, script)?.get(command);
          if (flow) {
            return flow;
          }
        }
        return undefined;
      };
      const guarded = guardedByArguments(step.script.commands);
      let builds: Map<ShellCommand, ShellCommand> | undefined;
      for (const command of entryCommands(recipe, step)) {
        const download = describeDownload(command);
        if (!download) {
          continue;
        }
        const where = entryLabel(step);
        if (dependsOnArguments(flowOf(command)) || guarded.has(command)) {
          context.report({
            range: command.range,
            severity: 'info',
            message: `${download.what} when ${where} is called with certain arguments (an installer or set-up sub-command): fine when a user asks for it, but a job that takes this path on every rank floods the service and fails on compute nodes without internet.`,
          });
          continue;
        }
        if (fromArguments(command, argumentVariables)) {
          context.report({
            range: command.range,
            severity: 'info',
            message: `${download.what} at container start, from a URL built from the arguments of ${where}: a builder or tool image that fetches what the user names. Make sure it never runs inside a parallel job, where every rank would download it.`,
          });
          continue;
        }
        const build = download.source ? (builds ??= buildsAfter(step.script.commands)).get(command) : undefined;
        if (build) {
          context.report({
            range: command.range,
            severity: 'info',
            message: `${download.what} when ${where} runs, and the script then builds it (\`${baseName(effectiveWords(build)[0].value)}\` on line ${build.range.start.line + 1}): a compile container that builds the fetched source on purpose. Run it where there is internet (a login or build node), never inside a parallel job.`,
          });
          continue;
        }
        if (offline.length > 0) {
          context.report({
            range: command.range,
            severity: 'error',
            message: onSite(offline, `${download.what} every time the container starts (${where}), but compute nodes have no internet access: it fails on every node. Do it at build time.`),
            site: siteFact(offline, 'compute nodes: no internet access', 'computeNodeInternet'),
          });
          continue;
        }
        // A system package install at start needs root and a writable image: under Apptainer it cannot work at all.
        const severity = download.system && recipe.format === 'apptainer' ? 'error' : 'warning';
        context.report({
          range: command.range,
          severity,
          message: `${download.what} every time the container starts (${where}); with many ranks or nodes this floods the service, and compute nodes may have no internet — do it at build time.`,
        });
      }
    }
  },
});

/** Variables set from the run's arguments (`VERSION=$1`, `export VERSION=$*`) in start scripts or `%environment`. */
function variablesFromArguments(recipe: Recipe): Set<string> {
  const names = new Set<string>();
  const scripts = recipe.stages.flatMap((stage) =>
    stage.steps.flatMap((step) => (step.kind === 'entrypoint' ? [step.script] : step.kind === 'env' && step.script ? [step.script] : [])),
  );
  for (const script of scripts) {
    for (const command of script.commands) {
      const assignments = command.name === 'export' || command.name === 'local' ? [...command.assignments, ...command.words.slice(1)] : command.assignments;
      for (const word of assignments) {
        const eq = word.text.indexOf('=');
        if (eq > 0 && POSITIONAL.test(word.text.slice(eq + 1))) {
          names.add(word.text.slice(0, eq));
        }
      }
    }
  }
  return names;
}

/** The download names its source through the arguments, directly or through a variable set from them. */
function fromArguments(command: ShellCommand, variables: ReadonlySet<string>): boolean {
  return command.words.slice(1).some((word) => {
    if (POSITIONAL.test(word.text)) {
      return true;
    }
    for (const match of word.text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
      if (variables.has(match[1])) {
        return true;
      }
    }
    return false;
  });
}

const BUILD_TOOLS = new Set(['configure', 'make', 'gmake', 'cmake', 'ninja', 'meson', 'autoreconf', 'scons']);

/**
 * For each command, the first build command (`../FMS/configure`, `make`, `cmake`) after it in the same script: a download
 * followed by one is a script that compiles what it fetched. One pass over the script.
 */
function buildsAfter(commands: readonly ShellCommand[]): Map<ShellCommand, ShellCommand> {
  const next = new Map<ShellCommand, ShellCommand>();
  let build: ShellCommand | undefined;
  for (let i = commands.length - 1; i >= 0; i--) {
    if (build) {
      next.set(commands[i], build);
    }
    if (BUILD_TOOLS.has(baseName(effectiveWords(commands[i])[0]?.value ?? ''))) {
      build = commands[i];
    }
  }
  return next;
}

/**
 * `[ "$1" = install ] && git clone …`: the commands whose `&&`/`||` list has an earlier command that
 * tests the arguments, so they run only when the arguments ask for it. One pass over the script.
 */
function guardedByArguments(commands: readonly ShellCommand[]): Set<ShellCommand> {
  const guarded = new Set<ShellCommand>();
  for (let i = 1; i < commands.length; i++) {
    const inList = commands[i].separatorBefore === '&&' || commands[i].separatorBefore === '||';
    const previous = commands[i - 1];
    if (inList && (guarded.has(previous) || previous.words.some((word) => POSITIONAL.test(word.text)))) {
      guarded.add(commands[i]);
    }
  }
  return guarded;
}

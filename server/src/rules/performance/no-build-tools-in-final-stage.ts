// HPC-PERF-008: compilers, -dev/-devel packages and CUDA devel bases left in the stage that ships, next to a build that uses them.
import { defineRule, type Severity } from '../../engine/rule';
import { CUDA_DEVEL_WEIGHT } from '../../knowledge/image-weight';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import type { Range, RunStep, ShellCommand, Stage, Word } from '../../recipe/model';
import { effectiveName, effectiveWords, installedPackages } from '../util/commands';
import { finalStageChain } from '../util/source';
import docs from './no-build-tools-in-final-stage.md';

const COMPILER = /^(build-essential|gcc|g\+\+|gfortran|gcc-c\+\+|gcc-gfortran|clang|llvm|cpp)(-\d+(\.\d+)*)?$|^(devtoolset|gcc-toolset)-\d+(-[\w+-]+)?$|^@?development[ -]tools$/i;
const DEV_PACKAGE = /^[\w.+-]+-(dev|devel)$/;
const CUDA_TOOLKIT = /^cuda(-toolkit|-nvcc|-compiler|-libraries-dev(el)?)?(-\d+([-.]\d+)*)?$/;
/** Commands that compile: the build the tools are there for. */
const COMPILERS = new Set(['make', 'cmake', 'ninja', 'meson', 'gcc', 'g++', 'cc', 'c++', 'gfortran', 'nvcc', 'mpicc', 'mpicxx', 'mpic++', 'mpif90', 'mpifort', 'icc', 'icpc', 'icx', 'icpx', 'ifort', 'ifx', 'configure', 'scons', 'bazel']);
const REMOVERS = new Set(['apt-get', 'apt', 'aptitude', 'dnf', 'yum', 'microdnf', 'zypper', 'apk']);
const REMOVE_WORDS = new Set(['remove', 'purge', 'erase', 'autoremove', 'del']);
/** Final stages meant as development or build environments keep their tools. */
const DEV_STAGE = /(^|[-_])(dev|devel|develop|development|build|builder|buildenv|ci|test|toolchain|sdk)([-_]|$)/i;

function compiles(command: ShellCommand): boolean {
  const name = effectiveName(command);
  if (COMPILERS.has(name)) {
    return true;
  }
  const words = effectiveWords(command);
  return (/^python[\d.]*$/.test(name) && words.some((word) => /(^|\/)setup\.py$/.test(word.value))) || (name === 'spack' && words[1]?.value === 'install');
}

function isRemoveWord(word: Word): boolean {
  return REMOVE_WORDS.has(word.value);
}

/** `apt-get purge …`, `dnf remove …`: the names removed; `*` when a variable names them (`$BUILD_DEPS`). */
function removedNames(command: ShellCommand): string[] {
  if (!REMOVERS.has(effectiveName(command))) {
    return [];
  }
  const words = effectiveWords(command).slice(1);
  const at = words.findIndex(isRemoveWord);
  if (at < 0) {
    return [];
  }
  const names = words.slice(at + 1).filter((word) => !word.value.startsWith('-'));
  return names.some((word) => word.value.includes('$')) || words[at].value === 'autoremove' ? ['*'] : names.map((word) => word.value);
}

interface Left {
  name: string;
  range: Range;
  cuda: boolean;
}

/** What one command says: whether it compiles, the packages it removes, the build tools it installs (shared: never mutate). */
interface CommandTools {
  compiles: boolean;
  removed: readonly string[];
  left: readonly Left[];
}

/** Kept per command in a lint with a memo (a definition file's `%post` is a new step on every keystroke in it). */
const TOOLS_BY_COMMAND = new CommandTable<CommandTools>((command) => {
  const left: Left[] = [];
  for (const installed of installedPackages(command)) {
    const name = installed.name;
    const cuda = CUDA_TOOLKIT.test(name);
    if (cuda || COMPILER.test(name) || DEV_PACKAGE.test(name)) {
      left.push({ name, range: installed.word.range, cuda });
    }
  }
  return { compiles: compiles(command), removed: removedNames(command), left };
});

/** What a step's commands say together, in order (shared: never mutate). */
function stepToolsOf(step: RunStep, toolsOf: (command: ShellCommand) => CommandTools): CommandTools {
  let compiles = false;
  const removed: string[] = [];
  const left: Left[] = [];
  for (const command of step.script.commands) {
    const tools = toolsOf(command);
    compiles ||= tools.compiles;
    removed.push(...tools.removed);
    left.push(...tools.left);
  }
  return { compiles, removed, left };
}

/** Kept per step in a Dockerfile's lint with a memo (a definition file's steps are new objects on every lint). */
const toolsByStep = new WeakMap<RunStep, CommandTools>();

function keptStepTools(step: RunStep, toolsOf: (command: ShellCommand) => CommandTools): CommandTools {
  let tools = toolsByStep.get(step);
  if (tools === undefined) {
    tools = stepToolsOf(step, toolsOf);
    toolsByStep.set(step, tools);
  }
  return tools;
}

function isCudaDevelBase(stage: Stage): boolean {
  const image = stage.base.image;
  return image !== undefined && /(^|\/)nvidia\/cuda$/.test(image.repository) && /(^|-)devel(-|$)/.test(image.tag ?? '');
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-008',
    name: 'no-build-tools-in-final-stage',
    category: 'performance',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    const final = chain[0];
    if (final === undefined || DEV_STAGE.test(final.name?.value ?? '')) {
      return;
    }
    const left: Left[] = [];
    const removed = new Set<string>();
    let builds = false;
    const toolsOf = TOOLS_BY_COMMAND.reader(recipe);
    const keep = factsOf(recipe).stepsReused;
    const add = (tools: CommandTools): void => {
      builds ||= tools.compiles;
      for (const name of tools.removed) {
        removed.add(name);
      }
      left.push(...tools.left);
    };
    for (const stage of chain) {
      for (const step of stage.steps) {
        if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
          continue;
        }
        if (keep) {
          add(keptStepTools(step, toolsOf));
          continue;
        }
        for (const command of step.script.commands) {
          add(toolsOf(command));
        }
      }
    }
    if (!builds || removed.has('*')) {
      return;
    }
    const kept = left.filter((entry) => !removed.has(entry.name));
    const root = chain[chain.length - 1];
    const develBase = isCudaDevelBase(root) ? root.base.image : undefined;
    if (kept.length === 0 && develBase === undefined) {
      return;
    }
    // CUDA first: it carries the weight the message quotes.
    const names = [...new Set([...kept.filter((entry) => entry.cuda), ...kept.filter((entry) => !entry.cuda)].map((entry) => entry.name))];
    const listed = names.slice(0, 4).map((name) => `\`${name}\``).join(', ') + (names.length > 4 ? ` and ${names.length - 4} more` : '');
    const large = develBase !== undefined || kept.some((entry) => entry.cuda);
    const weight = large ? ` (about ${CUDA_DEVEL_WEIGHT.aboutMB / 1000} GB and more for the CUDA compiler, headers and static libraries)` : '';
    const what = [develBase ? `the CUDA \`devel\` base \`${develBase.raw}\`` : '', names.length > 0 ? listed : ''].filter(Boolean).join(' and ');
    const severity: Severity = large ? 'info' : 'hint';
    context.report({
      range: develBase?.range ?? kept[0].range,
      severity,
      message:
        `The image that ships keeps build tools (${what})${weight}, which every node pulls with every job. ` +
        (recipe.format === 'apptainer'
          ? 'Build in a first stage (`Stage: build`) and copy only the result into a runtime base with `%files from build`.'
          : `Build in a first stage and \`COPY --from\` only the result into a runtime base${large ? ' (a CUDA `-runtime` image)' : ''}.`),
    });
  },
});

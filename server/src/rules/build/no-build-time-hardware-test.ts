// HPC-BUILD-004: build steps and %test sections that need GPUs, InfiniBand HCAs or an MPI launch (nvidia-smi, ibv_devinfo, rocm-smi, mpirun -np).
import { own } from '../../engine/own';
import { defineRule, type Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, ShellCommand, ShellScript, Step, Word } from '../../recipe/model';
import { allScripts, hasFlag } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { offsetOf, rangeOf } from '../util/source';
import docs from './no-build-time-hardware-test.md';

/** Device query tools that exit non-zero when the device (or its driver) is absent. */
const DEVICE_TOOLS: Record<string, string> = {
  'nvidia-smi': 'an NVIDIA GPU and driver',
  'rocm-smi': 'an AMD GPU and the amdgpu driver',
  rocminfo: 'an AMD GPU and the amdgpu driver',
  ibv_devinfo: 'an InfiniBand/RoCE adapter',
  ibv_devices: 'an InfiniBand/RoCE adapter',
  ibstat: 'an InfiniBand adapter',
  ibstatus: 'an InfiniBand adapter',
};
const MPI_LAUNCHERS = new Set(['mpirun', 'mpiexec', 'mpiexec.hydra', 'orterun', 'prterun']);
/** Prefilter for the recipe index: a recipe that names none of the tools cannot trigger the rule. */
const TOOL_KEYWORDS = [...Object.keys(DEVICE_TOOLS), ...MPI_LAUNCHERS].map((name) => name.toLowerCase());
/** Commands that check whether a tool exists before it is called. */
const PRESENCE_CHECKS = new Set(['command', 'which', 'type', 'hash', 'test', '[', '[[']);

/** True when a failure of `command` cannot fail the script: `cmd || …`, `cmd | …`, or an earlier presence check of the tool. */
function isGuarded(script: ShellScript, index: number, tool: string, checks: () => ReadonlyMap<string, number>): boolean {
  const command = script.commands[index];
  const next = script.commands[index + 1];
  if (command.pipesToNext || next?.separatorBefore === '||') {
    return true;
  }
  return (checks().get(tool) ?? Infinity) < index;
}

/** Per tool (a word of a presence check, or its last path component), the index of the first command of the script that checks for it. */
function firstPresenceChecks(script: ShellScript): Map<string, number> {
  const first = new Map<string, number>();
  script.commands.forEach((command, index) => {
    if (!PRESENCE_CHECKS.has(command.name)) {
      return;
    }
    for (const { value } of command.words) {
      for (const tool of [value, value.slice(value.lastIndexOf('/') + 1)]) {
        if (!first.has(tool)) {
          first.set(tool, index);
        }
      }
    }
  });
  return first;
}

function launchesRanks(command: ShellCommand): boolean {
  return hasFlag(command, '-np', '-n', '--np', '--n', '-c');
}

function launchFlag(command: ShellCommand): string {
  const words = effectiveWords(command);
  const index = words.findIndex((word) => ['-np', '-n', '--np', '--n', '-c'].includes(word.value));
  return index > 0 ? words.slice(index, index + 2).map((word) => word.value).join(' ') : '-np';
}

function guardFix(recipe: Recipe, script: ShellScript, index: number): Fix | undefined {
  const command = script.commands[index];
  const before = command.separatorBefore;
  if (script.text.trimStart().startsWith('[') || command.depth > 0 || (before !== undefined && before !== '&&' && before !== ';' && before !== 'newline')) {
    return undefined;
  }
  const text = recipe.text.slice(offsetOf(recipe, command.range.start), offsetOf(recipe, command.range.end));
  if (text.includes('\n')) {
    return undefined;
  }
  return unsafeFix(`Let the build continue when \`${command.name}\` finds no device: \`{ … || true; }\``, replace(command.range, `{ ${text} || true; }`));
}

function isBuildStep(step: Step): boolean {
  return step.kind === 'run' && step.keyword.toLowerCase() !== '%setup';
}

function isBuildTest(step: Step): boolean {
  return step.kind === 'test' && step.keyword.toUpperCase() !== 'HEALTHCHECK';
}

export default defineRule({
  meta: {
    code: 'HPC-BUILD-004',
    name: 'no-build-time-hardware-test',
    category: 'build',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
    interests: { keywords: TOOL_KEYWORDS },
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (!recipeMentions(recipe, TOOL_KEYWORDS)) {
      return;
    }
    for (const { script, step } of allScripts(recipe)) {
      const atBuild = isBuildStep(step);
      const inTest = isBuildTest(step);
      if (!atBuild && !inTest) {
        continue;
      }
      let checks: Map<string, number> | undefined;
      script.commands.forEach((command, index) => {
        const name = effectiveName(command);
        const word: Word | undefined = effectiveWords(command)[0];
        if (!word) {
          return;
        }
        const device = own(DEVICE_TOOLS, name);
        const mpi = MPI_LAUNCHERS.has(name) && launchesRanks(command);
        if ((!device && !mpi) || isGuarded(script, index, name, () => (checks ??= firstPresenceChecks(script)))) {
          return;
        }
        const label = mpi ? `\`${name} ${launchFlag(command)}\`` : `\`${name}\``;
        const need = device
          ? `needs ${device}, which build hosts (and \`docker build\`) usually lack`
          : 'starts an MPI job: it needs enough free cores, permission to launch (Open MPI refuses to run as root) and, for MPI built only for InfiniBand or Omni-Path, the adapter';
        const where = inTest
          ? `\`${step.keyword}\` runs at the end of every \`apptainer build\`, and ${label} ${need}${device ? '' : ', often missing on build hosts'}: the build fails there — build with \`--notest\` or check for the hardware first.`
          : device
            ? `${label} runs while the image is built and ${need}: the build fails there — check the hardware at run time on the target nodes instead.`
            : `${label} runs while the image is built and ${need} — on a build host without them the build fails; run MPI tests on the target nodes instead.`;
        const fix = atBuild && device ? guardFix(recipe, script, index) : undefined;
        context.report({
          range: rangeOf(recipe, offsetOf(recipe, word.range.start), offsetOf(recipe, word.range.end)),
          // A device query fails on every GPU-less or HCA-less builder; an MPI launch often works on shared memory.
          severity: device ? 'warning' : 'info',
          message: where,
          fixes: fix ? [fix] : [],
        });
      });
    }
  },
});

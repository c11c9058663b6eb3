// HPC-BUILD-004: build steps and %test sections that need GPUs, InfiniBand HCAs or an MPI launch (nvidia-smi, ibv_devinfo, rocm-smi, mpirun -np).
import { own } from '../../engine/own';
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, ShellCommand, ShellScript, Step, Word } from '../../recipe/model';
import { allScripts, hasFlag } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { offsetOf, rangeOf } from '../util/source';

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
function isGuarded(script: ShellScript, index: number, tool: string): boolean {
  const command = script.commands[index];
  const next = script.commands[index + 1];
  if (command.pipesToNext || next?.separatorBefore === '||') {
    return true;
  }
  return script.commands
    .slice(0, index)
    .some((earlier) => PRESENCE_CHECKS.has(earlier.name) && earlier.words.some((word) => word.value === tool || word.value.endsWith(`/${tool}`)));
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
  return {
    title: `Let the build continue when \`${command.name}\` finds no device: \`{ … || true; }\``,
    safe: false,
    edits: [{ range: command.range, newText: `{ ${text} || true; }` }],
  };
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
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: '`nvidia-smi`, `ibv_devinfo`, `ibstat`, `rocm-smi` or `mpirun -np` in `RUN`/`%post` or `%test` need hardware the build host usually lacks.',
      whatItDoes:
        'Finds device query tools (`nvidia-smi`, `rocm-smi`, `rocminfo`, `ibv_devinfo`, `ibv_devices`, `ibstat`, `ibstatus`) and MPI launches with a process count ' +
        '(`mpirun -np 4`, `mpiexec -n 2`) in build steps (`RUN`, `%post`, `%appinstall`) and in definition-file tests (`%test`, `%apptest`). Calls whose failure cannot ' +
        'stop the build are skipped: `nvidia-smi || true`, `nvidia-smi | tee log`, or after a presence check such as `command -v nvidia-smi`.',
      whyHpc:
        'Images are built on laptops, CI runners and login nodes without GPUs or InfiniBand adapters, and `docker build` gives no GPU to `RUN` at all. `nvidia-smi` then ' +
        'fails with `NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver` (or `command not found`: the driver tools are injected at run time), ' +
        '`ibv_devinfo` with `No IB devices found`, and the build stops. Apptainer runs `%test` at the end of every build, so such a test makes the image unbuildable ' +
        'anywhere but on a compute node; `mpirun -np` at build needs free cores, a working launcher (Open MPI refuses to run as root) and, for IB-only MPI builds, an HCA.',
      howToFix:
        'Check hardware when the container runs on the target nodes (a `%test` run with `apptainer test image.sif` on a GPU node, or the job script), build with ' +
        '`apptainer build --notest` on hosts without the hardware, or guard the call: `command -v nvidia-smi >/dev/null && nvidia-smi || true`. The quick fix wraps a ' +
        'device query in `{ … || true; }` — unsafe because a real failure is hidden too. MPI smoke tests can run over shared memory with a small count ' +
        '(`mpirun --allow-run-as-root -np 2 --mca btl self,vader`) or move to `%test`.',
      bad: [
        { format: 'dockerfile', code: 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN nvidia-smi && make -C /src\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%test\n    ibv_devinfo\n    mpirun -np 4 /opt/app/bin/selftest\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN make -C /src\nCMD ["nvidia-smi"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%test\n    command -v ibv_devinfo >/dev/null && ibv_devinfo || echo "no HCA here"\n' },
      ],
      exceptions:
        'Builds that run on a GPU/IB node (e.g. `apptainer build --nv` on a compute node, or a Docker daemon whose default runtime is `nvidia`) can run these tools; ' +
        'silence the line with `# hpclint ignore=HPC-BUILD-004 -- built on a GPU node`. `HEALTHCHECK` runs in the running container, not at build, and is not checked; ' +
        '`%setup` runs on the build host itself and is not checked. Commands inside scripts copied from the build context are not seen.',
      references: [
        'https://apptainer.org/docs/user/main/definition_files.html#test',
        'https://apptainer.org/docs/user/main/cli/apptainer_build.html',
        'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/docker-specialized.html',
        'https://docs.open-mpi.org/en/main/man-openmpi/man1/mpirun.1.html',
      ],
    },
  },
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
      script.commands.forEach((command, index) => {
        const name = effectiveName(command);
        const word: Word | undefined = effectiveWords(command)[0];
        if (!word) {
          return;
        }
        const device = own(DEVICE_TOOLS, name);
        const mpi = MPI_LAUNCHERS.has(name) && launchesRanks(command);
        if ((!device && !mpi) || isGuarded(script, index, name)) {
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
        context.report({ range: rangeOf(recipe, offsetOf(recipe, word.range.start), offsetOf(recipe, word.range.end)), message: where, fixes: fix ? [fix] : [] });
      });
    }
  },
});

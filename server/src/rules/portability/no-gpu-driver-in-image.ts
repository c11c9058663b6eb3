// HPC-PORT-005: GPU kernel or user-mode driver installed into the image.
import { defineRule, type Severity } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { installedPackages } from '../util/installed-packages';
import { baseName } from '../util/source';
import { listWords } from '../../site/checks';
import docs from './no-gpu-driver-in-image.md';

interface DriverPackage {
  pattern: RegExp;
  severity: Severity;
  what: string;
}

/** Driver package names (after version pins are stripped). */
const DRIVER_PACKAGES: readonly DriverPackage[] = [
  { pattern: /^nvidia-driver(-.*)?$/, severity: 'error', what: 'the NVIDIA driver' },
  { pattern: /^cuda-drivers(-.*)?$/, severity: 'error', what: 'the NVIDIA driver (`cuda-drivers` meta-package)' },
  { pattern: /^nvidia-kernel-.+$/, severity: 'error', what: 'NVIDIA kernel-module sources' },
  { pattern: /^(nvidia-dkms|nvidia-headless|nvidia-headless-no-dkms)-.+$/, severity: 'error', what: 'the NVIDIA kernel module' },
  { pattern: /^kmod-nvidia.*$/, severity: 'error', what: 'the NVIDIA kernel module' },
  { pattern: /^libcuda1(-.*)?$/, severity: 'error', what: 'the NVIDIA user-mode driver (`libcuda.so`)' },
  { pattern: /^libnvidia-compute-.+$/, severity: 'error', what: 'the NVIDIA user-mode driver (`libcuda.so`)' },
  { pattern: /^(nvidia-utils|nvidia-compute-utils)-.+$/, severity: 'error', what: 'NVIDIA driver utilities (`nvidia-smi`) tied to one driver version' },
  { pattern: /^amdgpu-dkms(-.*)?$/, severity: 'error', what: 'the AMD GPU kernel module' },
  { pattern: /^cuda(-\d+-\d+)?$/, severity: 'warning', what: 'the GPU driver too: on NVIDIA\'s repositories this meta-package depends on `cuda-drivers`' },
  { pattern: /^cuda-runtime-\d+-\d+$/, severity: 'warning', what: 'the GPU driver too: on NVIDIA\'s repositories `cuda-runtime-X-Y` depends on `cuda-drivers`' },
];

const HOST_DRIVER =
  'The GPU driver comes from the host: its user-mode libraries must match the kernel module of the node exactly, and `apptainer --nv`/`--rocm` or the NVIDIA Container Toolkit bind them in at run time.';
const NVIDIA_RUNFILE = /^NVIDIA-Linux-[\w.${}-]*\.run$/;

export default defineRule({
  meta: {
    code: 'HPC-PORT-005',
    name: 'no-gpu-driver-in-image',
    category: 'portability',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    for (const { script } of allScripts(context.recipe)) {
      for (const command of script.commands) {
        // One finding per install command, however many driver packages it names.
        const drivers = installedPackages(command)
          .filter((installed) => installed.manager !== 'conda' && installed.manager !== 'apk') // conda `cuda` is the toolkit; Alpine has no NVIDIA driver packages
          .flatMap((installed) => {
            const driver = DRIVER_PACKAGES.find((candidate) => candidate.pattern.test(installed.name));
            return driver ? [{ installed, driver }] : [];
          });
        if (drivers.length > 0) {
          const severity: Severity = drivers.some(({ driver }) => driver.severity === 'error') ? 'error' : 'warning';
          const shown = (name: string): string => `\`${name.replace(/\{\{$/, '…')}\``;
          const [{ installed, driver }] = drivers;
          const message =
            drivers.length === 1
              ? `${shown(installed.name)} installs ${driver.what}${driver.severity === 'error' ? ' into the image' : ''}.`
              : `${listWords(drivers.map((entry) => shown(entry.installed.name)))} install GPU driver components into the image — ${[...new Set(drivers.map((entry) => entry.driver.what))].join('; ')}.`;
          context.report({ range: installed.word.range, severity, message: `${message} ${HOST_DRIVER}` });
        }
        const runfile = driverInstaller(command);
        if (runfile) {
          context.report({
            range: runfile.range,
            message: `\`${baseName(runfile.value)}\` installs the NVIDIA driver into the image. ${HOST_DRIVER}`,
          });
        }
      }
    }
  },
});

/** `./NVIDIA-Linux-x86_64-550.run …` or `sh NVIDIA-Linux-….run …`: the installer word. */
function driverInstaller(command: ShellCommand): Word | undefined {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return undefined;
  }
  if (NVIDIA_RUNFILE.test(baseName(words[0].value))) {
    return words[0];
  }
  if (/^(sh|bash|dash)$/.test(baseName(words[0].value))) {
    const script = words.slice(1).find((word) => !word.value.startsWith('-'));
    return script && NVIDIA_RUNFILE.test(baseName(script.value)) ? script : undefined;
  }
  return undefined;
}

// HPC-PORT-005: GPU kernel or user-mode driver installed into the image.
import { defineRule } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords, installedPackages, type InstalledPackage } from '../util/commands';
import { baseName } from '../util/source';
import { listWords } from '../../site/checks';
import docs from './no-gpu-driver-in-image.md';

interface DriverPackage {
  pattern: RegExp;
  what: string;
  /** A meta-package that brings the driver only through its dependencies: `dpkg -i`/`rpm -i` of its file install none. */
  throughDependencies?: boolean;
}

/** Driver package names (after version pins are stripped). */
const DRIVER_PACKAGES: readonly DriverPackage[] = [
  { pattern: /^nvidia-driver(-.*)?$/, what: 'the NVIDIA driver' },
  { pattern: /^nvidia-\d{3}$/, what: 'the NVIDIA driver' },
  { pattern: /^cuda-drivers(-.*)?$/, what: 'the NVIDIA driver (`cuda-drivers` meta-package)' },
  { pattern: /^nvidia-kernel-.+$/, what: 'NVIDIA kernel-module sources' },
  { pattern: /^(nvidia-dkms|nvidia-headless|nvidia-headless-no-dkms)-.+$/, what: 'the NVIDIA kernel module' },
  { pattern: /^kmod-nvidia.*$/, what: 'the NVIDIA kernel module' },
  { pattern: /^libcuda1(-.*)?$/, what: 'the NVIDIA user-mode driver (`libcuda.so`)' },
  { pattern: /^libnvidia-compute-.+$/, what: 'the NVIDIA user-mode driver (`libcuda.so`)' },
  { pattern: /^(nvidia-utils|nvidia-compute-utils)-.+$/, what: 'NVIDIA driver utilities (`nvidia-smi`) tied to one driver version' },
  { pattern: /^amdgpu-dkms(-.*)?$/, what: 'the AMD GPU kernel module' },
  { pattern: /^nvidia-open(-.*)?$/, what: 'the NVIDIA driver with its open kernel modules' },
  { pattern: /^cuda(-\d+-\d+)?$/, what: 'the GPU driver too: on NVIDIA\'s repositories this meta-package depends on `cuda-drivers`', throughDependencies: true },
  { pattern: /^cuda-runtime-\d+-\d+$/, what: 'the GPU driver too: on NVIDIA\'s repositories `cuda-runtime-X-Y` depends on `cuda-drivers`', throughDependencies: true },
];

/** `dpkg -i x.deb` and `rpm -i x.rpm` install the file alone (they fail on missing dependencies instead of fetching them). */
const FILE_INSTALLERS = new Set(['dpkg', 'rpm']);

const HOST_DRIVER =
  'The GPU driver comes from the host: its user-mode libraries must match the kernel module of the node exactly, and `apptainer --nv`/`--rocm` or the NVIDIA Container Toolkit bind them in at run time.';
const NVIDIA_RUNFILE = /^NVIDIA-Linux-[\w.${}-]*\.run$/;

interface DriverInstall {
  installed: InstalledPackage;
  driver: DriverPackage;
}

const NO_DRIVERS: readonly DriverInstall[] = [];

/**
 * The driver packages `command` installs: conda's `cuda` is the toolkit, Alpine has no NVIDIA driver packages, and a
 * package that brings its driver only through dependencies counts only where the installer resolves them. A module
 * function without callbacks: a closure made per lint loses its optimized code at every full GC (docs/engine.md, Cost).
 */
function driversInstalledBy(command: ShellCommand): readonly DriverInstall[] {
  const resolvesDependencies = !FILE_INSTALLERS.has(effectiveName(command));
  let found: DriverInstall[] | undefined;
  for (const installed of installedPackages(command)) {
    if (installed.manager === 'conda' || installed.manager === 'apk') {
      continue;
    }
    const driver = driverPackage(installed.name);
    if (driver && (resolvesDependencies || !driver.throughDependencies)) {
      (found ??= []).push({ installed, driver });
    }
  }
  return found ?? NO_DRIVERS;
}

function driverPackage(name: string): DriverPackage | undefined {
  for (const candidate of DRIVER_PACKAGES) {
    if (candidate.pattern.test(name)) {
      return candidate;
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-005',
    name: 'no-gpu-driver-in-image',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'safe',
  },
  docs,
  check(context) {
    for (const { script } of allScripts(context.recipe)) {
      for (const command of script.commands) {
        // One finding per install command, however many driver packages it names.
        const drivers = driversInstalledBy(command);
        if (drivers.length > 0) {
          const shown = (name: string): string => `\`${name.replace(/\{\{$/, '…')}\``;
          const [{ installed, driver }] = drivers;
          const message =
            drivers.length === 1
              ? `${shown(installed.name)} installs ${driver.what}${driver.throughDependencies ? '' : ' into the image'}.`
              : `${listWords(drivers.map((entry) => shown(entry.installed.name)))} install GPU driver components into the image — ${[...new Set(drivers.map((entry) => entry.driver.what))].join('; ')}.`;
          context.report({ range: installed.word.range, message: `${message} ${HOST_DRIVER}` });
        }
        const stream = driverModuleStream(command);
        if (stream) {
          context.report({ range: stream.range, message: `\`dnf module install ${stream.value}\` installs the NVIDIA driver (kernel module and user-mode libraries) into the image. ${HOST_DRIVER}` });
        }
        const amdgpuInstall = amdgpuInstallWithDkms(command);
        if (amdgpuInstall) {
          context.report({
            range: amdgpuInstall.range,
            message: `\`amdgpu-install\` without \`--no-dkms\` builds and installs the amdgpu kernel module into the image. ${HOST_DRIVER} Add \`--no-dkms\` to install only the ROCm user space.`,
            fixes: [safeFix('Add `--no-dkms` (install only the ROCm user space)', insert(amdgpuInstall.range.end, ' --no-dkms'))],
          });
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
    for (const stage of context.recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy') {
          continue;
        }
        // One finding per copy, however many driver libraries it names.
        const libraries = step.sources.filter((source) => DRIVER_LIBRARY.test(baseName(source.value)) && !/\/stubs\//.test(source.value));
        if (libraries.length > 0) {
          const names = libraries.map((source) => `\`${baseName(source.value)}\``).join(', ');
          context.report({
            range: libraries[0].range,
            message: `${names} ${libraries.length === 1 ? 'is a library' : 'are libraries'} of one GPU driver version, copied into the image: on nodes with another driver they fail (\`CUDA driver version is insufficient\`, NVML \`Driver/library version mismatch\`) or shadow the right one. ${HOST_DRIVER}`,
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

/** `dnf module install nvidia-driver:latest-dkms` (also `yum`, `microdnf`): the driver as a module stream. */
function driverModuleStream(command: ShellCommand): Word | undefined {
  const words = effectiveWords(command);
  if (!/^(dnf|dnf5|yum|microdnf)$/.test(baseName(words[0]?.value ?? ''))) {
    return undefined;
  }
  const args = words.slice(1).filter((word) => !word.value.startsWith('-'));
  if (args[0]?.value !== 'module' || args[1]?.value !== 'install') {
    return undefined;
  }
  return args.slice(2).find((word) => /^nvidia-driver(:|$)/.test(word.value));
}

/** `amdgpu-install` without `--no-dkms` installs the amdgpu kernel module with DKMS. */
function amdgpuInstallWithDkms(command: ShellCommand): Word | undefined {
  const words = effectiveWords(command);
  const program = words[0];
  if (!program || baseName(program.value) !== 'amdgpu-install' || words.some((word) => word.value === '--no-dkms')) {
    return undefined;
  }
  return program;
}

/** Driver libraries copied in (`COPY libcuda.so.1 …`, `%files /usr/lib64/libnvidia-ml.so.550.54 …`); CUDA's link stubs are fine. */
const DRIVER_LIBRARY = /^lib(cuda|nvidia-ml|nvidia-ptxjitcompiler|nvidia-fatbinaryloader)\.so(\.[\d.]+)?$/;

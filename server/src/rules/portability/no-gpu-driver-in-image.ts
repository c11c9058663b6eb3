// HPC-PORT-005: GPU kernel or user-mode driver installed into the image.
import { defineRule, type Severity } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { installedPackages } from '../util/installed-packages';
import { baseName } from '../util/source';

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
    docs: {
      summary: 'GPU drivers (`nvidia-driver-*`, `cuda-drivers`, `libcuda1`, `NVIDIA-Linux-*.run`, `amdgpu-dkms`) installed into the image tie it to one host driver.',
      whatItDoes:
        'Reports package-manager installs (`apt-get`/`apt`, `dnf`/`yum`/`microdnf`, `zypper`, `apk`, `dpkg -i`, `rpm -i`) of GPU driver packages — `nvidia-driver-*`, ' +
        '`cuda-drivers`, `nvidia-kernel-*`, `nvidia-dkms-*`, `kmod-nvidia*`, `libcuda1-*`, `libnvidia-compute-*`, `nvidia-utils-*`, `amdgpu-dkms` — and running an ' +
        '`NVIDIA-Linux-*.run` driver installer. The NVIDIA `cuda` / `cuda-X-Y` / `cuda-runtime-X-Y` meta-packages are reported as warnings: on NVIDIA\'s apt/dnf ' +
        'repositories they depend on `cuda-drivers`, but the conda `cuda` package (toolkit only) is not reported.',
      whyHpc:
        'The NVIDIA kernel module is loaded by the host, and `libcuda.so` must be the same version as that module. A driver baked into the image only works on nodes ' +
        'that happen to run exactly that driver; elsewhere CUDA fails with `CUDA driver version is insufficient for CUDA runtime version`, `Failed to initialize NVML: ' +
        'Driver/library version mismatch` or `no CUDA-capable device is detected`, and every driver update on the cluster breaks the image. NVIDIA\'s own maintainers: ' +
        '"Do not install the drivers in the Dockerfile, otherwise the image will not be portable." Apptainer `--nv` and the NVIDIA Container Toolkit inject the host\'s ' +
        'driver libraries at run time for exactly this reason.',
      howToFix:
        'Install only the CUDA toolkit or runtime libraries (`cuda-toolkit-12-4`, `cuda-libraries-12-4`, `cuda-cudart-12-4`) or start from an `nvidia/cuda:*-runtime`/`-devel` ' +
        'image, and run with `apptainer exec --nv` (or `--rocm`), `docker run --gpus all`, or your site\'s GPU hook. For builds that need `libcuda.so` to link, use the stub ' +
        'in `/usr/local/cuda/lib64/stubs`. There is no quick fix: which package replaces the driver depends on what the build needs.',
      bad: [
        { format: 'dockerfile', code: 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y --no-install-recommends nvidia-driver-550\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install cuda-drivers\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get update && apt-get install -y --no-install-recommends cuda-libraries-12-4\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install cuda-toolkit-12-4\n' },
      ],
      exceptions:
        'Images meant for one exact machine whose driver never changes (or VM images that boot their own kernel) may carry a driver; silence the line with ' +
        '`# hpclint ignore=HPC-PORT-005 -- pinned to the node driver`. Driver installers run from variables (`sh $DRIVER_FILE`) and packages installed from scripts copied ' +
        'into the image are not seen. `nvidia-container-toolkit` and `nvidia-modprobe` are not drivers and are not reported.',
      references: [
        'https://github.com/NVIDIA/nvidia-docker/issues/528',
        'https://apptainer.org/docs/user/main/gpu.html',
        'https://docs.nvidia.com/deploy/cuda-compatibility/',
      ],
    },
  },
  check(context) {
    for (const { script } of allScripts(context.recipe)) {
      for (const command of script.commands) {
        for (const installed of installedPackages(command)) {
          if (installed.manager === 'conda' || installed.manager === 'apk') {
            continue; // conda `cuda` is the toolkit; Alpine has no NVIDIA driver packages
          }
          const driver = DRIVER_PACKAGES.find((candidate) => candidate.pattern.test(installed.name));
          if (!driver) {
            continue;
          }
          context.report({
            range: installed.word.range,
            severity: driver.severity,
            message: `\`${installed.name.replace(/\{\{$/, '…')}\` installs ${driver.what}${driver.severity === 'error' ? ' into the image' : ''}. ${HOST_DRIVER}`,
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

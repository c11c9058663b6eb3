// HPC-PORT-008: the image's CUDA version needs a minimum NVIDIA driver branch on the compute nodes.
import { own } from '../../engine/own';
import cudaDriver from '../../data/cuda-driver.json';
import { defineRule } from '../../engine/rule';
import type { Range, ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { expandedBase, isStageReference, normalizeRef } from '../util/base-image';
import { installedPackages } from '../util/installed-packages';
import { ngcBase } from '../util/ngc';
import { baseName } from '../util/source';
import docs from './cuda-host-driver.md';

interface DriverEntry {
  /** Driver branch; null when the release is known but its driver could not be confirmed. */
  driver: number | null;
}

const MINOR_COMPATIBILITY = cudaDriver.minorCompatibility as Record<string, DriverEntry>;
const TOOLKIT_DRIVER = cudaDriver.toolkitDriver as Record<string, DriverEntry>;

interface CudaUse {
  version: string;
  range: Range;
  source: string;
}

/** `cuda-toolkit-12-4`, `cuda-12-4`, `cuda-libraries-12-4`, `cuda-cudart-12-4` … (apt/dnf/zypper and package files). */
const CUDA_PACKAGE = /^cuda(-[a-z][a-z-]*)?-(\d+)-(\d+)$/;
/** Packages that carry no CUDA runtime (`cuda-license-*`, `cuda-repo-*`) or change the driver requirement (`cuda-compat-*`). */
const NOT_A_TOOLKIT = /^cuda-(compat|license|repo|keyring)(-|$)/;
const CUDA_COMPAT = /^cuda-compat-(\d+)-(\d+)$/;
/** conda: `cudatoolkit=11.8`, `cuda-toolkit=12.4`, `cuda-version=12.4`, `pytorch-cuda=12.1`, `cuda=12.4` (nvidia channel). */
const CONDA_CUDA = /^(?:[\w.-]+::)?(cudatoolkit|cuda-toolkit|cuda-version|cuda-runtime|cuda-cudart|pytorch-cuda|cuda)==?(\d+)\.(\d+)/;
/** `cuda_12.4.1_550.54.15_linux.run` installers. */
const CUDA_RUNFILE = /^cuda_(\d+)\.(\d+)[\d.]*_[\d.]+_linux[\w.-]*\.run$/;
/** `spack install cuda@12.4.1`. */
const SPACK_CUDA = /^cuda@=?(\d+)\.(\d+)/;

/** CUDA `major.minor` of an `nvidia/cuda` base: `nvidia/cuda:12.4.1-devel-ubuntu22.04` → `12.4`. */
function baseVersion(reference: string): string | undefined {
  const ref = normalizeRef(reference);
  const ngc = ngcBase(ref.registry, ref.repository, ref.tag);
  if (ngc?.cudaMajor) {
    // `nvcr.io/nvidia/pytorch:21.10-py3`: the CUDA release its notes name (`11.x` when only the major is known).
    return ngc.cuda ?? `${ngc.cudaMajor}.x`;
  }
  if (!/(^|\/)nvidia\/cuda$/.test(ref.repository) || !ref.tag) {
    return undefined;
  }
  const match = /^(\d+)\.(\d+)/.exec(ref.tag);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

function installVersions(command: ShellCommand): { version: string; word: Word }[] {
  const found: { version: string; word: Word }[] = [];
  for (const installed of installedPackages(command)) {
    if (installed.manager === 'conda') {
      const match = CONDA_CUDA.exec(installed.word.value);
      if (match) {
        found.push({ version: `${match[2]}.${match[3]}`, word: installed.word });
      }
      continue;
    }
    const match = installed.manager === 'apk' || NOT_A_TOOLKIT.test(installed.name) ? null : CUDA_PACKAGE.exec(installed.name);
    if (match) {
      found.push({ version: `${match[2]}.${match[3]}`, word: installed.word });
    }
  }
  const words = effectiveWords(command);
  const name = effectiveName(command);
  const candidates = /^(sh|bash)$/.test(name) ? words.slice(1, 2) : name === 'spack' ? words.slice(2) : words.slice(0, 1);
  for (const word of candidates) {
    const match = CUDA_RUNFILE.exec(baseName(word.value)) ?? (name === 'spack' ? SPACK_CUDA.exec(word.value) : null);
    if (match) {
      found.push({ version: `${match[1]}.${match[2]}`, word });
    }
  }
  return found;
}

function driverAdvice(version: string): string | undefined {
  const major = version.split('.')[0];
  const toolkit = own(TOOLKIT_DRIVER, version)?.driver ?? undefined;
  const minimum = own(MINOR_COMPATIBILITY, major)?.driver ?? undefined;
  if (minimum !== undefined) {
    const full = toolkit !== undefined && toolkit > minimum ? ` (features such as JIT-compiling PTX from this toolkit need ≥${toolkit})` : '';
    return `an NVIDIA driver of branch ≥${minimum} on the compute nodes (CUDA ${major}.x minor-version compatibility)${full}`;
  }
  if (toolkit !== undefined) {
    return `an NVIDIA driver of branch ≥${toolkit} on the compute nodes (CUDA ${major}.x has no minor-version compatibility)`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-008',
    name: 'cuda-host-driver',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const uses: CudaUse[] = [];
    const reported = new Set<string>();
    for (const stage of recipe.stages) {
      if (isStageReference(recipe, stage)) {
        continue;
      }
      const reference = expandedBase(recipe, stage);
      const version = reference === undefined ? undefined : baseVersion(reference);
      if (version) {
        const raw = (stage.base.image?.raw ?? stage.base.raw).replace(/^"(.*)"$/, '$1');
        uses.push({ version, range: stage.base.image?.range ?? stage.base.range, source: raw === reference ? `\`${raw}\`` : `\`${raw}\` = \`${reference}\`` });
      }
    }
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind !== 'run') {
        continue;
      }
      for (const command of script.commands) {
        for (const compat of installedPackages(command)) {
          const match = CUDA_COMPAT.exec(compat.name);
          if (match) {
            reported.add(`${match[1]}.${match[2]}`); // forward compatibility: the driver requirement differs
          }
        }
        for (const { version, word } of installVersions(command)) {
          uses.push({ version, range: word.range, source: `\`${baseName(word.value)}\`` });
        }
      }
    }
    for (const use of uses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)) {
      const advice = driverAdvice(use.version);
      if (!advice || reported.has(use.version)) {
        continue;
      }
      reported.add(use.version);
      context.report({
        range: use.range,
        message: `CUDA ${use.version} (${use.source}) needs ${advice}. No site profile says which driver your nodes run: check \`nvidia-smi\` on the compute nodes.`,
      });
    }
  },
});

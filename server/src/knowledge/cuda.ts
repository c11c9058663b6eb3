// CUDA releases: how recipes name them (packages, conda specs, runfiles, Spack specs, base images) and the NVIDIA
// driver branch each needs (data/cuda-driver.json).
import cudaDriver from '../data/cuda-driver.json';
import { own } from '../engine/own';
import type { CudaRequirement } from '../site/cuda';
import { ngcBase } from './ngc';
import { normalizeRef } from './registries';

interface DriverEntry {
  /** Driver branch; null when the release is known but its driver could not be confirmed. */
  driver: number | null;
}

const MINOR_COMPATIBILITY = cudaDriver.minorCompatibility as Record<string, DriverEntry>;
const TOOLKIT_DRIVER = cudaDriver.toolkitDriver as Record<string, DriverEntry>;

/** The driver branches CUDA `major.minor` needs: its own, and its major version's under minor-version compatibility. */
export function driverRequirement(version: string): CudaRequirement {
  const major = version.split('.')[0];
  return { full: own(TOOLKIT_DRIVER, version)?.driver ?? undefined, minor: own(MINOR_COMPATIBILITY, major)?.driver ?? undefined };
}

/** `cuda-toolkit-12-4`, `cuda-12-4`, `cuda-libraries-12-4`, `cuda-cudart-12-4` … (apt/dnf/zypper and package files). */
export const CUDA_PACKAGE = /^cuda(-[a-z][a-z-]*)?-(\d+)-(\d+)$/;
/** Packages that carry no CUDA runtime (`cuda-license-*`, `cuda-repo-*`) or change the driver requirement (`cuda-compat-*`). */
export const NOT_A_TOOLKIT = /^cuda-(compat|license|repo|keyring)(-|$)/;
export const CUDA_COMPAT = /^cuda-compat-(\d+)-(\d+)$/;
/** conda: `cudatoolkit=11.8`, `cuda-toolkit=12.4`, `cuda-version=12.4`, `pytorch-cuda=12.1`, `cuda=12.4` (nvidia channel). */
export const CONDA_CUDA = /^(?:[\w.-]+::)?(cudatoolkit|cuda-toolkit|cuda-version|cuda-runtime|cuda-cudart|pytorch-cuda|cuda)==?(\d+)\.(\d+)/;
/** `cuda_12.4.1_550.54.15_linux.run` installers. */
export const CUDA_RUNFILE = /^cuda_(\d+)\.(\d+)[\d.]*_[\d.]+_linux[\w.-]*\.run$/;
/** `spack install cuda@12.4.1`. */
export const SPACK_CUDA = /^cuda@=?(\d+)\.(\d+)/;

/** CUDA `major.minor` of an `nvidia/cuda` base: `nvidia/cuda:12.4.1-devel-ubuntu22.04` → `12.4`; NGC images by their notes. */
export function cudaOfImage(reference: string): string | undefined {
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

// GPU code targets in build commands (nvcc, clang/hipcc, CMake, PyTorch) and whether a site's GPUs can run them.
// NVIDIA: a cubin for sm_XY runs on GPUs of the same major compute capability with minor ≥ Y (an
// arch-specific sm_XYa only on X.Y itself); PTX for compute_XY is JIT-compiled on any GPU with capability
// ≥ X.Y. `-arch=sm_XY` alone embeds both. AMD: a code object runs only on its own gfx target.
import type { Gpu, Partition, Site } from './profile';

export interface NvidiaCode {
  kind: 'sass' | 'ptx';
  /** Compute capability ×10 (`sm_90` → 90). */
  capability: number;
  /** `sm_90a`/`sm_100f`: runs only on exactly this capability (family-specific code is treated the same way). */
  specific: boolean;
}

export interface GpuTargets {
  nvidia: NvidiaCode[];
  amd: string[];
  /** A form hpclint does not resolve (`all`, `all-major`, variables): no verdict. */
  open: boolean;
}

export function emptyTargets(): GpuTargets {
  return { nvidia: [], amd: [], open: false };
}

const SM = /^(sm|compute)_(\d+)(\d)([af]?)$/;

function nvidiaCode(text: string, kind?: 'sass' | 'ptx'): NvidiaCode | undefined {
  const match = SM.exec(text.trim().toLowerCase());
  if (!match) {
    return undefined;
  }
  return { kind: kind ?? (match[1] === 'sm' ? 'sass' : 'ptx'), capability: Number(match[2]) * 10 + Number(match[3]), specific: match[4] !== '' };
}

const OPEN_VALUES = /^(all|all-major|native|\$|\{\{)/;

/**
 * Reads the GPU targets of one command's words. `words` are the command's words in order (values after
 * quote removal). Returns undefined when the command names no GPU target at all.
 */
export function gpuTargetsOfWords(words: readonly string[]): GpuTargets | undefined {
  const targets = emptyTargets();
  let found = false;
  let archOnly: NvidiaCode | undefined;
  let codes: string[] | undefined;
  const addNvidiaList = (list: string, suffixes: boolean): void => {
    for (const item of list.split(/[;,\s]+/).filter(Boolean)) {
      found = true;
      if (OPEN_VALUES.test(item)) {
        targets.open = true;
        continue;
      }
      // CMake: `80`, `80-real`, `80-virtual`, `90a`; PyTorch: `8.0`, `9.0+PTX`, `9.0a`.
      const match = /^(\d+)\.?(\d)([af]?)(-real|-virtual|\+ptx)?$/i.exec(item);
      if (!match) {
        targets.open = true;
        continue;
      }
      const capability = Number(match[1]) * 10 + Number(match[2]);
      const specific = match[3] !== '';
      const suffix = (match[4] ?? '').toLowerCase();
      if (suffix !== '-virtual') {
        targets.nvidia.push({ kind: 'sass', capability, specific });
      }
      if (suffix === '-virtual' || suffix === '+ptx' || (suffixes && suffix === '')) {
        targets.nvidia.push({ kind: 'ptx', capability, specific });
      }
    }
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const next = words[i + 1];
    let match: RegExpExecArray | null;
    if ((match = /^(?:-arch|--gpu-architecture|-gpu-architecture)(?:=(.+))?$/.exec(word))) {
      const value = match[1] ?? next;
      if (value === undefined) {
        continue;
      }
      found = true;
      if (OPEN_VALUES.test(value)) {
        targets.open = true;
      } else {
        archOnly = nvidiaCode(value);
        if (!archOnly) {
          targets.open = true;
        }
      }
    } else if ((match = /^(?:-code|--gpu-code)(?:=(.+))?$/.exec(word))) {
      const value = match[1] ?? next;
      if (value !== undefined) {
        codes = [...(codes ?? []), ...value.split(',')];
      }
    } else if ((match = /^(?:-gencode|--generate-code)(?:=(.+))?$/.exec(word))) {
      const value = match[1] ?? next;
      if (value === undefined) {
        continue;
      }
      found = true;
      const code = /code=\[?([^\]]+)\]?/.exec(value)?.[1];
      const arch = /arch=([\w]+)/.exec(value)?.[1];
      const list = code ?? arch ?? '';
      for (const item of list.split(',')) {
        const parsed = nvidiaCode(item);
        if (parsed) {
          targets.nvidia.push(parsed);
        } else {
          targets.open = true;
        }
      }
    } else if ((match = /^--(?:offload-arch|cuda-gpu-arch|amdgpu-target)=(.+)$/.exec(word))) {
      found = true;
      for (const item of match[1].split(',')) {
        const target = item.split(':')[0].toLowerCase();
        const cuda = nvidiaCode(target, 'sass');
        if (cuda) {
          targets.nvidia.push(cuda, { ...cuda, kind: 'ptx' }); // clang embeds the cubin and its PTX
        } else if (/^gfx[0-9a-f]+$/.test(target)) {
          targets.amd.push(target);
        } else {
          targets.open = true;
        }
      }
    } else if ((match = /^(?:-D)?(?:CMAKE_CUDA_ARCHITECTURES|CUDAARCHS)(?::STRING)?=(.*)$/.exec(word))) {
      addNvidiaList(match[1].replace(/^["']|["']$/g, ''), true);
    } else if ((match = /^(?:-D)?(?:TORCH_CUDA_ARCH_LIST)(?::STRING)?=(.*)$/.exec(word))) {
      addNvidiaList(match[1].replace(/^["']|["']$/g, ''), false);
    } else if ((match = /^(?:-D)?(?:CMAKE_HIP_ARCHITECTURES|AMDGPU_TARGETS|GPU_TARGETS|HIP_ARCHITECTURES)(?::STRING)?=(.*)$/.exec(word))) {
      found = true;
      for (const item of match[1].replace(/^["']|["']$/g, '').split(/[;,\s]+/).filter(Boolean)) {
        const target = item.split(':')[0].toLowerCase();
        if (/^gfx[0-9a-f]+$/.test(target)) {
          targets.amd.push(target);
        } else {
          targets.open = true;
        }
      }
    }
  }
  if (archOnly) {
    if (codes) {
      for (const item of codes) {
        const parsed = nvidiaCode(item);
        if (parsed) {
          targets.nvidia.push(parsed);
        } else {
          targets.open = true;
        }
      }
    } else if (archOnly.kind === 'sass') {
      targets.nvidia.push(archOnly, { ...archOnly, kind: 'ptx' }); // `-arch=sm_XY` = cubin + PTX for XY
    } else {
      targets.nvidia.push(archOnly);
    }
  }
  return found ? targets : undefined;
}

function capabilityOf(gpu: Gpu): number | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(gpu.computeCapability ?? '');
  return match ? Number(match[1]) * 10 + Number(match[2]) : undefined;
}

function nvidiaRuns(code: NvidiaCode, capability: number): boolean {
  if (code.specific) {
    return code.capability === capability;
  }
  if (code.kind === 'ptx') {
    return code.capability <= capability;
  }
  return Math.floor(code.capability / 10) === Math.floor(capability / 10) && code.capability <= capability;
}

export interface GpuVerdict {
  partition: Partition;
  gpu: Gpu;
  /** `9.0` or `gfx90a`. */
  label: string;
}

/** GPU partitions of a site that can run none of the code the targets embed (only for vendors the targets name). */
export function partitionsWithoutCode(site: Site, targets: GpuTargets): GpuVerdict[] {
  if (targets.open) {
    return [];
  }
  const failing: GpuVerdict[] = [];
  for (const partition of site.partitions) {
    for (const gpu of partition.gpus ?? []) {
      if (gpu.vendor === 'nvidia' && targets.nvidia.length > 0) {
        const capability = capabilityOf(gpu);
        if (capability !== undefined && !targets.nvidia.some((code) => nvidiaRuns(code, capability))) {
          failing.push({ partition, gpu, label: gpu.computeCapability as string });
        }
      } else if (gpu.vendor === 'amd' && targets.amd.length > 0 && gpu.target && !targets.amd.includes(gpu.target.toLowerCase())) {
        failing.push({ partition, gpu, label: gpu.target });
      }
    }
  }
  return failing;
}

/** The NVIDIA capabilities and AMD targets of the sites' GPUs: the list a build should name. */
export function siteGpuTargets(sites: readonly Site[]): { nvidia: string[]; amd: string[] } {
  const nvidia = new Set<string>();
  const amd = new Set<string>();
  for (const gpu of sites.flatMap((site) => site.partitions.flatMap((partition) => partition.gpus ?? []))) {
    if (gpu.vendor === 'nvidia' && gpu.computeCapability) {
      nvidia.add(gpu.computeCapability);
    } else if (gpu.vendor === 'amd' && gpu.target) {
      amd.add(gpu.target);
    }
  }
  const byNumber = (a: string, b: string): number => Number(a) - Number(b);
  return { nvidia: [...nvidia].sort(byNumber), amd: [...amd].sort() };
}

export function describeCode(code: NvidiaCode): string {
  const name = `${Math.floor(code.capability / 10)}${code.capability % 10}${code.specific ? 'a' : ''}`;
  return code.kind === 'sass' ? `sm_${name}` : `compute_${name}`;
}

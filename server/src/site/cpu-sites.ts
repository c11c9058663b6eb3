// CPU targets against the partitions of site profiles: which partitions cannot run a compiler target, and
// the most capable target that every partition runs (the quick fix of HPC-PORT-001).
import { commonTarget, missingFeatures, partitionFeatures, type CpuFeatures } from './cpu';
import type { CpuArch, Partition, Site } from './profile';

export interface CpuTargetVerdict {
  site: Site;
  /** Partitions of the target's architecture that lack features it needs. */
  failing: { partition: Partition; missing: string[] }[];
}

/** Per site with partitions of the target's architecture: those that cannot run code built for `target`. */
export function cpuTargetVerdicts(sites: readonly Site[], target: CpuFeatures): CpuTargetVerdict[] {
  const verdicts: CpuTargetVerdict[] = [];
  for (const site of sites) {
    const same = site.partitions.filter((partition) => partition.cpu.arch === target.arch);
    if (same.length === 0) {
      continue;
    }
    const failing = same
      .map((partition) => ({ partition, missing: missingFeatures(target, partitionFeatures(partition)) }))
      .filter((entry) => entry.missing.length > 0);
    verdicts.push({ site, failing });
  }
  return verdicts;
}

export interface PortableTarget {
  flag: '-march=' | '-mcpu=';
  value: string;
  /** The partitions of that architecture, and the sites they belong to. */
  partitions: Partition[];
  sites: Site[];
}

/** The target every partition of `arch` across all sites runs: `-march=x86-64-v3`, `-mcpu=neoverse-v2`, … */
export function portableTarget(sites: readonly Site[], arch: CpuArch): PortableTarget | undefined {
  const withArch = sites.filter((site) => site.partitions.some((partition) => partition.cpu.arch === arch));
  const partitions = withArch.flatMap((site) => site.partitions).filter((partition) => partition.cpu.arch === arch);
  const target = commonTarget(partitions, arch);
  return target ? { ...target, partitions, sites: withArch } : undefined;
}

/**
 * The architecture a host-tuning flag is meant for on these sites: `-mcpu=native` is the Arm/POWER spelling,
 * `-march=native`, `-xHost` and `-tp=native` are x86 unless the sites have no x86 partitions.
 */
export function hostFlagArch(sites: readonly Site[], flag: string): CpuArch | undefined {
  const arches = new Set(sites.flatMap((site) => site.partitions.map((partition) => partition.cpu.arch)));
  if (/^-mcpu=/.test(flag)) {
    return arches.has('aarch64') ? 'aarch64' : arches.has('ppc64le') ? 'ppc64le' : undefined;
  }
  if (/^[-/]Q?x/i.test(flag)) {
    return arches.has('x86_64') ? 'x86_64' : undefined;
  }
  if (arches.has('x86_64')) {
    return 'x86_64';
  }
  return arches.size === 1 ? [...arches][0] : undefined;
}

/** Intel compiler code for an x86-64 level, for `-ax<CODE>` (runtime dispatch keeps a generic path). */
export function intelCodeForLevel(value: string): string | undefined {
  switch (value) {
    case 'x86-64-v2':
      return 'SSE4.2';
    case 'x86-64-v3':
      return 'CORE-AVX2';
    case 'x86-64-v4':
      return 'CORE-AVX512';
    default:
      return undefined;
  }
}

/** `znver3` or `x86-64-v3` for a partition's CPU in messages. */
export function cpuLabel(partition: Partition): string {
  return partition.cpu.microarch ?? partition.cpu.arch;
}

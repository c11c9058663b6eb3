// CUDA in an image against the NVIDIA driver of a site's GPU partitions. A driver at least the toolkit's
// own runs everything; from CUDA 11 on, a driver of the major version's minimum branch runs it under
// minor-version compatibility (PTX JIT from the newer toolkit and some features excepted); older drivers fail.
import type { Partition, Site } from './profile';

export type CudaVerdict =
  | { site: Site; status: 'ok' }
  | { site: Site; status: 'minor' | 'too-old'; partition: Partition; driver: number }
  | { site: Site; status: 'no-nvidia' }
  | { site: Site; status: 'unknown-driver'; partition: Partition };

export interface CudaRequirement {
  /** Driver branch the toolkit release itself needs (undefined when unknown, e.g. only the major version is known). */
  full?: number;
  /** Minimum branch of the major version under minor-version compatibility (CUDA ≥ 11). */
  minor?: number;
}

/** `550.54.15` → 550; `590` → 590. */
export function driverBranch(driver: string): number | undefined {
  const match = /^(\d+)/.exec(driver);
  return match ? Number(match[1]) : undefined;
}

/** The worst verdict over each site's NVIDIA GPU partitions. */
export function cudaVerdicts(sites: readonly Site[], requirement: CudaRequirement): CudaVerdict[] {
  const rank = { ok: 0, minor: 1, 'unknown-driver': 2, 'too-old': 3 } as const;
  return sites.map((site): CudaVerdict => {
    const partitions = site.partitions.filter((partition) => partition.gpus?.some((gpu) => gpu.vendor === 'nvidia'));
    if (partitions.length === 0) {
      return { site, status: 'no-nvidia' };
    }
    let worst: CudaVerdict = { site, status: 'ok' };
    for (const partition of partitions) {
      const driver = partition.gpus?.find((gpu) => gpu.vendor === 'nvidia' && gpu.driver)?.driver;
      const branch = driver === undefined ? undefined : driverBranch(driver);
      let verdict: CudaVerdict;
      if (branch === undefined) {
        verdict = { site, status: 'unknown-driver', partition };
      } else if (requirement.full !== undefined && branch >= requirement.full) {
        verdict = { site, status: 'ok' };
      } else if (requirement.minor !== undefined && branch >= requirement.minor) {
        verdict = requirement.full === undefined ? { site, status: 'ok' } : { site, status: 'minor', partition, driver: branch };
      } else if (requirement.full === undefined && requirement.minor === undefined) {
        verdict = { site, status: 'ok' };
      } else {
        verdict = { site, status: 'too-old', partition, driver: branch };
      }
      if (rank[verdict.status as keyof typeof rank] > rank[worst.status as keyof typeof rank]) {
        worst = verdict;
      }
    }
    return worst;
  });
}

// The site-profile model: what hpclint knows about the machines a recipe is meant for.
// The JSON Schema in schemas/site-profile.schema.json describes the same shape for editors and the loader.

export type CpuArch = 'x86_64' | 'aarch64' | 'ppc64le';
export type GpuVendor = 'nvidia' | 'amd' | 'intel';
export type MpiFamily = 'cray-mpich' | 'mpich' | 'mvapich' | 'intel-mpi' | 'openmpi' | 'hpe-mpt' | 'other';
export type MpiAbi = 'mpich' | 'openmpi' | 'mpi-abi';
/** `bind`: host MPI replaces the image's; `hybrid`: image MPI started through the host's PMI; `image`: no host integration. */
export type MpiUsage = 'bind' | 'hybrid' | 'image';
export type Pmi = 'pmix' | 'pmi2' | 'pmi1' | 'cray_shasta' | 'none';
export type Interconnect = 'infiniband' | 'roce' | 'slingshot' | 'omnipath' | 'efa' | 'tcp';
export type FabricLibrary = 'ucx' | 'libfabric' | 'verbs' | 'psm2' | 'psm3';
export type RuntimeName = 'apptainer' | 'singularityce' | 'podman-hpc' | 'podman' | 'sarus' | 'charliecloud' | 'enroot' | 'shifter' | 'docker';
export type PackageMirrorKind = 'pypi' | 'conda' | 'apt' | 'dnf' | 'cran' | 'spack' | 'generic';

export interface Gpu {
  vendor: GpuVendor;
  model?: string;
  /** NVIDIA compute capability, `major.minor`. */
  computeCapability?: string;
  /** AMD offload target, `gfx90a`. */
  target?: string;
  /** Driver version or branch, `550.54.15` or `550`. */
  driver?: string;
}

export interface Partition {
  name: string;
  cpu: { arch: CpuArch; microarch?: string };
  gpus?: Gpu[];
}

export interface SiteProfile {
  name: string;
  description?: string;
  asOf?: string;
  partitions: Partition[];
  mpi?: { family: MpiFamily; version?: string; abi?: MpiAbi; usage?: MpiUsage };
  pmi?: Pmi[];
  interconnect?: { type: Interconnect; libraries?: FabricLibrary[]; providers?: string[]; injected?: boolean };
  host?: { os?: string; kernel?: string; glibc?: string };
  runtimes?: { name: RuntimeName; version?: string }[];
  registries?: { mirrors?: { upstream: string; mirror: string }[]; trusted?: string[] };
  packageMirrors?: { kind: PackageMirrorKind; upstream: string; mirror: string }[];
  publish?: 'public' | 'private';
  computeNodeInternet?: boolean;
  /** Fact path (`partitions.gpu.gpus`, `mpi`, `host.glibc`) → URL or probe it came from. */
  sources?: Record<string, string>;
}

/** A profile as rules see it: the loaded facts, where they came from, and the partitions the recipe targets. */
export interface Site {
  profile: SiteProfile;
  /** `bundled:lumi` or the profile file's path. */
  origin: string;
  /** The partitions checked (all of the profile's unless the configuration narrows them). */
  partitions: Partition[];
}

/** The site's name as findings show it. */
export function siteName(site: Site): string {
  const all = site.partitions.length === site.profile.partitions.length;
  return all ? site.profile.name : `${site.profile.name} (${site.partitions.map((p) => p.name).join(', ')})`;
}

/**
 * Where a fact comes from: the source recorded for `path` or for its nearest parent path
 * (`partitions.gpu.gpus` falls back to `partitions.gpu`, then `partitions`).
 */
export function factSource(profile: SiteProfile, path: string): string | undefined {
  const sources = profile.sources;
  if (!sources) {
    return undefined;
  }
  for (let key = path; key.length > 0; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    if (Object.prototype.hasOwnProperty.call(sources, key)) {
      return sources[key];
    }
    if (!key.includes('.')) {
      break;
    }
  }
  return undefined;
}

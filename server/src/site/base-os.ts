// What a base OS release brings that a site cares about: its glibc (for host libraries bound into the
// container and for the host kernel it needs) and its CPU baseline (Enterprise Linux 10 is built for
// x86-64-v3). Releases are the EOL table's products and cycles (`ubuntu` 22.04, `rocky` 9, …).
import { compareVersions } from '../knowledge/versions';
import type { Site } from './profile';

/** glibc by product and cycle, from each distribution's package index (libc6 / glibc). */
const GLIBC: Record<string, Record<string, string>> = {
  // https://packages.ubuntu.com/<codename>/libc6
  ubuntu: { '14.04': '2.19', '16.04': '2.23', '18.04': '2.27', '20.04': '2.31', '22.04': '2.35', '24.04': '2.39' },
  // https://packages.debian.org/<codename>/libc6
  debian: { '8': '2.19', '9': '2.24', '10': '2.28', '11': '2.31', '12': '2.36', '13': '2.41' },
  // Enterprise Linux: glibc-2.17 (EL7), glibc-2.28 (EL8), glibc-2.34 (EL9), glibc-2.39 (EL10) in the BaseOS repositories
  centos: { '6': '2.12', '7': '2.17', '8': '2.28' },
  'centos-stream': { '8': '2.28', '9': '2.34', '10': '2.39' },
  ubi: { '7': '2.17', '8': '2.28', '9': '2.34', '10': '2.39' },
  rocky: { '8': '2.28', '9': '2.34', '10': '2.39' },
  almalinux: { '8': '2.28', '9': '2.34', '10': '2.39' },
};

export const GLIBC_SOURCES = [
  'https://packages.ubuntu.com/noble/libc6',
  'https://packages.debian.org/bookworm/libc6',
  'https://docs.redhat.com/en/documentation/red_hat_enterprise_linux/9/html/9.0_release_notes/',
];

/** glibc of a base release, when known; `musl` for Alpine. */
export function baseGlibc(product: string, cycle: string): string | undefined {
  if (product === 'alpine') {
    return 'musl';
  }
  return Object.prototype.hasOwnProperty.call(GLIBC, product) ? GLIBC[product][cycle] : undefined;
}

/**
 * The oldest kernel a glibc runs on: 3.2 from glibc 2.26 on (its NEWS: "The minimum Linux kernel
 * version that this version of the GNU C Library can be used with is 3.2"), 2.6.32 before.
 */
export function minimumKernel(glibc: string): string {
  return compareVersions(glibc, '2.26') >= 0 ? '3.2' : '2.6.32';
}

/** What the site binds into containers from the host, if anything: the reason host libraries meet the image's glibc. */
export function hostLibrariesBound(site: Site): string | undefined {
  const { mpi, interconnect } = site.profile;
  if (mpi?.usage === 'bind') {
    return `the host's ${mpi.family} (bind model)`;
  }
  if (interconnect?.injected) {
    return `the host's ${interconnect.libraries?.join('/') || 'fabric'} libraries`;
  }
  return undefined;
}

/** Whether containers on this site get any host library at all (bound MPI, injected fabric, GPU drivers). */
export function bindsAnything(site: Site): boolean {
  return hostLibrariesBound(site) !== undefined || site.partitions.some((partition) => partition.gpus?.length);
}

/** Enterprise Linux 10 userland is built for x86-64-v3 (AVX2, FMA, BMI2, MOVBE). */
export function needsX86Level(product: string, cycle: string, tag: string | undefined): number | undefined {
  const el = ['rocky', 'almalinux', 'ubi', 'centos-stream', 'oraclelinux'].includes(product) && cycle === '10';
  if (!el) {
    return undefined;
  }
  if (product === 'almalinux' && /v2/i.test(tag ?? '')) {
    return 2; // AlmaLinux 10's x86_64_v2 build
  }
  return 3;
}

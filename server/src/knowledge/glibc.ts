// glibc of base releases older than what libraries injected from the host need (HPC-PORT-007, and HPC-EOL-001's message).
import type { Match } from './eol';

/** Minimum glibc that host-injected libraries commonly need (NCAS-CMS's ARCHER2 notes give 2.26 for the Cray PE). */
export const MINIMUM_HOST_GLIBC = '2.26';

/** glibc of releases below the minimum, by EOL-table product and cycle; `older` = cycles older than the table's oldest. */
const GLIBC: Record<string, { cycles: Record<string, string>; older?: string; label: string }> = {
  ubuntu: { cycles: { '14.04': '2.19', '16.04': '2.23' }, older: 'older than 2.19', label: 'Ubuntu' },
  debian: { cycles: { '8': '2.19', '9': '2.24' }, older: 'older than 2.19', label: 'Debian' },
  centos: { cycles: { '6': '2.12', '7': '2.17' }, older: 'older than 2.12', label: 'CentOS' },
  ubi: { cycles: { '7': '2.17' }, label: 'Red Hat UBI' },
};

/** `{ label: 'CentOS 7', glibc: '2.17' }` when the release's glibc is older than MINIMUM_HOST_GLIBC. */
export function oldGlibc(hit: Match): { label: string; glibc: string } | undefined {
  const table = GLIBC[hit.product];
  const glibc = table ? (table.cycles[hit.cycle.cycle] ?? (hit.approximate ? table.older : undefined)) : undefined;
  return table && glibc ? { label: `${table.label} ${hit.cycle.cycle}`, glibc } : undefined;
}

/** `glibc 2.17` or `a glibc older than 2.19`. */
export function glibcText(glibc: string): string {
  return /^\d/.test(glibc) ? `glibc ${glibc}` : `a glibc ${glibc}`;
}

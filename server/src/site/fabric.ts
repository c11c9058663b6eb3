// Fabric libraries an image builds against a site's interconnect: UCX-only MPI on Slingshot (no UCX
// backend there), UCX without verbs or libfabric without verbs on InfiniBand/RoCE, libfabric without the
// CXI provider on Slingshot when the site does not inject its own. Image MPIs that a bind-model site
// replaces with its host MPI, and libraries the runtime replaces, are not judged.
import type { Severity, SiteFact } from '../engine/rule';
import { onSite, siteFact } from './checks';
import type { Site } from './profile';

export interface FabricBuild {
  project: 'openmpi' | 'mpich' | 'mvapich' | 'libfabric' | 'ucx';
  /** configure options after variable expansion. */
  options: readonly string[];
}

export interface FabricProblem {
  site: Site;
  message: string;
  severity: Severity;
  fact: SiteFact;
  /** The option the problem is about (for the finding's range). */
  option?: string;
}

function enabled(options: readonly string[], ...names: string[]): boolean {
  return options.some((option) => names.some((name) => (option === name || option.startsWith(`${name}=`)) && !/=no$/.test(option)));
}

function disabled(options: readonly string[], feature: string): string | undefined {
  return options.find((option) => option === `--without-${feature}` || option === `--with-${feature}=no` || option === `--disable-${feature}` || option === `--enable-${feature}=no`);
}

const RDMA = new Set(['infiniband', 'roce']);

export function fabricProblems(sites: readonly Site[], build: FabricBuild): FabricProblem[] {
  const problems: FabricProblem[] = [];
  for (const site of sites) {
    const interconnect = site.profile.interconnect;
    if (!interconnect) {
      continue;
    }
    const mpi = site.profile.mpi;
    const replacedByHost = mpi?.usage === 'bind' && mpi.abi === 'mpich' && (build.project === 'mpich' || build.project === 'mvapich');
    const injected = interconnect.injected === true && (build.project === 'libfabric' ? interconnect.libraries?.includes('libfabric') !== false : false);
    if (replacedByHost || injected) {
      continue;
    }
    const fact = siteFact(site, `interconnect: ${interconnect.type}${interconnect.libraries?.length ? ` (${interconnect.libraries.join(', ')})` : ''}`, 'interconnect');
    const report = (severity: Severity, message: string, option?: string): void => {
      problems.push({ site, severity, message: onSite(site, message), fact, ...(option ? { option } : {}) });
    };
    const { options } = build;
    if (interconnect.type === 'slingshot') {
      if (build.project === 'openmpi' && enabled(options, '--with-ucx') && !enabled(options, '--with-ofi', '--with-libfabric')) {
        report('error', 'Open MPI is built with UCX but not libfabric, and UCX has no backend for Slingshot: jobs fail or run over TCP. Configure `--with-ofi` (libfabric with the CXI provider).');
      }
      const device = options.find((option) => option.startsWith('--with-device='));
      if ((build.project === 'mpich') && device !== undefined && /ucx/.test(device)) {
        report('error', `MPICH's \`${device.slice('--with-device='.length)}\` device has no Slingshot backend (UCX does not drive the CXI NIC): use \`ch4:ofi\`.`, device);
      } else if (build.project === 'mpich' && device !== undefined && /^--with-device=ch3:(sock|nemesis(:tcp)?)$/.test(device)) {
        report('warning', `MPICH's \`${device.slice('--with-device='.length)}\` device only speaks TCP: on Slingshot use \`ch4:ofi\` so the CXI provider carries the traffic.`, device);
      }
      if (build.project === 'libfabric') {
        const off = disabled(options, 'cxi');
        if (off) {
          report('error', `\`${off}\` builds libfabric without the CXI provider, the only one that drives Slingshot: MPI falls back to TCP.`, off);
        } else if (!enabled(options, '--enable-cxi')) {
          report('warning', 'This libfabric is built without `--enable-cxi`, and the site does not inject its own: without the CXI provider MPI falls back to TCP on Slingshot.');
        }
      }
    }
    if (RDMA.has(interconnect.type)) {
      if (build.project === 'ucx') {
        const off = disabled(options, 'verbs');
        if (off) {
          report('error', `\`${off}\` builds UCX without verbs, its only ${interconnect.type === 'roce' ? 'RoCE' : 'InfiniBand'} transport: MPI over this UCX falls back to TCP.`, off);
        }
      }
      if (build.project === 'libfabric') {
        const off = disabled(options, 'verbs');
        if (off) {
          report('error', `\`${off}\` builds libfabric without its verbs provider: on this ${interconnect.type === 'roce' ? 'RoCE' : 'InfiniBand'} network MPI falls back to the TCP provider.`, off);
        }
      }
      if (build.project === 'openmpi' && interconnect.libraries?.includes('ucx')) {
        const off = disabled(options, 'ucx');
        if (off) {
          report('error', `\`${off}\` leaves Open MPI without UCX, which this site's ${interconnect.type === 'roce' ? 'RoCE' : 'InfiniBand'} network needs (Open MPI 5 drives InfiniBand only through UCX).`, off);
        }
      }
    }
  }
  return problems;
}

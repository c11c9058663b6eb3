// HPC-PORT-010: Open MPI images cannot use the MPICH-ABI host MPI that Cray/HPE sites inject.
import { defineRule, type RuleContext } from '../../engine/rule';
import { activeSites, onSite, siteFact } from '../../site/checks';
import type { Site } from '../../site/profile';
import { baseHasMpichAbi, mpiSources, type MpiSource } from '../util/mpi';
import { recipeMentions } from '../util/recipe-index';
import docs from './mpich-abi-mpi.md';

const OPEN_MPI_KEYWORDS = ['openmpi', 'mpi-default-'];
const MPI_KEYWORDS = ['openmpi', 'mpi-default-', 'mpich', 'mvapich', 'intel-mpi', 'intel-oneapi-mpi'];

export default defineRule({
  meta: {
    code: 'HPC-PORT-010',
    name: 'mpich-abi-mpi',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const sites = activeSites(context.settings);
    if (sites.length > 0 && sites.every((site) => site.profile.mpi)) {
      checkOnSites(context, sites);
      return;
    }
    if (!recipeMentions(recipe, OPEN_MPI_KEYWORDS)) {
      return; // every Open MPI source (package, spack spec, tarball) names `openmpi` or Debian's `mpi-default-*`
    }
    const sources = mpiSources(recipe);
    if (sources.some((source) => source.family === 'mpich-abi') || baseHasMpichAbi(recipe)) {
      return;
    }
    const openMpi = sources.find((source) => source.family === 'openmpi');
    if (!openMpi) {
      return;
    }
    context.report({
      range: openMpi.word.range,
      message:
        `The image gets Open MPI (\`${openMpi.name}\`) and no MPICH-ABI MPI. If your site injects MPICH-ABI MPI (Shifter/Sarus/podman-hpc hooks), Open MPI images ` +
        'can\'t use it; build MPICH ≥3.1 `--with-device=ch4:ofi`.',
    });
  },
});

/**
 * With site profiles that describe the host MPI: only the bind model needs the image's MPI to share the
 * host's ABI (the host library replaces the image's); in the hybrid and image models the image's own MPI
 * runs, started through the scheduler's PMI, whatever its family.
 */
function checkOnSites(context: RuleContext, sites: readonly Site[]): void {
  const { recipe } = context;
  if (!recipeMentions(recipe, MPI_KEYWORDS) && !baseHasMpichAbi(recipe)) {
    return;
  }
  const sources = mpiSources(recipe);
  const hasMpichAbi = sources.some((source) => source.family === 'mpich-abi') || baseHasMpichAbi(recipe);
  const openMpi = sources.find((source) => source.family === 'openmpi');
  for (const site of sites) {
    const mpi = site.profile.mpi;
    if (mpi?.usage === 'hybrid' && mpi.family === 'openmpi' && mpi.version && openMpi) {
      checkHybridOpenMpi(context, site, mpi.version, sources);
    }
    if (mpi?.usage !== 'bind' || mpi.abi === undefined) {
      continue;
    }
    const host = `${mpi.family}${mpi.version ? ` ${mpi.version}` : ''}`;
    const report = (source: MpiSource, what: string): void => {
      context.report({
        range: source.word.range,
        severity: 'warning',
        message: onSite(
          site,
          `the host's ${host} is bound into containers and replaces the image's MPI only when both share the ${mpi.abi === 'mpich' ? 'MPICH' : 'Open MPI'} ABI; ` +
            `${what}, so jobs run the image's own MPI (over TCP, or not at all across nodes). ` +
            (mpi.abi === 'mpich' ? 'Build MPICH ≥3.1 (`--with-device=ch4:ofi`, shared libraries) instead.' : 'Build against Open MPI instead.'),
        ),
        site: siteFact(site, `host MPI: ${host}, ${mpi.abi} ABI, ${mpi.usage} model`, 'mpi'),
      });
    };
    if (mpi.abi === 'mpich' && openMpi && !hasMpichAbi) {
      report(openMpi, `this image has Open MPI (\`${openMpi.name}\`) and no MPICH-ABI MPI`);
    } else if (mpi.abi === 'openmpi' && !openMpi) {
      const mpich = sources.find((source) => source.family === 'mpich-abi');
      if (mpich) {
        report(mpich, `this image has an MPICH-ABI MPI (\`${mpich.name}\`) and no Open MPI`);
      }
    }
  }
}

/** Hybrid model with the host's Open MPI: an image Open MPI of another major release is not wire-compatible with it. */
function checkHybridOpenMpi(context: RuleContext, site: Site, hostVersion: string, sources: readonly MpiSource[]): void {
  const hostMajor = hostVersion.split('.')[0];
  for (const source of sources) {
    const version = source.family === 'openmpi' ? /^openmpi-(\d+)\.(\d+)/.exec(source.name) : null;
    if (!version || version[1] === hostMajor) {
      continue;
    }
    context.report({
      range: source.word.range,
      severity: 'warning',
      message: onSite(
        site,
        `containers run their own MPI under the host's Open MPI ${hostVersion} (hybrid model), which must be compatible with it; this image builds Open MPI ` +
          `${version[1]}.${version[2]} (\`${source.name}\`), another major release. Build Open MPI ${hostMajor}.x in the image.`,
      ),
      site: siteFact(site, `host MPI: openmpi ${hostVersion}, hybrid model`, 'mpi'),
    });
    return; // once: the download and the unpacking name the same release
  }
}

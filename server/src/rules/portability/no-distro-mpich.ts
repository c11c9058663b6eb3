// HPC-PORT-011: MPICH from distribution packages only swaps with a host MPICH of a matching version.
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { activeSites, onSite, siteFact } from '../../site/checks';
import type { Site } from '../../site/profile';
import { installedPackages } from '../util/commands';
import { DISTRO_MPICH_PACKAGE } from '../../knowledge/mpi';
import docs from './no-distro-mpich.md';

interface DistroMpich {
  name: string;
  word: Word;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-011',
    name: 'no-distro-mpich',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['mpich'] },
  },
  docs,
  check(context) {
    const installs = distroMpichInstalls(context);
    if (installs.length === 0) {
      return;
    }
    const sites = activeSites(context.settings);
    const swapping = sites.filter(bindsMpichAbi);
    if (swapping.length > 0) {
      installs.forEach((mpich) => reportSwap(context, swapping, mpich));
      return;
    }
    if (sites.length > 0 && sites.every((site) => site.profile.mpi?.usage !== undefined)) {
      return; // no target site swaps the image's MPICH for its own: the image's MPICH runs as built
    }
    for (const mpich of installs) {
      context.report({
        range: mpich.word.range,
        message:
          `\`${mpich.name}\` installs the distribution's MPICH. Distro MPICH works for single node and with ABI-compatible injection (Shifter/Sarus/podman-hpc) only ` +
          'if the versions line up; NERSC recommends building MPICH from source with shared libraries.',
      });
    }
  },
});

/** One per install command: the first MPICH package it installs. */
function distroMpichInstalls(context: RuleContext): DistroMpich[] {
  const found: DistroMpich[] = [];
  for (const { script, step } of allScripts(context.recipe)) {
    if (step.kind !== 'run') {
      continue;
    }
    for (const command of script.commands) {
      const mpich = installedPackages(command).find(
        (installed) => (installed.manager === 'apt' || installed.manager === 'rpm' || installed.manager === 'zypper') && DISTRO_MPICH_PACKAGE.test(installed.name),
      );
      if (mpich) {
        found.push({ name: mpich.name, word: mpich.word });
      }
    }
  }
  return found;
}

/** The site binds its host MPI into containers in place of the image's, through the MPICH ABI. */
function bindsMpichAbi(site: Site): boolean {
  return site.profile.mpi?.usage === 'bind' && site.profile.mpi.abi === 'mpich';
}

function reportSwap(context: RuleContext, sites: readonly Site[], mpich: DistroMpich): void {
  const hosts = [...new Set(sites.map((site) => hostMpi(site)))].join(' or ');
  context.report({
    range: mpich.word.range,
    message: onSite(
      sites,
      `the host's ${hosts} is bound into containers and replaces the MPICH that \`${mpich.name}\` installs, through the MPICH ABI. ` +
        'That works only if the image\'s MPICH is not newer than the MPICH the host library implements, and a distribution picks its MPICH release for you ' +
        '(e.g. 4.2 in Ubuntu 24.04). Build MPICH from source at the host\'s level with shared libraries, or start from the site\'s MPICH base image.',
    ),
    site: siteFact(sites, `host MPI: ${hosts}, MPICH ABI, bind model`, 'mpi'),
  });
}

function hostMpi(site: Site): string {
  const mpi = site.profile.mpi;
  return mpi ? `${mpi.family}${mpi.version ? ` ${mpi.version}` : ''}` : 'MPI';
}

// HPC-PORT-011: MPICH from distribution packages only swaps with a host MPICH of a matching version.
import { defineRule } from '../../engine/rule';
import { allScripts } from '../../recipe/query';
import { installedPackages } from '../util/installed-packages';
import { DISTRO_MPICH_PACKAGE } from '../util/mpi';
import docs from './no-distro-mpich.md';

export default defineRule({
  meta: {
    code: 'HPC-PORT-011',
    name: 'no-distro-mpich',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    for (const { script, step } of allScripts(context.recipe)) {
      if (step.kind !== 'run') {
        continue;
      }
      for (const command of script.commands) {
        const mpich = installedPackages(command).find(
          (installed) => (installed.manager === 'apt' || installed.manager === 'rpm' || installed.manager === 'zypper') && DISTRO_MPICH_PACKAGE.test(installed.name),
        );
        if (mpich) {
          context.report({
            range: mpich.word.range,
            message:
              `\`${mpich.name}\` installs the distribution's MPICH. Distro MPICH works for single node and with ABI-compatible injection (Shifter/Sarus/podman-hpc) only ` +
              'if the versions line up; NERSC recommends building MPICH from source with shared libraries.',
          });
        }
      }
    }
  },
});

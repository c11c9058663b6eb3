// HPC-PORT-011: MPICH from distribution packages only swaps with a host MPICH of a matching version.
import { defineRule } from '../../engine/rule';
import { allScripts } from '../../recipe/query';
import { installedPackages } from '../util/installed-packages';
import { DISTRO_MPICH_PACKAGE } from '../util/mpi';

export default defineRule({
  meta: {
    code: 'HPC-PORT-011',
    name: 'no-distro-mpich',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'MPICH from distro packages (`mpich`, `libmpich-dev`, `mpich-devel`) is fine on one node but swaps with a host MPICH only when the versions line up.',
      whatItDoes:
        'Reports apt/dnf/yum/zypper installs of MPICH itself — `mpich`, `libmpich-dev`, `libmpich12`, `mpich-devel`, `mpich-3.2-devel`, `mpich2` — once per install command. ' +
        'Conda\'s `mpich` (which has `external_*` builds meant for host MPI) and source builds are not reported.',
      whyHpc:
        'Distro MPICH is built for a single workstation: it runs on one node, and across nodes only over TCP through its own launcher. On Cray/HPE systems ' +
        '(NERSC, CSCS, ARCHER2, Pawsey) the container runtime replaces the image\'s `libmpi.so.12` with the host\'s Cray MPICH, which works only when the container MPICH is ' +
        'ABI-compatible and not newer than the host one; a distro release picks its MPICH version for you (e.g. 4.2 in Ubuntu 24.04), and a container MPICH newer than the host ' +
        'leads to missing-symbol errors or silent misbehaviour after the swap. NERSC recommends building MPICH from source with shared libraries so the version is under your control.',
      howToFix:
        'Build MPICH from source as a shared library at (or below) the version your site\'s Cray MPICH supports, e.g. ' +
        '`./configure --prefix=/usr/local --with-device=ch4:ofi --enable-shared && make -j install`, or start from the site\'s MPICH base image. On single-node use, ignore this.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends mpich libmpich-dev\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install mpich-devel\n' },
      ],
      good: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nRUN curl -fsSLO https://www.mpich.org/static/downloads/3.4.3/mpich-3.4.3.tar.gz && tar xf mpich-3.4.3.tar.gz && cd mpich-3.4.3 && \\\n' +
            '    ./configure --prefix=/usr/local --with-device=ch4:ofi --enable-shared && make -j8 install\n',
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install gcc-gfortran\n' },
      ],
      exceptions:
        'Single-node images and images for sites whose host MPICH version matches the distro\'s are fine; silence with `# hpclint ignore=HPC-PORT-011 -- single node`. ' +
        'Packages that merely depend on MPICH (`libhdf5-mpich-dev`) are not reported.',
      references: [
        'https://docs.nersc.gov/development/containers/shifter/how-to-use/',
        'https://sarus.readthedocs.io/en/stable/user/user_guide.html',
        'https://www.mpich.org/abi/',
      ],
    },
  },
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

// HPC-PORT-010: Open MPI images cannot use the MPICH-ABI host MPI that Cray/HPE sites inject.
import { defineRule } from '../../engine/rule';
import { baseHasMpichAbi, mpiSources } from '../util/mpi';
import { recipeMentions } from '../util/recipe-index';

const OPEN_MPI_KEYWORDS = ['openmpi', 'mpi-default-'];

export default defineRule({
  meta: {
    code: 'HPC-PORT-010',
    name: 'mpich-abi-mpi',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'An image with Open MPI and no MPICH-ABI MPI cannot take the host MPI that Cray/HPE sites (NERSC, CSCS, ARCHER2, Pawsey) inject into containers.',
      whatItDoes:
        'Reports, once per recipe, the first place the image gets Open MPI — distro or conda packages (`openmpi`, `openmpi-bin`, `libopenmpi-dev`, `openmpi-devel`, ' +
        'packages built against it such as `libhdf5-openmpi-dev`, Debian\'s `mpi-default-dev`), `spack install openmpi` or an `openmpi-*.tar.*` source download — when ' +
        'nothing in the recipe or its base image provides an MPICH-ABI MPI (MPICH, MVAPICH2, Intel MPI, Cray MPICH). It is info: whether it matters depends on the site.',
      whyHpc:
        'On Cray/HPE systems the fast MPI is the host\'s Cray MPICH, and the container runtimes there (Shifter at NERSC, Sarus at CSCS, podman-hpc, Apptainer with ' +
        'bind-mounted Cray libraries on ARCHER2) swap the image\'s MPI for it at run time. That swap only works for libraries of the MPICH ABI: MPICH ≥3.1, Intel MPI ≥5.0, ' +
        'MVAPICH2 ≥2.0, Cray MPT ≥7.0. Open MPI has a different ABI, so the hook is ineffective for it (Sarus documents this), and the job falls back to the image\'s own ' +
        'Open MPI, which usually cannot use the Slingshot network and runs over TCP or fails at start-up. On InfiniBand clusters with Open MPI on the host this is fine.',
      howToFix:
        'If you run on an MPICH-ABI site, build MPICH ≥3.1 as a shared library in the image, e.g. `./configure --prefix=/usr/local --with-device=ch4:ofi --enable-shared` ' +
        '(or use the site\'s MPICH base image) and link the application against it. If you only target Open MPI sites, ignore this.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends libopenmpi-dev openmpi-bin\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install openmpi-devel\n' },
      ],
      good: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nRUN curl -fsSLO https://www.mpich.org/static/downloads/4.2.3/mpich-4.2.3.tar.gz && tar xf mpich-4.2.3.tar.gz && cd mpich-4.2.3 && \\\n' +
            '    ./configure --prefix=/usr/local --with-device=ch4:ofi --with-pmi=pmi2 && make -j8 install\n',
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    dnf -y install mpich-devel\n' },
      ],
      exceptions:
        'Images meant only for sites with Open MPI (most InfiniBand clusters) are fine; silence with `# hpclint global ignore=HPC-PORT-010 -- Open MPI sites only`. ' +
        'Images that ship both families (to pick one at run time) are not reported. MPI arriving through the base image is only recognised by name (`…mpich…`).',
      references: [
        'https://www.mpich.org/abi/',
        'https://sarus.readthedocs.io/en/stable/user/user_guide.html',
        'https://docs.nersc.gov/development/containers/shifter/how-to-use/',
        'https://docs.archer2.ac.uk/user-guide/containers/',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
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

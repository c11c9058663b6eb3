// HPC-PORT-010: Open MPI images cannot use the MPICH-ABI host MPI that Cray/HPE sites inject.
import { defineRule } from '../../engine/rule';
import { baseHasMpichAbi, mpiSources } from '../util/mpi';
import { recipeMentions } from '../util/recipe-index';
import docs from './mpich-abi-mpi.md';

const OPEN_MPI_KEYWORDS = ['openmpi', 'mpi-default-'];

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

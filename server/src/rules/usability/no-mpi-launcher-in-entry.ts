// HPC-USE-002: an MPI launcher inside ENTRYPOINT/CMD or a runscript.
import { defineRule } from '../../engine/rule';
import { effectiveName } from '../util/commands';
import { entryCommands, entryLabel, entrySteps } from '../util/entry';
import docs from './no-mpi-launcher-in-entry.md';

/** mpirun, mpiexec, mpiexec.hydra, mpirun.openmpi, orterun, prterun, srun, oshrun, hydra_* … */
const LAUNCHER = /^(mpirun|mpiexec|orterun|prterun|oshrun|srun|hydra|hydra_pmi_proxy)(\.[\w-]+)?$/;

export default defineRule({
  meta: {
    code: 'HPC-USE-002',
    name: 'no-mpi-launcher-in-entry',
    category: 'usability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const { step } of entrySteps(recipe)) {
      for (const command of entryCommands(recipe, step)) {
        const name = effectiveName(command);
        if (LAUNCHER.test(name)) {
          context.report({
            range: command.range,
            message: `\`${name}\` starts MPI ranks inside the container (${entryLabel(step)}); launch from the host instead (\`srun --mpi=pmix apptainer exec image.sif app\`) so the scheduler places and wires up the ranks.`,
          });
        }
      }
    }
  },
});

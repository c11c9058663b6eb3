// HPC-USE-002: an MPI launcher inside ENTRYPOINT/CMD or a runscript.
import { defineRule } from '../../engine/rule';
import { effectiveName } from '../util/commands';
import { entryCommands, entryLabel } from '../util/entry';
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
    locality: 'step',
    fix: 'none',
  },
  docs,
  onStep: {
    kinds: ['entrypoint'],
    check(step, _stage, context) {
      const { recipe } = context;
      for (const command of entryCommands(recipe, step)) {
        const name = effectiveName(command);
        if (!LAUNCHER.test(name)) {
          continue;
        }
        // A named app is one mode the user picks (Intel's `%apprun singlenode` next to a host-launched `multinode`);
        // the default entry is what every `apptainer run`/`docker run` does.
        const app = /^%app(run|start)$/i.test(step.keyword);
        context.report({
          range: command.range,
          severity: app ? 'info' : undefined,
          message: app
            ? `\`${name}\` starts MPI ranks inside the container (${entryLabel(step)}): that works within one node only; for multi-node runs launch from the host (\`srun --mpi=pmix apptainer exec image.sif app\`) so the scheduler places and wires up the ranks.`
            : `\`${name}\` starts MPI ranks inside the container (${entryLabel(step)}); launch from the host instead (\`srun --mpi=pmix apptainer exec image.sif app\`) so the scheduler places and wires up the ranks.`,
        });
      }
    },
  },
});

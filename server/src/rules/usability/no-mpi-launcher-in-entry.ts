// HPC-USE-002: an MPI launcher inside ENTRYPOINT/CMD or a runscript.
import { defineRule } from '../../engine/rule';
import { effectiveName } from '../util/commands';
import { entryCommands, entryLabel, entrySteps } from '../util/entry';

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
    docs: {
      summary: 'Do not start MPI (`mpirun`, `mpiexec`, `srun`…) from inside the container entry; launch ranks from the host.',
      whatItDoes:
        'Reports `mpirun`, `mpiexec` (also `mpiexec.hydra`, `mpirun.openmpi`), `orterun`, `prterun`, `oshrun`, `srun` and `hydra` launchers in what runs at container start: ' +
        '`ENTRYPOINT`/`CMD` (shell form, exec form, `sh -c "…"`), `%runscript`, `%startscript`, `%apprun` and `%appstart`.',
      whyHpc:
        'On a cluster the batch system starts the ranks: `srun -n 512 apptainer exec image.sif app` places one container per rank, wires them up through PMI/PMIx and ' +
        'accounts and kills them with the job. An `mpirun` inside the image does not know the allocation: it starts every rank inside the one container on the first node ' +
        '(512 ranks on 64 cores), or tries to reach the other nodes over SSH, which fails or escapes the scheduler\'s control. `srun` inside a container usually fails outright ' +
        'because Slurm\'s tools and configuration are not in the image.',
      howToFix:
        'Make the entry run one rank (`exec app "$@"`) and launch from the host: `srun --mpi=pmix apptainer exec image.sif app` or `mpirun -n 64 apptainer exec image.sif app` ' +
        '(hybrid model, MPI in the image ABI-compatible with the host MPI). Document the launch line in `%help` or a label.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nENTRYPOINT ["mpirun", "-np", "4", "/opt/app/bin/solver"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%runscript\n    mpirun -np 4 /opt/app/bin/solver "$@"\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nENTRYPOINT ["/opt/app/bin/solver"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%runscript\n    exec /opt/app/bin/solver "$@"\n\n%help\n    srun --mpi=pmix apptainer run solver.sif input.dat\n' },
      ],
      exceptions:
        'Single-node images that deliberately run all ranks inside one container (a workstation demo, a CI test) can silence the line with ' +
        '`# hpclint ignore=HPC-USE-002 -- single-node demo`. Entry scripts copied from the build context are not inspected.',
      references: [
        'https://apptainer.org/docs/user/main/mpi.html',
        'https://slurm.schedmd.com/containers.html',
      ],
    },
  },
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

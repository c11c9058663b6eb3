// HPC-NET-003: SSH-based multi-node launch inside the container (sshd, EXPOSE 22, OMPI_MCA_plm_rsh_agent).
import { defineRule } from '../../engine/rule';
import { effectiveName, effectiveWords } from '../util/commands';
import { entryCommands, entryLabel } from '../util/entry';
import { installedPackages } from '../util/installed-packages';
import { finalStageChain } from '../util/source';

const SSH_SERVER_PACKAGES = new Set(['openssh-server', 'openssh-servers']);
const RSH_AGENT = /^OMPI_MCA_(plm_rsh_agent|orte_rsh_agent|plm_ssh_agent)$/i;
const SSH_PORT = /^22(\/tcp)?$/;
const LAUNCH_HINT = 'launch ranks from the host instead (`srun --mpi=pmix apptainer exec image.sif app`, or `mpirun … apptainer exec …`)';

export default defineRule({
  meta: {
    code: 'HPC-NET-003',
    name: 'no-ssh-launch',
    category: 'networking',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'Do not plan multi-node MPI launch over SSH inside the container (sshd, `EXPOSE 22`, `OMPI_MCA_plm_rsh_agent`); let the host launcher start the ranks.',
      whatItDoes:
        'In the final image reports: starting `sshd` (or `service ssh start`) in `ENTRYPOINT`/`CMD`/`%runscript`/`%startscript` (warning); `EXPOSE 22` (warning); ' +
        '`ENV`/`%environment` settings of `OMPI_MCA_plm_rsh_agent` (also `orte_rsh_agent`) that name `ssh`/`rsh` (warning); and installing `openssh-server` (info — ' +
        'the server alone is only unused weight). Installing `openssh-client` is fine and not reported; an empty agent or `sh`/`false` (a common way to switch SSH off) is not reported.',
      whyHpc:
        'On a cluster the container runs unprivileged on nodes it does not control: there is no sshd listening inside a container on the other nodes, port 22 belongs ' +
        'to the host, and users cannot start daemons or bind privileged ports. `mpirun` inside the image then fails with "ORTE was unable to reliably start one or more daemons" ' +
        'or hangs at `ssh: connect to host node042 port 22: Connection refused`. Even where it works, SSH launch bypasses the scheduler\'s accounting, cleanup and ' +
        'CPU binding, and does not scale. HPC runtimes use the hybrid model: the host\'s `srun`/`mpirun` starts one container per rank and PMI wires them up.',
      howToFix:
        'Remove `openssh-server`, the sshd start-up and `EXPOSE 22`; build MPI with PMIx/PMI2 support and start jobs with `srun --mpi=pmix apptainer exec image.sif ./app` ' +
        '(or the host `mpirun … apptainer exec …`). Keep `openssh-client` only if something in the image needs to `ssh` out.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends openmpi-bin openssh-server\nEXPOSE 22\nCMD ["/usr/sbin/sshd", "-D"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export OMPI_MCA_plm_rsh_agent=ssh\n\n%startscript\n    /usr/sbin/sshd -D\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends openmpi-bin openssh-client\nENV OMPI_MCA_plm_rsh_agent=\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    apt-get update && apt-get install -y --no-install-recommends openmpi-bin\n\n%runscript\n    exec /opt/app/bin/solver "$@"\n' },
      ],
      exceptions:
        'Images meant for cloud clusters or Kubernetes MPI operators that really run sshd as the launch mechanism may silence the rule with ' +
        '`# hpclint ignore=HPC-NET-003 -- MPI operator image`. sshd started from scripts copied into the image cannot be seen. Builder stages are not checked.',
      references: [
        'https://apptainer.org/docs/user/main/mpi.html',
        'https://hpc.github.io/charliecloud/tutorial.html',
        'https://docs.open-mpi.org/en/main/launching-apps/slurm.html',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    for (const stage of chain) {
      for (const step of stage.steps) {
        if (step.kind === 'run' && !/^%setup$/i.test(step.keyword)) {
          for (const command of step.script.commands) {
            for (const pkg of installedPackages(command)) {
              if (SSH_SERVER_PACKAGES.has(pkg.name)) {
                context.report({
                  range: pkg.word.range,
                  severity: 'info',
                  message: `\`${pkg.name}\` installs an SSH server, which HPC container runtimes never start and which cannot launch ranks across nodes; ${LAUNCH_HINT}. \`openssh-client\` is enough for outgoing ssh.`,
                });
              }
            }
          }
        } else if (step.kind === 'expose') {
          for (const port of step.ports) {
            if (SSH_PORT.test(port.value)) {
              context.report({ range: port.range, message: `\`EXPOSE ${port.value}\` prepares SSH logins into the container for multi-node launch, which does not work on HPC systems (port 22 belongs to the host); ${LAUNCH_HINT}.` });
            }
          }
        } else if (step.kind === 'env') {
          for (const pair of step.pairs) {
            const value = pair.value?.value.trim() ?? '';
            if (RSH_AGENT.test(pair.key.value) && /(^|[/\s:])(ssh|rsh)\b/.test(value)) {
              context.report({
                range: pair.range,
                message: `\`${pair.key.value}=${value}\` makes Open MPI start remote ranks over SSH from inside the container, which fails on clusters (no sshd in the other nodes' containers); ${LAUNCH_HINT}.`,
              });
            }
          }
        } else if (step.kind === 'entrypoint') {
          for (const command of entryCommands(recipe, step)) {
            const words = effectiveWords(command);
            const name = effectiveName(command);
            const serviceSsh = name === 'service' && /^sshd?$/.test(words[1]?.value ?? '') && words[2]?.value === 'start';
            if (name === 'sshd' || serviceSsh) {
              context.report({
                range: command.range,
                message: `${entryLabel(step)} starts an SSH daemon, which needs root and a free port 22 and is how in-container \`mpirun\` reaches other nodes — neither works under HPC runtimes; ${LAUNCH_HINT}.`,
              });
            }
          }
        }
      }
    }
  },
});

// HPC-NET-003: SSH-based multi-node launch inside the container (sshd/dropbear, EXPOSE 22, OMPI_MCA_plm_rsh_agent, I_MPI_HYDRA_BOOTSTRAP=ssh).
import { defineRule } from '../../engine/rule';
import { effectiveName, effectiveWords, installedPackages } from '../util/commands';
import { entryCommands, entryLabel } from '../util/entry';
import { finalStageChain } from '../util/source';
import docs from './no-ssh-launch.md';

const SSH_SERVER_PACKAGES = new Set(['openssh-server', 'openssh-servers', 'dropbear', 'dropbear-bin', 'dropbear-run']);
/** Open MPI's remote agent and the Hydra bootstrap of MPICH and Intel MPI. */
const RSH_AGENT = /^(OMPI_MCA_(plm_rsh_agent|orte_rsh_agent|plm_ssh_agent)|I_MPI_HYDRA_BOOTSTRAP|HYDRA_BOOTSTRAP|HYDRA_LAUNCHER)$/i;
const SSH_DAEMONS = new Set(['sshd', 'dropbear']);
/** `dropbear -p 127.0.0.1:2022`, `sshd -o ListenAddress=127.0.0.1`: a daemon for the container itself (sshfs, tests), not for launch. */
const LOOPBACK_LISTEN = /^(ListenAddress=)?(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;
const SSH_PORT = /^22(\/tcp)?$/;
const LAUNCH_HINT = 'launch ranks from the host instead (`srun --mpi=pmix apptainer exec image.sif app`, or `mpirun … apptainer exec …`)';

export default defineRule({
  meta: {
    code: 'HPC-NET-003',
    name: 'no-ssh-launch',
    category: 'networking',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    // An SSH server package or daemon (`openssh-server`, `sshd`, `dropbear`), an ssh/rsh launcher setting, or EXPOSE (port 22).
    interests: { steps: ['expose'], keywords: ['ssh', 'rsh', 'dropbear'] },
  },
  docs,
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
                message: `\`${pair.key.value}=${value}\` makes ${/HYDRA/i.test(pair.key.value) ? 'Hydra (MPICH, Intel MPI)' : 'Open MPI'} start remote ranks over SSH from inside the container, which fails on clusters (no sshd in the other nodes' containers); ${LAUNCH_HINT}.`,
              });
            }
          }
        } else if (step.kind === 'entrypoint') {
          for (const command of entryCommands(recipe, step)) {
            const words = effectiveWords(command);
            const name = effectiveName(command);
            const serviceSsh = name === 'service' && /^(sshd?|dropbear)$/.test(words[1]?.value ?? '') && words[2]?.value === 'start';
            const loopbackOnly = words.some((word) => LOOPBACK_LISTEN.test(word.value));
            if ((SSH_DAEMONS.has(name) || serviceSsh) && !loopbackOnly) {
              context.report({
                range: command.range,
                message: `${entryLabel(step)} starts an SSH daemon, which needs root and a free port (22 unless configured) and is how an in-container launcher (\`mpirun\`, Spark's worker scripts) reaches other nodes — neither works under HPC runtimes; ${LAUNCH_HINT}.`,
              });
            }
          }
        }
      }
    }
  },
});

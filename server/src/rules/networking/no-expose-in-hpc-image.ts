// HPC-NET-004: EXPOSE in images that are clearly meant for HPC (MPI/fabric/scheduler stack installed).
import { defineRule } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { effectiveName } from '../util/commands';
import { installedPackages } from '../util/installed-packages';
import { finalStageChain } from '../util/source';

/** Package names that mark an HPC image: MPI implementations, fabric libraries, scheduler/PMI. */
const HPC_PACKAGE = /openmpi|mpich|mvapich|intel-oneapi-mpi|impi|hpcx|slurm|pmix|libfabric|^ucx|rdma-core|ibverbs|psm2|mpi4py/i;
const MPI_COMMAND = /^(mpicc|mpicxx|mpic\+\+|mpif77|mpif90|mpifort|mpiicc|mpiicpc|mpiifort|mpirun|mpiexec)$/;
const HPC_BASE = /(^|\/)(hpc-benchmarks|hpc-sdk|nvhpc|hpcx|openmpi|mpich|intel-hpckit|spack)([:/-]|$)/i;

/** Why the final image looks HPC-targeted (for the message), or undefined. */
function hpcMarker(recipe: Recipe, chain: readonly Stage[]): string | undefined {
  for (const stage of chain) {
    const repository = stage.base.image?.repository;
    if (repository && HPC_BASE.test(repository)) {
      return `builds on \`${repository}\``;
    }
  }
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind !== 'run') {
        continue;
      }
      for (const command of step.script.commands) {
        const pkg = installedPackages(command).find((candidate) => HPC_PACKAGE.test(candidate.name));
        if (pkg) {
          return `installs \`${pkg.name}\``;
        }
        const name = effectiveName(command);
        if (MPI_COMMAND.test(name)) {
          return `runs \`${name}\``;
        }
      }
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-NET-004',
    name: 'no-expose-in-hpc-image',
    category: 'networking',
    severity: 'info',
    formats: ['dockerfile'],
    fix: 'none',
    docs: {
      summary: '`EXPOSE` means nothing under HPC container runtimes; in an MPI/fabric image it suggests a networking model the cluster will not provide.',
      whatItDoes:
        'Reports `EXPOSE` in the final stage of Dockerfiles that are clearly HPC images: the recipe installs an MPI, fabric or scheduler package (`openmpi`, `mpich`, ' +
        '`mvapich`, `hpcx`, `libfabric`, `ucx`, `rdma-core`, `libibverbs`, `slurm`, `pmix`, `mpi4py` …), runs an MPI compiler wrapper or launcher (`mpicc`, `mpirun` …), ' +
        'or builds on an HPC base image (`nvhpc`, `hpc-benchmarks`, `hpcx`, `spack` …). Web or notebook images without such markers are not reported, because `EXPOSE` is ' +
        'right for them. Port 22 is left to HPC-NET-003.',
      whyHpc:
        'Apptainer, Singularity, Charliecloud, Sarus and podman-hpc run containers in the host\'s network namespace: there is no NAT and no port publishing, so `EXPOSE` is ' +
        'ignored (spython comments it out when converting). A service in the image simply binds the port on the compute node — where unprivileged users cannot bind ports ' +
        'below 1024, the port may already be taken by another job on the same node, and the node is usually not reachable from outside the cluster. Users who expect ' +
        '`-p 8080:80` semantics see "address already in use" or a service nobody can reach.',
      howToFix:
        'Drop `EXPOSE` from HPC images (or keep it as a comment) and document how to reach a service instead: bind a port above 1024 chosen at run time ' +
        '(`--port ${PORT}`), and tunnel to it through the login node (`ssh -L 8888:node042:8888 login`).',
      bad: [{ format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends libopenmpi-dev\nEXPOSE 8080\n' }],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends libopenmpi-dev\n# The service listens on $PORT (default 8080) on the compute node.\n' },
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\nEXPOSE 8080\n' },
      ],
      exceptions:
        'Images that run both on HPC and on Docker/Kubernetes may keep `EXPOSE` for the latter; silence with `# hpclint ignore=HPC-NET-004 -- also deployed on Kubernetes`. ' +
        'HPC images whose MPI comes from a script copied into the build context are not recognised as HPC and are not reported.',
      references: [
        'https://apptainer.org/docs/user/main/networking.html',
        'https://github.com/singularityhub/singularity-cli/blob/master/spython/main/parse/parsers/docker.py',
        'https://docs.docker.com/reference/dockerfile/#expose',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    if (recipe.format !== 'dockerfile') {
      return;
    }
    const chain = finalStageChain(recipe);
    let marker: string | null | undefined = null;
    for (const stage of chain) {
      for (const step of stage.steps) {
        if (step.kind !== 'expose') {
          continue;
        }
        const ports = step.ports.filter((port) => !/^22(\/tcp)?$/.test(port.value));
        if (ports.length === 0) {
          continue;
        }
        if (marker === null) {
          marker = hpcMarker(recipe, chain);
        }
        if (marker === undefined) {
          return;
        }
        const first = ports[0];
        const last = ports[ports.length - 1];
        context.report({
          range: { start: first.range.start, end: last.range.end },
          message:
            `\`EXPOSE ${ports.map((port) => port.value).join(' ')}\` has no effect under HPC container runtimes (this recipe ${marker}): they share the host network, ` +
            'publish no ports, and the service binds the port on a shared compute node. Drop it and document the port and how to tunnel to it.',
        });
      }
    }
  },
});

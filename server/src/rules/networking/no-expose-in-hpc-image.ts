// HPC-NET-004: EXPOSE in images that are clearly meant for HPC (MPI/fabric/scheduler stack installed).
import { defineRule } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { effectiveName } from '../util/commands';
import { installedPackages } from '../util/installed-packages';
import { finalStageChain } from '../util/source';
import docs from './no-expose-in-hpc-image.md';

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
  },
  docs,
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

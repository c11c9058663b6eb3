// Whether a Dockerfile's final image is meant for an HPC system: the MPI, fabric, scheduler or CUDA stack it builds on
// or installs. Rules that apply HPC-runtime semantics to Docker images (no ports, no setuid) ask this first.
import type { Recipe, Stage } from '../../recipe/model';
import { effectiveName, installedPackages } from './commands';

/** Package names that mark an HPC image: MPI implementations, fabric libraries, scheduler/PMI. */
const HPC_PACKAGE = /openmpi|mpich|mvapich|intel-oneapi-mpi|impi|hpcx|slurm|pmix|libfabric|^ucx|rdma-core|ibverbs|psm2|mpi4py/i;
const MPI_COMMAND = /^(mpicc|mpicxx|mpic\+\+|mpif77|mpif90|mpifort|mpiicc|mpiicpc|mpiifort|mpirun|mpiexec)$/;
const HPC_BASE = /(^|\/)(hpc-benchmarks|hpc-sdk|nvhpc|hpcx|openmpi|mpich|intel-hpckit|spack)([:/-]|$)/i;
const CUDA_BASE = /(^|\/)(nvidia\/cuda|cuda)$/i;

export interface HpcMarkerOptions {
  /** Count a CUDA base image (`nvidia/cuda`) as an HPC signal. */
  cuda?: boolean;
}

/** Why the image built from `chain` looks HPC-targeted (`installs \`openmpi-bin\``, for a message), or undefined. */
export function hpcMarker(recipe: Recipe, chain: readonly Stage[], options: HpcMarkerOptions = {}): string | undefined {
  for (const stage of chain) {
    const repository = stage.base.image?.repository;
    if (repository && (HPC_BASE.test(repository) || (options.cuda === true && CUDA_BASE.test(repository)))) {
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

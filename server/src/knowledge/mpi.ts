// MPI implementations by name: packages, source archives, Spack specs and base images, and the ABI family each belongs to
// (Open MPI, or the MPICH ABI initiative: MPICH, Intel MPI, MVAPICH, Cray MPICH).

export type MpiFamily = 'openmpi' | 'mpich-abi';

/** Open MPI itself and packages built against it (`libhdf5-openmpi-dev`, `petsc-openmpi`); Debian's `mpi-default-*` is Open MPI. */
const OPEN_MPI_PACKAGE = /(^|[-_])(lib)?openmpi\d*([-_.]|$)|^mpi-default-(dev|bin)$/;
/** MPICH-ABI initiative members (MPICH ≥3.1, Intel MPI, MVAPICH2, Cray MPICH) and packages built against them. */
const MPICH_ABI_PACKAGE = /(^|[-_])(lib)?mpich\d*([-_.]|$)|^mvapich2?([-_.]|$)|^intel-(oneapi-)?mpi([-_.]|$)|^cray-mpich/;
/** MPICH itself from a distribution: `mpich`, `libmpich-dev`, `libmpich12`, `mpich-devel`, `mpich-3.2-devel`, `mpich2`. */
export const DISTRO_MPICH_PACKAGE = /^(lib)?mpich2?(-\d[\d.]*)?(-(dev|devel))?$|^libmpich\d+(\.\d+)*$/;

const ARCHIVE = '\\.(tar(\\.(gz|bz2|xz|zst))?|tgz|tbz2?|txz)$';
const OPEN_MPI_TARBALL = new RegExp(`^openmpi([-_][\\w.\${}-]*)?${ARCHIVE}`);
const MPICH_ABI_TARBALL = new RegExp(`^(mpich|mvapich2?)([-_][\\w.\${}-]*)?${ARCHIVE}`);

/** The MPI family a package (or a package built against it) belongs to. */
export function packageMpiFamily(name: string): MpiFamily | undefined {
  if (OPEN_MPI_PACKAGE.test(name)) {
    return 'openmpi';
  }
  return MPICH_ABI_PACKAGE.test(name) ? 'mpich-abi' : undefined;
}

/** False when `text` holds no name `tarballMpiFamily` knows: each starts with `openmpi`, `mpich` or `mvapich`. */
export function mayNameMpiTarball(text: string): boolean {
  return text.includes('mpi') || text.includes('mvapich');
}

/** The MPI family of a source archive's file name (`openmpi-4.1.6.tar.bz2`, `mpich-4.2.0.tar.gz`). */
export function tarballMpiFamily(file: string): MpiFamily | undefined {
  if (OPEN_MPI_TARBALL.test(file)) {
    return 'openmpi';
  }
  return MPICH_ABI_TARBALL.test(file) ? 'mpich-abi' : undefined;
}

/** The MPI family of a Spack package name (`openmpi`, `mpich`, `intel-oneapi-mpi`). */
export function spackMpiFamily(name: string): MpiFamily | undefined {
  return name === 'openmpi' ? 'openmpi' : /^(mpich|mvapich2?|intel-(oneapi-)?mpi|cray-mpich)$/.test(name) ? 'mpich-abi' : undefined;
}

/** An image reference naming an MPICH-ABI MPI: `pawsey/mpich-base`, `…/mpich:4.2`, `intel/oneapi-hpckit`. */
export function namesMpichAbiImage(reference: string): boolean {
  return /mpich|mvapich|oneapi-hpckit|intel-mpi/i.test(reference);
}

// Which MPI an image gets: package installs, source tarballs and base images, shared by the MPI-family rules.
import type { Recipe, ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from './commands';
import { installedPackages } from './installed-packages';
import { baseName } from './source';

export type MpiFamily = 'openmpi' | 'mpich-abi';

export interface MpiSource {
  family: MpiFamily;
  /** The package word or tarball/URL word. */
  word: Word;
  /** `package`/`tarball`/`spack`. */
  how: 'package' | 'tarball' | 'spack';
  name: string;
  /** Distro (apt/rpm/zypper) package rather than conda or a source build. */
  distro: boolean;
}

/** Open MPI itself and packages built against it (`libhdf5-openmpi-dev`, `petsc-openmpi`); Debian's `mpi-default-*` is Open MPI. */
const OPEN_MPI_PACKAGE = /(^|[-_])(lib)?openmpi\d*([-_.]|$)|^mpi-default-(dev|bin)$/;
/** MPICH-ABI initiative members (MPICH ≥3.1, Intel MPI, MVAPICH2, Cray MPICH) and packages built against them. */
const MPICH_ABI_PACKAGE = /(^|[-_])(lib)?mpich\d*([-_.]|$)|^mvapich2?([-_.]|$)|^intel-(oneapi-)?mpi([-_.]|$)|^cray-mpich/;
/** MPICH itself from a distribution: `mpich`, `libmpich-dev`, `libmpich12`, `mpich-devel`, `mpich-3.2-devel`, `mpich2`. */
export const DISTRO_MPICH_PACKAGE = /^(lib)?mpich2?(-\d[\d.]*)?(-(dev|devel))?$|^libmpich\d+(\.\d+)*$/;

const ARCHIVE = '\\.(tar(\\.(gz|bz2|xz|zst))?|tgz|tbz2?|txz)$';
const OPEN_MPI_TARBALL = new RegExp(`^openmpi([-_][\\w.\${}-]*)?${ARCHIVE}`);
const MPICH_ABI_TARBALL = new RegExp(`^(mpich|mvapich2?)([-_][\\w.\${}-]*)?${ARCHIVE}`);

function packageFamily(name: string): MpiFamily | undefined {
  if (OPEN_MPI_PACKAGE.test(name)) {
    return 'openmpi';
  }
  return MPICH_ABI_PACKAGE.test(name) ? 'mpich-abi' : undefined;
}

function tarballFamily(value: string): MpiFamily | undefined {
  const file = baseName(value.replace(/[?#].*$/, ''));
  if (OPEN_MPI_TARBALL.test(file)) {
    return 'openmpi';
  }
  return MPICH_ABI_TARBALL.test(file) ? 'mpich-abi' : undefined;
}

/** `spack install openmpi@4.1` / `spack add mpich` specs. */
function spackSources(command: ShellCommand): MpiSource[] {
  const words = effectiveWords(command);
  if (effectiveName(command) !== 'spack' || !words.some((word) => word.value === 'install' || word.value === 'add')) {
    return [];
  }
  const found: MpiSource[] = [];
  for (const word of words.slice(2)) {
    const name = /^\^?([a-z][\w-]*)/.exec(word.value)?.[1] ?? '';
    const family = name === 'openmpi' ? 'openmpi' : /^(mpich|mvapich2?|intel-(oneapi-)?mpi|cray-mpich)$/.test(name) ? 'mpich-abi' : undefined;
    if (family) {
      found.push({ family, word, how: 'spack', name, distro: false });
    }
  }
  return found;
}

/** Every place the recipe installs or downloads an MPI, in recipe order. */
export function mpiSources(recipe: Recipe): MpiSource[] {
  const found: MpiSource[] = [];
  for (const { script, step } of allScripts(recipe)) {
    if (step.kind !== 'run') {
      continue;
    }
    for (const command of script.commands) {
      for (const installed of installedPackages(command)) {
        const family = packageFamily(installed.name);
        if (family) {
          const distro = installed.manager === 'apt' || installed.manager === 'rpm' || installed.manager === 'zypper';
          found.push({ family, word: installed.word, how: 'package', name: installed.name, distro });
        }
      }
      found.push(...spackSources(command));
      for (const word of command.words) {
        const family = tarballFamily(word.value);
        if (family) {
          found.push({ family, word, how: 'tarball', name: baseName(word.value), distro: false });
        }
      }
    }
  }
  return found;
}

/** The base image (any stage) names an MPICH-ABI MPI: `pawsey/mpich-base`, `…/mpich:4.2`, `intel/oneapi-hpckit`. */
export function baseHasMpichAbi(recipe: Recipe): boolean {
  return recipe.stages.some((stage) => /mpich|mvapich|oneapi-hpckit|intel-mpi/i.test(stage.base.raw));
}

// Which MPI an image gets: package installs, source tarballs and base images, shared by the MPI-family rules
// (what the names mean: knowledge/mpi.ts).
import { mayNameMpiTarball, namesMpichAbiImage, packageMpiFamily, spackMpiFamily, tarballMpiFamily, type MpiFamily } from '../../knowledge/mpi';
import { EMPTY_LIST, type Recipe, type ShellCommand, type ShellScript, type Word } from '../../recipe/model';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords, installedPackages } from './commands';
import { baseName } from './source';

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

/** `spack install openmpi@4.1` / `spack add mpich` specs. */
function spackSources(command: ShellCommand): MpiSource[] {
  const words = effectiveWords(command);
  if (effectiveName(command) !== 'spack' || !words.some((word) => word.value === 'install' || word.value === 'add')) {
    return [];
  }
  const found: MpiSource[] = [];
  for (const word of words.slice(2)) {
    const name = /^\^?([a-z][\w-]*)/.exec(word.value)?.[1] ?? '';
    const family = spackMpiFamily(name);
    if (family) {
      found.push({ family, word, how: 'spack', name, distro: false });
    }
  }
  return found;
}

/** Every place the recipe installs or downloads an MPI, in recipe order. */
export function mpiSources(recipe: Recipe): MpiSource[] {
  const found: MpiSource[] = [];
  const keep = factsOf(recipe).stepsReused;
  const sourcesOf = SOURCES_BY_COMMAND.reader(recipe);
  for (const { script, step } of allScripts(recipe)) {
    if (step.kind === 'run') {
      const sources = keep ? scriptMpiSources(script) : script.commands.flatMap(sourcesOf);
      if (sources.length > 0) {
        found.push(...sources);
      }
    }
  }
  return found;
}

/** A definition file's `%post` is a new script on every keystroke in it: its unchanged commands keep their sources. */
const SOURCES_BY_COMMAND = new CommandTable<readonly MpiSource[]>((command) => {
  const found = commandMpiSources(command);
  return found.length > 0 ? found : EMPTY_LIST;
});

/** Kept per script in a lint with a memo: they depend on its commands alone, and a step the parse memo reused keeps its script (shared: never mutate). */
const sourcesByScript = new WeakMap<ShellScript, readonly MpiSource[]>();

function scriptMpiSources(script: ShellScript): readonly MpiSource[] {
  let found = sourcesByScript.get(script);
  if (found === undefined) {
    found = script.commands.flatMap(commandMpiSources);
    sourcesByScript.set(script, found);
  }
  return found;
}

/** The MPI sources of one command (exported for the test that compares them with the kept ones). */
export function commandMpiSources(command: ShellCommand): MpiSource[] {
  const found: MpiSource[] = [];
  for (const installed of installedPackages(command)) {
    const family = packageMpiFamily(installed.name);
    if (family) {
      const distro = installed.manager === 'apt' || installed.manager === 'rpm' || installed.manager === 'zypper';
      found.push({ family, word: installed.word, how: 'package', name: installed.name, distro });
    }
  }
  found.push(...spackSources(command));
  for (const word of command.words) {
    if (!mayNameMpiTarball(word.value)) {
      continue;
    }
    const family = tarballMpiFamily(baseName(word.value.replace(/[?#].*$/, '')));
    if (family) {
      found.push({ family, word, how: 'tarball', name: baseName(word.value), distro: false });
    }
  }
  return found;
}

/** The base image (any stage) names an MPICH-ABI MPI: `pawsey/mpich-base`, `…/mpich:4.2`, `intel/oneapi-hpckit`. */
export function baseHasMpichAbi(recipe: Recipe): boolean {
  return recipe.stages.some((stage) => namesMpichAbiImage(stage.base.raw));
}

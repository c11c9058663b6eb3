// HPC-PORT-013 (formerly HPC-LIC-005): static linking of MPI/fabric/CUDA libraries, which blocks host MPI/driver injection.
import { defineRule, type RuleContext } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { ShellCommand, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { baseName, withShellCScriptsInstead } from '../util/source';
import docs from './no-static-mpi-linking.md';

/** MPI implementations, fabric libraries and CUDA: what Shifter/Sarus/Apptainer/podman-hpc swap for the host's shared libraries. */
const INJECTABLE = /(^|[/_=-])(open-?mpi|ompi|mpich\d?|mvapich\d?|libfabric|ucx|ucc|cuda)([/_.=-]|\d|$)/i;
const MPI_WRAPPERS = new Set([
  'mpicc', 'mpicxx', 'mpic++', 'mpiCC', 'mpif77', 'mpif90', 'mpifort', 'mpiicc', 'mpiicpc', 'mpiifort', 'mpiicx', 'mpiicpx', 'mpiifx', 'nvcc',
]);
/** `CC=mpicc`, `-DCMAKE_C_COMPILER=mpicc`, `MPICC=/usr/bin/mpicc`. */
const WRAPPER_ASSIGNMENT = /^(?:-D)?[A-Z_]*(?:CC|CXX|FC|F77|F90|COMPILER)=(.*)$/;
/** `LDFLAGS=… -static …`, `-DCMAKE_EXE_LINKER_FLAGS=-static`. */
const STATIC_LDFLAGS = /^(?:-D)?(?:LDFLAGS|[A-Z_]*LINKER_FLAGS(?:_[A-Z]+)?)=(.*)$/;
const KEYWORDS = ['static', '-shared'];
const STATIC_TOKEN = /(^|[\s,=])(-static|-Bstatic)(?=$|[\s,])/;

export default defineRule({
  meta: {
    code: 'HPC-PORT-013',
    formerCodes: ['HPC-LIC-005'],
    name: 'no-static-mpi-linking',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
    interests: { keywords: KEYWORDS },
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (!recipeMentions(recipe, KEYWORDS)) {
      return; // every finding needs `--disable-shared`/`--enable-shared=no` or a `static` link flag
    }
    for (const stage of recipe.stages) {
      let workdir = '';
      for (const step of stage.steps) {
        if (step.kind === 'workdir') {
          workdir = step.value?.value ?? workdir;
        }
        if (step.kind !== 'run') {
          continue;
        }
        let directory = workdir;
        for (const command of withShellCScriptsInstead(recipe, step.script.commands)) {
          const words = effectiveWords(command);
          const name = baseName(words[0]?.value ?? '');
          if (name === 'cd' || name === 'pushd') {
            directory = words[1]?.value ?? '';
            continue;
          }
          if (name === 'configure') {
            checkConfigure(words, directory, context.report);
            continue;
          }
          checkStaticLink(command, words, name, context.report);
        }
      }
    }
  },
});

type Report = RuleContext['report'];

function checkConfigure(words: Word[], directory: string, report: Report): void {
  const disable = words.find((word) => word.value === '--disable-shared' || word.value === '--enable-shared=no');
  if (!disable) {
    return;
  }
  const prefix = words.find((word) => word.value.startsWith('--prefix=') || word.value.startsWith('-prefix='))?.value ?? '';
  const library = [words[0].value, directory, prefix].map((text) => INJECTABLE.exec(text)?.[2]).find(Boolean);
  if (!library) {
    return;
  }
  report({
    range: disable.range,
    message: `\`${disable.value}\` builds ${library} as static archives only; host MPI/fabric injection (Shifter, Sarus, Apptainer bind) swaps shared libraries and cannot replace it — build it shared.`,
    fixes: [unsafeFix('Replace with `--enable-shared` (changes the build)', replace(disable.range, '--enable-shared'))],
  });
}

function checkStaticLink(command: ShellCommand, words: Word[], name: string, report: Report): void {
  const all = [...command.assignments, ...words];
  const compilerIsWrapper =
    MPI_WRAPPERS.has(name) || all.some((word) => MPI_WRAPPERS.has(baseName(WRAPPER_ASSIGNMENT.exec(word.value)?.[1]?.trim().split(/\s+/)[0] ?? '')));
  if (!compilerIsWrapper) {
    return;
  }
  const wrapper = MPI_WRAPPERS.has(name) ? name : 'an MPI compiler wrapper';
  let lastDynamic = -1;
  all.forEach((word, i) => {
    if (/-Bdynamic/.test(word.value)) {
      lastDynamic = i;
    }
  });
  for (let i = 0; i < all.length; i++) {
    const word = all[i];
    const previous = all[i - 1]?.value;
    const flags = STATIC_LDFLAGS.exec(word.value)?.[1];
    const linkerArgument = previous === '-Xlinker' || previous === '-Xcompiler' || previous === '--linker-options' || previous === '--compiler-options';
    const isStatic =
      (flags !== undefined && STATIC_TOKEN.test(flags)) ||
      word.value === '-static' ||
      word.value === '-Bstatic' ||
      (linkerArgument && STATIC_TOKEN.test(word.value)) ||
      /^-(Wl,|Xlinker=|Xcompiler=)(.*,)?-B?static(,|$)/.test(word.value);
    const selectiveOnly = /Bstatic/.test(word.value) && lastDynamic > i;
    if (isStatic && !selectiveOnly) {
      report({
        range: word.range,
        message: `\`${word.value}\` links the MPI/CUDA libraries of ${wrapper} statically; the host MPI or GPU driver cannot be injected at run time — link dynamically.`,
      });
    }
  }
}

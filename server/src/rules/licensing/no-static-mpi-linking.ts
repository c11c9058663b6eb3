// HPC-LIC-005: static linking of MPI/fabric/CUDA libraries, which blocks host MPI/driver injection.
import { defineRule, type RuleContext } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { baseName, withShellCScriptsInstead } from '../util/source';

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
    code: 'HPC-LIC-005',
    name: 'no-static-mpi-linking',
    category: 'licensing',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Do not build MPI, fabric or CUDA libraries static-only, or link MPI programs with `-static`: the host MPI/driver can no longer be injected.',
      whatItDoes:
        'Reports `--disable-shared` in a `configure` of Open MPI, MPICH, MVAPICH, libfabric, UCX/UCC or CUDA libraries (recognised from the configure path, the `--prefix` ' +
        'or the directory entered with `cd`/`WORKDIR` before it), and `-static`/`-Bstatic` (also `-Wl,-Bstatic`, `-Xlinker -static`, `LDFLAGS=-static`, `CMAKE_*_LINKER_FLAGS=-static`) ' +
        '(`-Bstatic` only when no `-Bdynamic` follows: the wrapper appends the MPI libraries last) on commands that compile with an MPI wrapper (`mpicc`, `mpif90`, `mpiifort` …) or `nvcc`, or that set `CC=`/`FC=`/`CMAKE_*_COMPILER=` to one.',
      whyHpc:
        'On HPC systems the container\'s MPI must be replaced by the host\'s: Shifter and Sarus MPI hooks, Apptainer `--bind` of the host MPI, podman-hpc and Charliecloud ' +
        '`ch-fromhost` all swap the *shared* libraries (`libmpi.so`, `libfabric.so`, `libcuda.so`) for the site-tuned ones that know the interconnect (Slingshot, InfiniBand, ' +
        'Omni-Path). A statically linked MPI or fabric library cannot be swapped: the job silently falls back to TCP — 10–100× slower collectives — or fails to start with ' +
        '`No OpenFabrics connection` / `cxi provider not found`. A fully static binary cannot load `libcuda.so` from the host driver either. Statically linking LGPL libraries ' +
        'also obliges you to let users relink.',
      howToFix:
        'Build MPI and fabric libraries shared (`--enable-shared`, the default; keep `--enable-static` if you also need archives) and link applications dynamically against ' +
        'an MPI with a stable ABI (MPICH ABI: MPICH, Intel MPI, Cray MPICH, MVAPICH). The quick fix replaces `--disable-shared` with `--enable-shared`; it is unsafe because ' +
        'it changes the build (shared libraries must then be found at run time, e.g. via the prefix\'s `lib` directory in `LD_LIBRARY_PATH` or `ldconfig`).',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN cd /tmp/mpich-4.2.2 && ./configure --prefix=/opt/mpich --disable-shared && make install\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    mpicc -O2 -static -o /usr/local/bin/app app.c\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN cd /tmp/mpich-4.2.2 && ./configure --prefix=/opt/mpich --enable-shared && make install\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    mpicc -O2 -static-libgcc -o /usr/local/bin/app app.c\n' },
      ],
      exceptions:
        '`--disable-shared` for other libraries (zlib, HDF5, FFTW …) and `-static-libgcc`/`-static-libstdc++`/`-static-intel` are not reported. `LDFLAGS=-static` set with ' +
        '`ENV` and used later is not traced. Single-node images that never use the host MPI may link statically on purpose: ' +
        '`# hpclint ignore=HPC-LIC-005 -- single-node tool`. The `publish` setting does not change this rule: the injection problem exists for private images too.',
      references: [
        'https://docs.nersc.gov/development/containers/shifter/how-to-use/#using-mpi-in-shifter',
        'https://sarus.readthedocs.io/en/stable/user/abi_compatibility.html',
        'https://apptainer.org/docs/user/main/mpi.html',
        'https://www.gnu.org/licenses/gpl-faq.html#LGPLStaticVsDynamic',
      ],
    },
  },
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
    fixes: [{ title: 'Replace with `--enable-shared` (changes the build)', safe: false, edits: [{ range: disable.range, newText: '--enable-shared' }] }],
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
    const selectiveOnly = /Bstatic/.test(word.value) && all.slice(i + 1).some((later) => /-Bdynamic/.test(later.value));
    if (isStatic && !selectiveOnly) {
      report({
        range: word.range,
        message: `\`${word.value}\` links the MPI/CUDA libraries of ${wrapper} statically; the host MPI or GPU driver cannot be injected at run time — link dynamically.`,
      });
    }
  }
}

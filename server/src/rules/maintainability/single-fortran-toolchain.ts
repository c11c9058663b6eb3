// HPC-MAINT-005: distribution MPI/HDF5/NetCDF Fortran packages (built with gfortran) used with another Fortran compiler.
import { defineRule } from '../../engine/rule';
import type { Stage, Word } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { scriptsOfStage } from '../../recipe/query';
import { effectiveName, effectiveWords, installedPackages } from '../util/commands';
import { baseName, rangeInWord } from '../util/source';
import docs from './single-fortran-toolchain.md';

/** Distribution packages shipping gfortran-built Fortran modules (`mpi.mod`, `hdf5.mod`, `netcdf.mod`) or wrappers. */
const GFORTRAN_PACKAGES =
  /^(?:libopenmpi-dev|libmpich-dev|libhdf5(?:-[a-z]+)?-dev|libnetcdff-dev|openmpi\d*-devel|mpich(?:-[\d.]+)?-devel|hdf5(?:-[a-z]+)?-devel|netcdf-fortran(?:-[a-z]+)?-devel|openmpi-dev|hdf5-dev|netcdf-fortran-dev)$/;
/** Non-GNU Fortran compilers (Intel, NVIDIA/PGI, LLVM/AMD, IBM) and Intel MPI's wrappers around them. */
const OTHER_FORTRAN = /^(?:ifx|ifort|nvfortran|pgfortran|pgf9[05]|flang(?:-new)?(?:-\d+)?|amdflang|xlf\w*|mpiifort|mpiifx)$/;
/** A Fortran `use` of a module these packages ship, in source the recipe writes (heredoc, `echo`, `printf`). */
const USES_MODULE = /^[\s'"]*use\s+(mpi_f08|mpi|hdf5|netcdf)\b/im;
/** Variables and options that select the Fortran compiler. */
const COMPILER_SETTING = /^(?:(?:FC|F77|F90|F95|MPIF90|OMPI_FC|MPICH_FC|MPICH_F90|-DCMAKE_Fortran_COMPILER(?::\w+)?)=|-fc=|--with-fc=)(.+)$/;

interface CompilerUse {
  word: Word;
  /** Offset of the compiler name inside `word.text`. */
  start: number;
  compiler: string;
}

function compilerIn(word: Word): CompilerUse | undefined {
  const setting = /\s/.test(word.value) ? null : COMPILER_SETTING.exec(word.value);
  const candidate = setting ? setting[1].replace(/^["']|["']$/g, '').split(/\s+/)[0] : undefined;
  if (candidate && OTHER_FORTRAN.test(baseName(candidate))) {
    const compiler = baseName(candidate);
    const start = word.text.lastIndexOf(compiler);
    return { word, start: Math.max(0, start), compiler };
  }
  return undefined;
}

/** What a stage's chain (the stage and those it inherits from through `FROM <stage>`, stage first) says, folded once per stage. */
interface ChainSummary {
  /** The gfortran-built packages' names, first mention first. */
  names: readonly string[];
  /** The first such package installed. */
  first: Word | undefined;
  /** The first module a Fortran `use` of the recipe's source names. */
  module: string | undefined;
}

const NO_CHAIN: ChainSummary = { names: [], first: undefined, module: undefined };
export default defineRule({
  meta: {
    code: 'HPC-MAINT-005',
    name: 'single-fortran-toolchain',
    category: 'maintainability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    // A Fortran compiler other than gfortran (`mpiifort` contains `ifort`, `amdflang` `flang`): every finding names one.
    interests: { keywords: ['ifx', 'ifort', 'nvfortran', 'pgfortran', 'pgf9', 'flang', 'xlf'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const facts = factsOf(recipe);
    const packagesOf = (stage: Stage): Word[] =>
      facts
        .scriptsOf(stage)
        .filter((ref) => ref.step.kind === 'run')
        .flatMap((ref) => ref.script.commands)
        .flatMap((command) => installedPackages(command))
        .filter((pkg) => pkg.manager !== 'conda' && GFORTRAN_PACKAGES.test(pkg.name))
        .map((pkg) => pkg.word);
    const usesOf = (stage: Stage): CompilerUse[] => {
      const uses: CompilerUse[] = [];
      for (const step of stage.steps) {
        if (step.kind === 'env' && !step.script) {
          for (const pair of step.pairs) {
            if (pair.value && /^(FC|F77|F90|F95|MPIF90|OMPI_FC|MPICH_FC|MPICH_F90)$/.test(pair.key.value) && OTHER_FORTRAN.test(baseName(pair.value.value))) {
              uses.push({ word: pair.value, start: 0, compiler: baseName(pair.value.value) });
            }
          }
        }
      }
      for (const ref of scriptsOfStage(recipe, stage).filter((r) => r.step.kind === 'run' || r.step.kind === 'env')) {
        for (const command of ref.script.commands) {
          const words = effectiveWords(command);
          if (words.length > 0 && OTHER_FORTRAN.test(effectiveName(command)) && installedPackages(command).length === 0) {
            uses.push({ word: words[0], start: 0, compiler: effectiveName(command) });
          }
          if (['echo', 'printf'].includes(effectiveName(command))) {
            continue;
          }
          for (const word of [...command.assignments, ...words.slice(1)]) {
            const use = compilerIn(word);
            if (use) {
              uses.push(use);
            }
          }
        }
      }
      return uses;
    };

    const summaries = new Map<Stage, ChainSummary>();
    const parentOf = (stage: Stage): Stage | undefined => (stage.base.stageRef === undefined ? undefined : facts.earlierStageNamed(stage.base.stageRef, stage));
    const summaryOf = (stage: Stage): ChainSummary => {
      // Up the chain to a stage already folded, then fold back down (a parent is always an earlier stage: no cycle).
      const unfolded: Stage[] = [];
      for (let current: Stage | undefined = stage; current !== undefined && !summaries.has(current); current = parentOf(current)) {
        unfolded.push(current);
      }
      for (const member of unfolded.reverse()) {
        const parent = parentOf(member);
        const inherited = (parent && summaries.get(parent)) ?? NO_CHAIN;
        const packages = packagesOf(member);
        const module = facts
          .scriptsOf(member)
          .map((ref) => USES_MODULE.exec(ref.script.text)?.[1])
          .find((name) => name !== undefined);
        summaries.set(member, {
          names: packages.length === 0 ? inherited.names : [...new Set([...packages.map((word) => word.value), ...inherited.names])],
          first: packages[0] ?? inherited.first,
          module: module ?? inherited.module,
        });
      }
      return summaries.get(stage) as ChainSummary;
    };

    for (const stage of recipe.stages) {
      const use = usesOf(stage)[0];
      if (!use) {
        continue;
      }
      const { names, first, module } = summaryOf(stage);
      if (first === undefined) {
        continue;
      }
      const line = first.range.start.line + 1;
      context.report({
        // Source that `use`s the gfortran-built module does not compile with the other compiler: a certain failure of
        // that build step, so more than advice; without such source in view it stays advice.
        severity: module ? 'warning' : undefined,
        range: rangeInWord(recipe, use.word, use.start, use.start + (use.word.text.slice(use.start).startsWith(use.compiler) ? use.compiler.length : use.word.text.length - use.start)),
        message:
          `Fortran is compiled with \`${use.compiler}\`, but ${names.map((n) => `\`${n}\``).join(', ')} (line ${line}) ${names.length > 1 ? 'are' : 'is'} built with gfortran: ` +
          `their Fortran modules (\`mpi.mod\`, \`hdf5.mod\`, \`netcdf.mod\`) cannot be read by ${use.compiler}` +
          (module ? ` (and the recipe's Fortran source has \`use ${module.toLowerCase()}\`)` : '') +
          '; build these libraries with the same compiler or compile with gfortran.',
      });
    }
  },
});

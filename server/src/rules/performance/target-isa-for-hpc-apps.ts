// HPC-PERF-001: known HPC applications compiled with optimisation but for generic x86-64 (no ISA level chosen, or `-march=x86-64`).
import { defineRule, type Fix } from '../../engine/rule';
import { CommandTable } from '../../recipe/command-table';
import { ScriptTable } from '../../recipe/script-table';
import { insert, replace, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, ShellCommand, ShellScript, Stage, Word } from '../../recipe/model';
import { allScripts, flagValue } from '../../recipe/query';
import { assignmentsAndWords, effectiveName, effectiveWords } from '../util/commands';
import { rangeInWord } from '../util/source';
import docs from './target-isa-for-hpc-apps.md';

/** Compute codes whose speed depends on SIMD (name pattern → display name). */
const HPC_APPS: readonly [RegExp, string][] = [
  [/gromacs/i, 'GROMACS'],
  [/lammps/i, 'LAMMPS'],
  [/openfoam/i, 'OpenFOAM'],
  [/(?:^|[/_-])wrf(?:v?\d|[-_./]|$)/i, 'WRF'],
  [/q-e|quantum[-_]?espresso|(?:^|\/)qe-\d/i, 'Quantum ESPRESSO'],
  [/fftw/i, 'FFTW'],
  [/openblas/i, 'OpenBLAS'],
  [/(?:^|[/_-])namd/i, 'NAMD'],
  [/cp2k/i, 'CP2K'],
  [/nwchem/i, 'NWChem'],
  [/(?:^|[/_-])elpa/i, 'ELPA'],
  [/(?:^|[/_-])hpl-\d|(?:^|[/_-])hpcg/i, 'HPL/HPCG'],
  [/(?:^|[/_-])siesta/i, 'SIESTA'],
  [/abinit/i, 'ABINIT'],
  [/(?:^|[/_-])blis(?:[-_./]|$)/i, 'BLIS'],
];
const BUILD_TOOLS = new Set(['cmake', 'make', 'gmake', 'ninja', 'scons']);
const OPTIMISATION = /(?<![\w-])-O(2|3|fast)(?![\w-])/;
/** Anything that selects an instruction set or SIMD level (compiler flags and the apps' own switches). */
const ISA_CHOICE =
  /-march=|-mcpu=|-mtune=|-m(?:avx|sse|fma|arch)|(?<![\w-])-a?x[A-Z]|-tp[=\s]|GMX_SIMD|KOKKOS_ARCH|Kokkos_ARCH|--enable-(?:avx|sse|neon|altivec|kcvi|vsx)|(?:^|\s)TARGET=|DYNAMIC_ARCH|ARCH_FLAGS|CPU_TARGET|BLIS_CONFIG|-DWITH_.*SIMD|--with-target=|TARGET_ARCH/;
const GENERIC_MARCH = /(?<![\w-])-march=x86-64(?![\w-])/;

function appIn(text: string): string | undefined {
  return HPC_APPS.find(([pattern]) => pattern.test(text))?.[1];
}

function isConfigure(command: ShellCommand): boolean {
  const first = effectiveWords(command)[0]?.value ?? '';
  return /(^|\/)configure$/.test(first) && first !== 'configure';
}

/** The application a build command names itself: its source-dir/`--prefix`/`-DCMAKE_INSTALL_PREFIX`. */
function ownApp(command: ShellCommand): string | undefined {
  const words = effectiveWords(command);
  const name = effectiveName(command);
  const own = [
    flagValue(command, '--prefix')?.value,
    words.find((word) => word.value.startsWith('-DCMAKE_INSTALL_PREFIX='))?.value,
    ...(name === 'cmake' ? words.slice(1).filter((word) => !word.value.startsWith('-')).map((word) => word.value) : []),
    flagValue(command, '-S', '-C')?.value,
  ].filter((value): value is string => value !== undefined);
  return appIn(own.join(' '));
}

/** A build command compiled with `-march=x86-64` or an optimisation level (what it says itself; the app may come from an earlier `cd`). */
interface Build {
  readonly generic?: Word;
  readonly optimised?: Word;
  readonly app?: string;
  /** One of its words chooses an instruction set. */
  readonly choosesIsa: boolean;
}

const NOT_A_BUILD: Build = { choosesIsa: false };

/** Kept per command in a lint with a memo: the command's words alone (shared: never mutate). */
const BUILDS_BY_COMMAND = new CommandTable<Build>((command) => {
  if (!BUILD_TOOLS.has(effectiveName(command)) && !isConfigure(command)) {
    return NOT_A_BUILD;
  }
  const words = [...command.assignments, ...effectiveWords(command).slice(1)];
  const generic = words.find((word) => GENERIC_MARCH.test(word.text));
  const optimised = words.find((word) => OPTIMISATION.test(word.text));
  if (!generic && !optimised) {
    return NOT_A_BUILD;
  }
  return { generic, optimised, app: ownApp(command), choosesIsa: words.some((word) => ISA_CHOICE.test(word.text)) };
});

/** The build commands of a script with their indexes, kept per script in a Dockerfile's lint with a memo (shared: never mutate). */
const BUILDS_BY_SCRIPT = new ScriptTable<readonly { build: Build; index: number }[]>((script, recipe) => {
  const buildOf = BUILDS_BY_COMMAND.readerInScript(recipe);
  const builds: { build: Build; index: number }[] = [];
  script.commands.forEach((command, index) => {
    const build = buildOf(command);
    if (build !== NOT_A_BUILD) {
      builds.push({ build, index });
    }
  });
  return builds.length > 0 ? builds : NO_BUILDS;
});

const NO_BUILDS: readonly { build: Build; index: number }[] = [];

/** What an earlier command says about the application built after it: a name, `null` for a `cd` elsewhere, undefined for nothing. */
function appNamedBy(command: ShellCommand): string | null | undefined {
  const name = effectiveName(command);
  const isCd = name === 'cd' || name === 'pushd';
  if (!isCd && !['tar', 'wget', 'curl', 'git', 'unzip'].includes(name)) {
    return undefined;
  }
  const args = effectiveWords(command).slice(1).map((word) => word.value).join(' ');
  const found = appIn(args);
  if (found) {
    return found;
  }
  // `cd build` inside the source tree says nothing; a `cd` to an absolute path leaves it.
  return isCd && /^[/~$]/.test(args) ? null : undefined;
}

/** Per command of the script, the application its earlier commands name: the nearest that says one way or the other (one pass). */
function appsBefore(script: ShellScript): (string | undefined)[] {
  const apps: (string | undefined)[] = [];
  let current: string | undefined;
  for (const command of script.commands) {
    apps.push(current);
    const named = appNamedBy(command);
    if (named !== undefined) {
      current = named ?? undefined;
    }
  }
  return apps;
}

/** ISA choices made by ENV/ARG values of the stage (CFLAGS, GMX_SIMD…) or global ARGs. */
function definitionsChooseIsa(recipe: Recipe, stage: Stage): boolean {
  for (const step of stage.steps) {
    if ((step.kind === 'env' || step.kind === 'arg') && step.pairs.some((pair) => ISA_CHOICE.test(`${pair.key.value}=${pair.value?.value ?? ''}`))) {
      return true;
    }
  }
  return recipe.globalArgs.some((step) => step.pairs.some((pair) => ISA_CHOICE.test(`${pair.key.value}=${pair.value?.value ?? ''}`)));
}

/** Index of the first command of the script whose `export`s / assignments choose an ISA; Infinity when none. */
function firstIsaChoice(script: ShellScript): number {
  const at = script.commands.findIndex((command) => assignmentsAndWords(command).some((word) => ISA_CHOICE.test(word.value)));
  return at < 0 ? Infinity : at;
}

function insertMarchFix(recipe: Recipe, word: Word, end: number): Fix | undefined {
  const before = word.text.slice(0, end);
  const quotes = (before.match(/"/g) ?? []).length + (before.match(/'/g) ?? []).length;
  if (quotes % 2 === 0) {
    return undefined; // unquoted: inserting a space would split the word
  }
  const position = rangeInWord(recipe, word, end, end).start;
  return unsafeFix('Add `-march=x86-64-v3` (AVX2/FMA; nodes older than Haswell/Zen cannot run it)', insert(position, ' -march=x86-64-v3'));
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-001',
    name: 'target-isa-for-hpc-apps',
    category: 'performance',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    // ISA choices in ENV/ARG do not depend on the command: scan each stage's definitions once.
    const isaByStage = new Map<Stage, boolean>();
    const stageChoosesIsa = (stage: Stage): boolean => {
      let chosen = isaByStage.get(stage);
      if (chosen === undefined) {
        chosen = definitionsChooseIsa(recipe, stage);
        isaByStage.set(stage, chosen);
      }
      return chosen;
    };
    const buildsOf = BUILDS_BY_SCRIPT.reader(recipe);
    for (const { script, step, stage } of allScripts(recipe)) {
      if (step.kind !== 'run') {
        continue;
      }
      // What earlier commands of the script say, found once per script (asking per command was quadratic).
      let apps: (string | undefined)[] | undefined;
      let isaChoice: number | undefined;
      for (const { build, index } of buildsOf(script)) {
        const { generic, optimised } = build;
        const app = build.app ?? (apps ??= appsBefore(script))[index];
        if (!app) {
          continue;
        }
        if (generic) {
          const match = GENERIC_MARCH.exec(generic.text) as RegExpExecArray;
          const range = rangeInWord(recipe, generic, match.index, match.index + match[0].length);
          context.report({
            range,
            message: `${app} is compiled with \`-march=x86-64\`, the 2003 SSE2-only baseline: its SIMD kernels run several times slower than they could. Choose a level such as \`-march=x86-64-v3\` (AVX2/FMA).`,
            fixes: [unsafeFix('Use `-march=x86-64-v3` (AVX2/FMA; nodes older than Haswell/Zen cannot run it)', replace(range, '-march=x86-64-v3'))],
          });
          continue;
        }
        if (build.choosesIsa || stageChoosesIsa(stage) || (isaChoice ??= firstIsaChoice(script)) < index) {
          continue;
        }
        const word = optimised as Word;
        const match = OPTIMISATION.exec(word.text) as RegExpExecArray;
        const end = match.index + match[0].length;
        const fix = insertMarchFix(recipe, word, end);
        context.report({
          range: rangeInWord(recipe, word, match.index, end),
          message: `${app} is optimised with \`${match[0]}\` but no instruction set is chosen, so the compiler targets generic x86-64 (SSE2) and the SIMD kernels stay slow. Add \`-march=x86-64-v3\` (or the application's SIMD option) for the oldest nodes you support.`,
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
});

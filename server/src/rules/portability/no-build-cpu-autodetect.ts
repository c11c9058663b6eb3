// HPC-PORT-002: source builds that pick the CPU of the build machine unless told otherwise.
import { defineRule, type RuleContext } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import type { Recipe, ShellCommand, ShellScript, Stage, Word } from '../../recipe/model';
import { ScriptTable } from '../../recipe/script-table';
import { allScripts, resolveVariable } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { baseName, withShellCScripts } from '../util/source';
import docs from './no-build-cpu-autodetect.md';

const CRASH = 'the result can die with `Illegal instruction` on nodes with older or different CPUs';
/** Make variables only OpenBLAS's Makefile uses (so a bare `make` with them is an OpenBLAS build). */
const OPENBLAS_VARIABLES = /^(NO_CBLAS|NO_LAPACKE|NO_LAPACK|INTERFACE64|USE_OPENMP|USE_THREAD|NUM_THREADS|NO_AFFINITY|BINARY|DYNAMIC_OLDER|NO_AVX512|NO_AVX2)=/;
const SPACK_CONFIG_FILES = new Set(['packages.yaml', 'spack.yaml', 'spack.lock']);

function setsOpenblasTarget(word: Word): boolean {
  return /^(DYNAMIC_ARCH|TARGET)=/.test(word.value);
}

function namesSpackConfig(word: Word): boolean {
  return mayNameSpackConfig(word.value) && SPACK_CONFIG_FILES.has(baseName(word.value));
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-002',
    name: 'no-build-cpu-autodetect',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const choicesOf = CHOICES_BY_COMMAND.reader(recipe);
    const scriptChoicesOf = CHOICES_BY_SCRIPT.reader(recipe);
    let spackTargetSet: boolean | undefined;
    // Scripts come stage by stage: the answer for the last stage is all that is kept (a table of 40,000 stages was not free).
    let lastStage: Stage | undefined;
    let lastAnswer = false;
    const openblasSetIn = (stage: Stage): boolean => {
      if (stage !== lastStage) {
        lastStage = stage;
        lastAnswer = ['DYNAMIC_ARCH', 'TARGET'].some((name) => resolveVariable(recipe, stage, name) !== undefined);
      }
      return lastAnswer;
    };
    for (const { script, stage } of allScripts(recipe)) {
      const kept = scriptChoicesOf(script);
      if (kept === NO_SCRIPT_CHOICES) {
        continue;
      }
      let directory = '';
      // Only the first OpenBLAS build command of a script is judged (later `make install` reuses its settings); whether
      // the stage's variables judged it already is asked only when a build command needs the answer.
      let openblasJudged: boolean | undefined;
      for (const choices of kept.shellC ? withShellCScripts(recipe, script.commands).map(choicesOf) : kept.choices) {
        if (choices === NO_CHOICES) {
          continue;
        }
        if (choices.cd !== undefined) {
          directory = choices.cd;
        }
        if (choices.setsOpenblasTarget) {
          openblasJudged = true; // `export DYNAMIC_ARCH=1`, `TARGET=… make`, `make DYNAMIC_ARCH=1`
          continue;
        }
        for (const { word, kokkos } of choices.native) {
          reportNative(context, word, kokkos);
        }
        const inOpenblas = /openblas/i.test(directory);
        const { make, cmake, spackInstall } = choices;
        if (make && (make.openblas || inOpenblas) && !(openblasJudged ??= openblasSetIn(stage))) {
          openblasJudged = true;
          reportOpenblas(context, make.program, make.last, 'make', ' DYNAMIC_ARCH=1 TARGET=GENERIC');
        }
        if (cmake) {
          if (inOpenblas && !(openblasJudged ??= openblasSetIn(stage))) {
            openblasJudged = true;
            if (!cmake.setsOpenblasTarget) {
              reportOpenblas(context, cmake.program, cmake.last, 'cmake', ' -DDYNAMIC_ARCH=ON -DTARGET=GENERIC');
            }
          }
          if (cmake.gromacsWithoutSimd) {
            reportGromacs(context, cmake.program, cmake.last, /gromacs-4\.\d/i.test(`${directory} ${script.text}`));
          }
        }
        if (spackInstall && !(spackTargetSet ??= spackTargetConfigured(recipe, scriptChoicesOf))) {
          reportSpackInstall(context, spackInstall.install, spackInstall.last);
        }
      }
    }
  },
});

/** What one command's own words choose about the CPU target (no stage variables, no earlier commands). */
interface CpuChoices {
  /** `cd DIR`: the directory. */
  readonly cd?: string;
  /** It sets DYNAMIC_ARCH or TARGET (`export DYNAMIC_ARCH=1`, `TARGET=… make`, `make DYNAMIC_ARCH=1`): nothing else is asked. */
  readonly setsOpenblasTarget: boolean;
  /** Words asking for the build machine's CPU (`Kokkos_ARCH_NATIVE=ON`, `ARCH=native`). */
  readonly native: readonly { word: Word; kokkos: boolean }[];
  /** `make`/`gmake`, and whether its own words say it builds OpenBLAS (`-C OpenBLAS`, OpenBLAS-only variables). */
  readonly make?: { program: Word; last: Word; openblas: boolean };
  /** `cmake` that configures (not `--build`/`--install`). */
  readonly cmake?: { program: Word; last: Word; setsOpenblasTarget: boolean; gromacsWithoutSimd: boolean };
  /** `spack install` of specs without a target (the finding unless the recipe configures a Spack target). */
  readonly spackInstall?: { install: Word; last: Word };
  /** It configures a Spack target or writes a Spack configuration file (see `spackTargetConfigured`). */
  readonly configuresSpack: boolean;
}

const NO_CHOICES: CpuChoices = { setsOpenblasTarget: false, native: [], configuresSpack: false };

/** Kept per command in a lint with a memo: the choices depend on the command's words alone (shared: never mutate). */
const CHOICES_BY_COMMAND = new CommandTable<CpuChoices>((command) => cpuChoices(command));

/** A script's commands with choices (those of its `sh -c` strings are asked on every lint), kept per script in a Dockerfile's lint with a memo. */
interface ScriptChoices {
  /** It runs `sh -c` with a script: its commands are read with those of the strings, on every lint. */
  readonly shellC: boolean;
  /** Without `sh -c`: the choices of its commands, but NO_CHOICES. */
  readonly choices: readonly CpuChoices[];
  /** One of its commands configures a Spack target. */
  readonly configuresSpack: boolean;
}

const NO_SCRIPT_CHOICES: ScriptChoices = { shellC: false, choices: [], configuresSpack: false };

/** Shared: never mutate. */
const CHOICES_BY_SCRIPT = new ScriptTable<ScriptChoices>((script, recipe) => {
  const choicesOf = CHOICES_BY_COMMAND.readerInScript(recipe);
  const shellC = factsOf(recipe).hasShellCScripts(script.commands);
  const choices: CpuChoices[] = [];
  let configuresSpack = false;
  for (const command of script.commands) {
    const found = choicesOf(command);
    if (found !== NO_CHOICES) {
      configuresSpack ||= found.configuresSpack;
      if (!shellC) {
        choices.push(found);
      }
    }
  }
  return !shellC && choices.length === 0 ? NO_SCRIPT_CHOICES : { shellC, choices, configuresSpack };
});

function cpuChoices(command: ShellCommand): CpuChoices {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return NO_CHOICES;
  }
  const program = baseName(words[0].value);
  const cd = program === 'cd' && words[1] ? words[1].value : undefined;
  const configuresSpack = configuresSpackTarget(program, words);
  if (words.some(setsOpenblasTarget) || command.assignments.some(setsOpenblasTarget)) {
    return { cd, setsOpenblasTarget: true, native: [], configuresSpack };
  }
  const native = nativeWords(words);
  const last = words[words.length - 1];
  let make: CpuChoices['make'];
  let cmake: CpuChoices['cmake'];
  let spackInstall: CpuChoices['spackInstall'];
  if (program === 'make' || program === 'gmake') {
    const makeDirectory = flagArgument(words, '-C');
    make = { program: words[0], last, openblas: /openblas/i.test(makeDirectory ?? '') || words.some((word) => OPENBLAS_VARIABLES.test(word.value)) };
  }
  if (program === 'cmake' && !words.some((word) => /^--(build|install)$/.test(word.value))) {
    const gromacs = words.some((word) => /^-DGMX_/.test(word.value));
    cmake = {
      program: words[0],
      last,
      setsOpenblasTarget: words.some((word) => /^-D(DYNAMIC_ARCH|TARGET)=/.test(word.value)),
      gromacsWithoutSimd: gromacs && !words.some((word) => /^-DGMX_(SIMD|CPU_ACCELERATION)=/.test(word.value)),
    };
  }
  if (program === 'spack') {
    const install = spackInstallWord(words);
    spackInstall = install ? { install, last } : undefined;
  }
  if (cd === undefined && native.length === 0 && !make && !cmake && !spackInstall && !configuresSpack) {
    return NO_CHOICES;
  }
  return { cd, setsOpenblasTarget: false, native, make, cmake, spackInstall, configuresSpack };
}

function reportGromacs(context: RuleContext, program: Word, last: Word, gromacs4: boolean): void {
  // GROMACS 4.x names the option GMX_CPU_ACCELERATION (GMX_SIMD came with 5.0).
  const option = gromacs4 ? 'GMX_CPU_ACCELERATION' : 'GMX_SIMD';
  const value = option === 'GMX_SIMD' ? 'AVX2_256' : 'AVX_256';
  context.report({
    range: program.range,
    message: `GROMACS \`cmake\` without \`-D${option}=\` picks the SIMD level of the build machine (correct and fast only "on the machine upon which cmake ran"); ${CRASH}.`,
    fixes: [unsafeFix(`Add \`-D${option}=${value}\` (changes the CPU baseline; x86 only)`, insert(last.range.end, ` -D${option}=${value}`))],
  });
}

function reportOpenblas(context: RuleContext, program: Word, last: Word, tool: string, addition: string): void {
  context.report({
    range: program.range,
    message: `OpenBLAS \`${tool}\` without \`DYNAMIC_ARCH\` or \`TARGET\` compiles its kernels for the CPU of the build machine; ${CRASH}. Add \`${addition.trim()}\`.`,
    fixes: [unsafeFix(`Add \`${addition.trim()}\` (runtime CPU dispatch; changes the build)`, insert(last.range.end, addition))],
  });
}

function nativeWords(words: readonly Word[]): { word: Word; kokkos: boolean }[] {
  const found: { word: Word; kokkos: boolean }[] = [];
  for (const word of words.slice(1)) {
    if (!word.value.includes('=')) {
      continue; // both patterns below need `=`
    }
    if (/^(-D)?Kokkos_ARCH_NATIVE=(ON|TRUE|1|YES)$/i.test(word.value)) {
      found.push({ word, kokkos: true });
    } else if (/^ARCH=native$/.test(word.value)) {
      found.push({ word, kokkos: false });
    }
  }
  return found;
}

function reportNative(context: RuleContext, word: Word, kokkos: boolean): void {
  if (kokkos) {
    context.report({
      range: word.range,
      message: `\`${word.value}\` makes Kokkos compile for the CPU of the build machine; ${CRASH}. Set \`Kokkos_ARCH_<NAME>\` for the oldest node type instead.`,
    });
  } else {
    context.report({ range: word.range, message: `\`ARCH=native\` makes the build target the CPU of the build machine; ${CRASH}.` });
  }
}

/** The `install` of `spack [global options] install SPECS` when no spec names a target. */
function spackInstallWord(words: readonly Word[]): Word | undefined {
  const install = words.findIndex((word, i) => i > 0 && word.value === 'install');
  if (install < 0 || words.slice(1, install).some((word) => !word.value.startsWith('-') && !isOptionValue(words, words.indexOf(word)))) {
    return undefined;
  }
  const specs = words.slice(install + 1).filter((word) => !word.value.startsWith('-'));
  if (specs.length === 0 || specs.some((word) => /(^|\s)(target|arch)=/.test(word.value))) {
    return undefined;
  }
  return words[install];
}

function reportSpackInstall(context: RuleContext, install: Word, last: Word): void {
  context.report({
    range: install.range,
    message: `\`spack install\` without \`target=\` concretizes for the exact micro-architecture of the build machine; ${CRASH}. Add a generic target such as \`target=x86_64_v3\`.`,
    fixes: [unsafeFix('Add `target=x86_64_v3` (changes the CPU baseline; x86 only)', insert(last.range.end, ' target=x86_64_v3'))],
  });
}

/** `spack -e ENV install`: the word after a value-taking global option. */
function isOptionValue(words: readonly Word[], index: number): boolean {
  return index > 0 && /^(-e|-D|-C|-c|--env|--env-dir|--config-scope|--config)$/.test(words[index - 1].value);
}

/** A Spack target set for the whole recipe: `spack config add …target…`, `target:` in a heredoc/echo, or a copied packages.yaml/spack.yaml. */
function spackTargetConfigured(recipe: Recipe, scriptChoicesOf: (script: ShellScript) => ScriptChoices): boolean {
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'copy' && step.sources.some((source) => SPACK_CONFIG_FILES.has(baseName(source.value)))) {
        return true;
      }
    }
  }
  for (const { script } of allScripts(recipe)) {
    if (script.heredocs.some((heredoc) => /\btarget\s*[:=]/.test(heredoc.body))) {
      return true;
    }
    if (scriptChoicesOf(script).configuresSpack) {
      return true;
    }
  }
  return false;
}

/** `spack config add …target…`, `echo 'target: …'`, or a packages.yaml/spack.yaml written or copied by a command. */
function configuresSpackTarget(program: string, words: readonly Word[]): boolean {
  if ((program === 'spack' && words.some((word) => word.value === 'config')) || program === 'echo' || program === 'printf') {
    if (words.some((word) => /\btarget\s*[:=]/.test(word.value))) {
      return true;
    }
  }
  return program !== 'spack' && words.some(namesSpackConfig);
}

/** Cheap necessary condition for `SPACK_CONFIG_FILES.has(baseName(value))` (every name ends in `.yaml` or `.lock`). */
function mayNameSpackConfig(value: string): boolean {
  return value.includes('.yaml') || value.includes('.lock');
}

function flagArgument(words: readonly Word[], flag: string): string | undefined {
  const at = words.findIndex((word) => word.value === flag);
  if (at >= 0) {
    return words[at + 1]?.value;
  }
  const attached = words.find((word) => word.value.startsWith(flag) && word.value.length > flag.length);
  return attached?.value.slice(flag.length);
}


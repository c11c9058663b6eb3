// HPC-PORT-002: source builds that pick the CPU of the build machine unless told otherwise.
import { defineRule, type RuleContext } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, Stage, Word } from '../../recipe/model';
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
    const spackTargetSet = spackTargetConfigured(recipe);
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
      let directory = '';
      // Only the first OpenBLAS build command of a script is judged (later `make install` reuses its settings).
      let openblasJudged = openblasSetIn(stage);
      for (const command of withShellCScripts(recipe, script.commands)) {
        const words = effectiveWords(command);
        if (words.length === 0) {
          continue;
        }
        const program = baseName(words[0].value);
        if (program === 'cd' && words[1]) {
          directory = words[1].value;
        }
        if (words.some(setsOpenblasTarget) || command.assignments.some(setsOpenblasTarget)) {
          openblasJudged = true; // `export DYNAMIC_ARCH=1`, `TARGET=… make`, `make DYNAMIC_ARCH=1`
          continue;
        }
        checkNativeWords(context, words);
        const inOpenblas = /openblas/i.test(directory);
        if ((program === 'make' || program === 'gmake') && !openblasJudged) {
          const makeDirectory = flagArgument(words, '-C');
          const openblas = inOpenblas || /openblas/i.test(makeDirectory ?? '') || words.some((word) => OPENBLAS_VARIABLES.test(word.value));
          if (openblas) {
            openblasJudged = true;
            const last = words[words.length - 1];
            reportOpenblas(context, words[0], last, 'make', ' DYNAMIC_ARCH=1 TARGET=GENERIC');
          }
        }
        if (program === 'cmake' && !words.some((word) => /^--(build|install)$/.test(word.value))) {
          if (inOpenblas && !openblasJudged) {
            openblasJudged = true;
            if (!words.some((word) => /^-D(DYNAMIC_ARCH|TARGET)=/.test(word.value))) {
              reportOpenblas(context, words[0], words[words.length - 1], 'cmake', ' -DDYNAMIC_ARCH=ON -DTARGET=GENERIC');
            }
          }
          const gromacs = words.some((word) => /^-DGMX_/.test(word.value));
          if (gromacs && !words.some((word) => /^-DGMX_(SIMD|CPU_ACCELERATION)=/.test(word.value))) {
            // GROMACS 4.x names the option GMX_CPU_ACCELERATION (GMX_SIMD came with 5.0).
            const option = /gromacs-4\.\d/i.test(`${directory} ${script.text}`) ? 'GMX_CPU_ACCELERATION' : 'GMX_SIMD';
            const value = option === 'GMX_SIMD' ? 'AVX2_256' : 'AVX_256';
            const last = words[words.length - 1];
            context.report({
              range: words[0].range,
              message: `GROMACS \`cmake\` without \`-D${option}=\` picks the SIMD level of the build machine (correct and fast only "on the machine upon which cmake ran"); ${CRASH}.`,
              fixes: [unsafeFix(`Add \`-D${option}=${value}\` (changes the CPU baseline; x86 only)`, insert(last.range.end, ` -D${option}=${value}`))],
            });
          }
        }
        if (program === 'spack' && !spackTargetSet) {
          checkSpackInstall(context, words);
        }
      }
    }
  },
});

function reportOpenblas(context: RuleContext, program: Word, last: Word, tool: string, addition: string): void {
  context.report({
    range: program.range,
    message: `OpenBLAS \`${tool}\` without \`DYNAMIC_ARCH\` or \`TARGET\` compiles its kernels for the CPU of the build machine; ${CRASH}. Add \`${addition.trim()}\`.`,
    fixes: [unsafeFix(`Add \`${addition.trim()}\` (runtime CPU dispatch; changes the build)`, insert(last.range.end, addition))],
  });
}

function checkNativeWords(context: RuleContext, words: readonly Word[]): void {
  for (const word of words.slice(1)) {
    if (!word.value.includes('=')) {
      continue; // both patterns below need `=`
    }
    if (/^(-D)?Kokkos_ARCH_NATIVE=(ON|TRUE|1|YES)$/i.test(word.value)) {
      context.report({
        range: word.range,
        message: `\`${word.value}\` makes Kokkos compile for the CPU of the build machine; ${CRASH}. Set \`Kokkos_ARCH_<NAME>\` for the oldest node type instead.`,
      });
    } else if (/^ARCH=native$/.test(word.value)) {
      context.report({ range: word.range, message: `\`ARCH=native\` makes the build target the CPU of the build machine; ${CRASH}.` });
    }
  }
}

function checkSpackInstall(context: RuleContext, words: readonly Word[]): void {
  const install = words.findIndex((word, i) => i > 0 && word.value === 'install');
  if (install < 0 || words.slice(1, install).some((word) => !word.value.startsWith('-') && !isOptionValue(words, words.indexOf(word)))) {
    return;
  }
  const specs = words.slice(install + 1).filter((word) => !word.value.startsWith('-'));
  if (specs.length === 0 || specs.some((word) => /(^|\s)(target|arch)=/.test(word.value))) {
    return;
  }
  const last = words[words.length - 1];
  context.report({
    range: words[install].range,
    message: `\`spack install\` without \`target=\` concretizes for the exact micro-architecture of the build machine; ${CRASH}. Add a generic target such as \`target=x86_64_v3\`.`,
    fixes: [unsafeFix('Add `target=x86_64_v3` (changes the CPU baseline; x86 only)', insert(last.range.end, ' target=x86_64_v3'))],
  });
}

/** `spack -e ENV install`: the word after a value-taking global option. */
function isOptionValue(words: readonly Word[], index: number): boolean {
  return index > 0 && /^(-e|-D|-C|-c|--env|--env-dir|--config-scope|--config)$/.test(words[index - 1].value);
}

/** A Spack target set for the whole recipe: `spack config add …target…`, `target:` in a heredoc/echo, or a copied packages.yaml/spack.yaml. */
function spackTargetConfigured(recipe: Recipe): boolean {
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
    for (const command of script.commands) {
      const words = effectiveWords(command);
      const program = words.length > 0 ? baseName(words[0].value) : '';
      if ((program === 'spack' && words.some((word) => word.value === 'config')) || program === 'echo' || program === 'printf') {
        if (words.some((word) => /\btarget\s*[:=]/.test(word.value))) {
          return true;
        }
      }
      if (program !== 'spack' && words.some(namesSpackConfig)) {
        return true; // a packages.yaml/spack.yaml written or copied by a command
      }
    }
  }
  return false;
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


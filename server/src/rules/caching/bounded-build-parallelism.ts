// HPC-CACHE-006: unbounded build parallelism (`make -j`, `ninja -j0`, `cmake --build -j`, `xargs -P0`) on shared build hosts.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, safeFix } from '../../engine/fixBuilder';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import docs from './bounded-build-parallelism.md';

interface Unbounded {
  /** The word holding the flag; the fix replaces it. */
  word: Word;
  /** What the flag means, for the message. */
  what: string;
  /** The replacement text of `word`, when the word is written plainly. */
  bounded?: string;
}

const MAKES = new Set(['make', 'gmake']);
const NPROC = '"$(nproc)"';

/** A job count as written: a number, a variable or substitution, or a definition-file template. */
function isCount(word: Word | undefined): boolean {
  return word !== undefined && /^(\d+|["']?[$`{].*)$/.test(word.text);
}

function plain(word: Word, replacement: string): string | undefined {
  return word.text === word.value ? replacement : undefined;
}

/** `make -j`, `make --jobs`, `make -sj` with no count after it. */
function makeUnbounded(args: readonly Word[]): Unbounded | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.value === '--') {
      return undefined;
    }
    if ((/^-[A-Za-z]*j$/.test(word.value) || word.value === '--jobs') && !isCount(args[i + 1])) {
      const replacement = word.value === '--jobs' ? `--jobs=${NPROC}` : `${word.value}${NPROC}`;
      return { word, what: `\`${word.value}\` with no number starts every job make can find at once`, bounded: plain(word, replacement) };
    }
  }
  return undefined;
}

/** `ninja -j0` / `ninja -j 0`: infinite. */
function ninjaUnbounded(args: readonly Word[]): Unbounded | undefined {
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.value === '-j0' || (word.value === '-j' && args[i + 1]?.value === '0')) {
      return { word, what: '`ninja -j0` means infinite parallelism', bounded: word.value === '-j0' ? plain(word, `-j${NPROC}`) : undefined };
    }
  }
  return undefined;
}

/** `cmake --build DIR -j` / `--parallel` with no number: the generator's default, which is unbounded `make -j` for Makefiles. */
function cmakeUnbounded(args: readonly Word[]): Unbounded | undefined {
  if (!args.some((word) => word.value === '--build')) {
    return undefined;
  }
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (word.value === '--') {
      return undefined;
    }
    if ((word.value === '-j' || word.value === '--parallel') && !isCount(args[i + 1])) {
      return {
        word,
        what: `\`cmake --build ${word.value}\` with no number runs the Makefiles generator as \`make -j\`, without a limit`,
        bounded: plain(word, `${word.value} ${NPROC}`),
      };
    }
  }
  return undefined;
}

function isXargs(word: Word): boolean {
  return word.value === 'xargs' || word.value.endsWith('/xargs');
}

/** `xargs -P0` / `-P 0` / `--max-procs=0`: as many processes as possible. */
function xargsUnbounded(command: ShellCommand): Unbounded | undefined {
  // effectiveWords skips `xargs` and its options (it is a wrapper), so read the command's own words up to the command xargs runs.
  const words = command.words;
  const start = words.findIndex(isXargs);
  const end = words.length - effectiveWords(command).length;
  for (let i = start + 1; start >= 0 && i < Math.max(end, start + 1); i++) {
    const word = words[i];
    if (word.value === '-P0' || word.value === '--max-procs=0' || ((word.value === '-P' || word.value === '--max-procs') && words[i + 1]?.value === '0')) {
      return { word, what: '`xargs -P 0` runs as many processes as possible at once', bounded: word.value === '-P0' ? plain(word, `-P${NPROC}`) : undefined };
    }
  }
  return undefined;
}

function unboundedOf(command: ShellCommand): Unbounded | undefined {
  if (command.words.some(isXargs)) {
    const found = xargsUnbounded(command);
    if (found) {
      return found;
    }
  }
  const name = effectiveName(command);
  const args = effectiveWords(command).slice(1);
  if (MAKES.has(name)) {
    return makeUnbounded(args);
  }
  if (name === 'ninja') {
    return ninjaUnbounded(args);
  }
  if (name === 'cmake') {
    return cmakeUnbounded(args);
  }
  return undefined;
}

function boundFix(found: Unbounded): Fix | undefined {
  if (found.bounded === undefined) {
    return undefined;
  }
  return safeFix(`Limit the jobs to the CPUs the build may use: ${found.bounded}`, replace(found.word.range, found.bounded));
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-006',
    name: 'bounded-build-parallelism',
    category: 'caching',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'safe',
    // `make`/`gmake`/`cmake`, `ninja` or `xargs`.
    interests: { keywords: ['make', 'ninja', 'xargs'] },
  },
  docs,
  check(context) {
    for (const { script } of allScripts(context.recipe)) {
      for (const command of script.commands) {
        const found = unboundedOf(command);
        if (!found) {
          continue;
        }
        const fix = boundFix(found);
        context.report({
          range: found.word.range,
          message:
            `${found.what}: on a shared login or build node that exhausts memory and CPUs for everyone (compilers need 1–2 GB per job) and the build dies with "Killed" or "cannot allocate memory". ` +
            'Give a number: `-j"$(nproc)"` or `-j"${BUILD_JOBS}"` with `ARG BUILD_JOBS=8`.',
          fixes: fix ? [fix] : undefined,
        });
      }
    }
  },
});

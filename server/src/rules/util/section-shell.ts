// How Apptainer and SingularityCE run a build section (internal/pkg/build/util.go:getSectionScriptArgs):
// `/bin/sh -ex <script>` by default; with `%post -c WORDS` it is `/bin/sh -ex -c "WORDS <script>"`.
// The header words are split at whitespace (Go's strings.Fields, no quote handling) after cutting
// at the first `#`, so quotes reach /bin/sh, and `-e` only covers the one command that starts WORDS.
import type { Section, ShellCommand, ShellScript, Word } from '../../recipe/model';

/** What the quick fixes and `hpclint convert` write to run a section with bash and keep fail-fast. */
export const BASH_WITH_ERREXIT = '/bin/bash -e';

/** Sections whose header arguments go through getSectionScriptArgs (`%appinstall` runs inside `%post`). */
export const SCRIPT_ARG_SECTIONS = new Set(['post', 'setup', 'pre']);

export interface ShellWords {
  /** The `-c` word. */
  flag: Word;
  /** The words after `-c`, up to a `#` (Apptainer drops the rest). */
  words: Word[];
}

/** `%post -c /bin/bash -e # note` → `-c` and [`/bin/bash`, `-e`]. */
export function sectionShellWords(section: Section): ShellWords | undefined {
  const upToComment: Word[] = [];
  for (const arg of section.args) {
    const hash = arg.text.indexOf('#');
    if (hash === 0) {
      break;
    }
    upToComment.push(arg);
    if (hash > 0) {
      break;
    }
  }
  const index = upToComment.findIndex((arg) => arg.text === '-c');
  if (index < 0) {
    return undefined;
  }
  return { flag: upToComment[index], words: upToComment.slice(index + 1) };
}

/** Shells whose `-e` / `-o errexit` means "stop at the first failing command". */
const POSIX_SHELL = /(^|\/)(ba|da|z|k|mk|a|yash|posh)?sh$/;

/** The shell program named by the `-c` words (`/usr/bin/env bash` → `bash`; `/bin/busybox sh` → `sh`), or undefined. */
export function shellProgram(words: readonly string[]): string | undefined {
  let rest = words;
  if (rest.length > 0 && /(^|\/)env$/.test(rest[0])) {
    rest = rest.slice(1).filter((word) => !word.startsWith('-'));
  }
  if (rest.length > 0 && /(^|\/)busybox$/.test(rest[0])) {
    rest = rest.slice(1);
  }
  const program = rest[0]?.split('/').pop();
  return program !== undefined && POSIX_SHELL.test(program) ? program : undefined;
}

/** True if shell options (`-e`, `-ex`, `-eo pipefail`, `-o errexit`) turn errexit on. */
export function optionsSetErrexit(words: readonly string[]): boolean {
  let on = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if ((word === '-o' || word === '+o') && words[i + 1] === 'errexit') {
      on = word === '-o';
      i++;
    } else if (/^-[a-zA-Z]+$/.test(word) && word.includes('e')) {
      on = true;
    } else if (/^\+[a-zA-Z]+$/.test(word) && word.includes('e')) {
      on = false;
    }
  }
  return on;
}

/** A quoted `-c` word with a space inside (`-c "/bin/bash -e"`): /bin/sh then looks for a program named `/bin/bash -e`. */
export function quotedShellCommand(words: readonly Word[]): boolean {
  const joined = words.map((word) => word.text).join(' ');
  return /"[^"]*\s[^"]*"|'[^']*\s[^']*'/.test(joined);
}

/** The first top-level `set -e` / `set -o errexit` / `set -euo pipefail` of a script: failures after it stop the script. */
export function errexitCommand(script: ShellScript): ShellCommand | undefined {
  return script.commands.find((command) => command.depth === 0 && command.name === 'set' && optionsSetErrexit(command.words.slice(1).map((word) => word.value)));
}

/** The `-c` words as Apptainer passes them (quote characters included), e.g. `/bin/bash`. */
export function shellText(words: readonly Word[]): string {
  return words.map((word) => word.text).join(' ');
}

// ShellCheck codes as hpclint findings: `shellcheck/SC<NNNN>` in category `shell`, ShellCheck's level mapped
// to hpclint's severity, and the defaults that keep recipe scripts quiet where ShellCheck's advice does not fit.
import type { Severity, SeveritySetting } from '../engine/rule';
import type { Interpreter } from './dialect';
import type { ShellCheckLevel } from './runner';

export const SHELLCHECK_PREFIX = 'shellcheck/';
export const SHELL_CATEGORY = 'shell';

const LEVEL_SEVERITY: Record<ShellCheckLevel, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'hint' };

/** `shellcheck/SC2086`. */
export function shellcheckCode(code: number): string {
  return `${SHELLCHECK_PREFIX}SC${code}`;
}

/** True for `shellcheck/SC2086` and `SC2086` (any case): keys settings and pragmas may use. */
export function isShellCheckKey(key: string): boolean {
  return /^(shellcheck\/)?sc\d{4}$/i.test(key.trim());
}

/** ShellCheck's wiki page for a code. */
export function shellcheckWikiUrl(code: string | number): string {
  const number = typeof code === 'number' ? code : /(\d{4})$/.exec(code)?.[1];
  return `https://www.shellcheck.net/wiki/SC${number}`;
}

export interface CodePolicy {
  /** Default setting instead of ShellCheck's level. */
  setting: SeveritySetting;
  /** Why (shown in docs/shellcheck.md). */
  reason: string;
}

/**
 * Codes whose default differs from ShellCheck's level. The first three are the codes hadolint always
 * excludes; the others were judged on the corpus (`npm run corpus:report`). docs/hadolint.md lists them.
 */
export const CODE_POLICIES: Readonly<Record<number, CodePolicy>> = {
  1090: { setting: 'off', reason: 'hadolint excludes it: `source` of a file that only exists in the image cannot be followed from the recipe.' },
  1091: { setting: 'off', reason: 'hadolint excludes it: `source` of a file that only exists in the image cannot be followed from the recipe.' },
  2187: { setting: 'off', reason: 'hadolint excludes it: ash scripts are checked as sh.' },
  2046: { setting: 'info', reason: 'Recipes split command output on purpose (`make -j$(nproc)`, `apt-get install $(cat packages)`); almost never a bug there.' },
  2155: { setting: 'info', reason: '`export X=$(cmd)` hides a failing `cmd`; worth knowing, rarely what breaks a build.' },
  2027: { setting: 'info', reason: '`"a"$v"b"` leaves `$v` unquoted: harmless for the version numbers and paths recipes splice in.' },
  2140: { setting: 'info', reason: 'Nested quotes in `bash -c "…"` and `echo "…"` lines: a real mistake only now and then (a `sed` pattern, a config line).' },
  2145: { setting: 'info', reason: '`"text $@"`: breaks an `exec` (one argument instead of several) but is harmless in `echo`, the common case.' },
  1083: { setting: 'info', reason: 'Mostly `find … -exec cp \\{} …`, which is fine; real typos such as `${X}}` also show up here.' },
  2115: { setting: 'info', reason: '`rm -rf $DIR/…` with variables the recipe itself sets: defensive advice.' },
  2038: { setting: 'info', reason: '`find | xargs` over file names the recipe controls: defensive advice.' },
  2294: { setting: 'info', reason: '`eval "$@"` in runscripts is deliberate.' },
  1010: { setting: 'info', reason: '`echo done` and similar: `done`/`fi` as plain arguments are fine.' },
  2043: { setting: 'info', reason: '`for x in one-item; do` is how templated recipes keep a list open for more entries.' },
  2045: { setting: 'info', reason: '`for d in $(ls -d pattern*)` over directories the recipe just created: fragile in general, fine there.' },
  2283: { setting: 'info', reason: 'Misfires on `chmod =2775 dir`, which is valid.' },
  2238: { setting: 'info', reason: 'Fires on files that happen to share a command name (`> test`).' },
  2226: { setting: 'info', reason: '`ln -s /opt/tool/bin/tool` (link into the current directory) is valid.' },
  2010: { setting: 'info', reason: '`ls | grep` over directories the recipe controls: style advice.' },
  2166: { setting: 'info', reason: '`[ a -a b ]` works in every shell recipes use; style advice.' },
  2068: { setting: 'warning', reason: '`$@` unquoted breaks arguments with spaces; the run does not fail otherwise (ShellCheck: error).' },
  2164: {
    setting: 'info',
    reason:
      'A failing `cd` already stops `%post` (`/bin/sh -e`) and `&&` chains; in scripts without `-e` the missing `-e` is the problem (reported once, not at every `cd`).',
  },
};

/** Where a script runs, as far as the defaults care. */
export type ScriptRole = 'build' | 'host' | 'runtime' | 'environment';

/** Codes about features some `/bin/sh` implementations lack: SC3xxx ("In POSIX sh, … is undefined") and `. file args`. */
export function isDialectCode(code: number): boolean {
  return (code >= 3000 && code < 4000) || code === 2240;
}

/** hpclint's default for a ShellCheck finding: the code's policy, else ShellCheck's level mapped. */
export function defaultSeverity(code: number, level: ShellCheckLevel, interpreter: Interpreter, role: ScriptRole): SeveritySetting {
  const policy = CODE_POLICIES[code];
  if (policy) {
    return policy.setting;
  }
  const severity = LEVEL_SEVERITY[level];
  const serious = severity === 'error' || severity === 'warning';
  if (serious && isDialectCode(code) && (interpreter.unknownSh || interpreter.busybox)) {
    // A failure only where /bin/sh lacks the feature, and the base image does not say which shell that is.
    return 'info';
  }
  if (serious && code === 2034 && role === 'environment') {
    // Apptainer evaluates %environment itself: whether a plain assignment reaches the program is its business.
    return 'info';
  }
  return severity;
}

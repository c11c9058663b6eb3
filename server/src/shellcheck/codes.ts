// ShellCheck codes as hpclint findings: `shellcheck/SC<NNNN>` in category `shell`, ShellCheck's level mapped
// to hpclint's severity, and the defaults that keep recipe scripts quiet where ShellCheck's advice does not fit.
import type { Severity, SeveritySetting } from '../engine/rule';
import type { Interpreter } from './dialect';
import type { ShellCheckLevel } from './runner';

export const SHELLCHECK_PREFIX = 'shellcheck/';
export const SHELL_CATEGORY = 'shell';

/**
 * ShellCheck's level → hpclint's severity under the severity policy. ShellCheck cannot know whether a build or run
 * fails (a `[[` under dash takes the else branch, `echo -e` prints `-e`), so its errors are warnings; its info level
 * is quoting and robustness advice about values the recipe itself controls, which is hygiene (hint).
 */
export const LEVEL_SEVERITY: Record<ShellCheckLevel, Severity> = { error: 'warning', warning: 'warning', info: 'hint', style: 'hint' };

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
  2046: { setting: 'hint', reason: 'Recipes split command output on purpose (`make -j$(nproc)`, `apt-get install $(cat packages)`); almost never a bug there.' },
  2155: { setting: 'info', reason: '`export X=$(cmd)` hides a failing `cmd`; worth knowing, rarely what breaks a build.' },
  2027: { setting: 'hint', reason: '`"a"$v"b"` leaves `$v` unquoted: harmless for the version numbers and paths recipes splice in.' },
  2140: { setting: 'info', reason: 'Nested quotes in `bash -c "…"` and `echo "…"` lines: a real mistake only now and then (a `sed` pattern, a config line).' },
  2145: { setting: 'info', reason: '`"text $@"`: breaks an `exec` (one argument instead of several) but is harmless in `echo`, the common case.' },
  1083: { setting: 'info', reason: 'Mostly `find … -exec cp \\{} …`, which is fine; real typos such as `${X}}` also show up here.' },
  2115: { setting: 'info', reason: '`rm -rf $DIR/…` with variables the recipe itself sets: defensive advice.' },
  2038: { setting: 'info', reason: '`find | xargs` over file names the recipe controls: defensive advice.' },
  2294: { setting: 'hint', reason: '`eval "$@"` in runscripts is deliberate.' },
  1010: { setting: 'hint', reason: '`echo done` and similar: `done`/`fi` as plain arguments are fine.' },
  2043: { setting: 'hint', reason: '`for x in one-item; do` is how templated recipes keep a list open for more entries.' },
  2045: { setting: 'hint', reason: '`for d in $(ls -d pattern*)` over directories the recipe just created: fragile in general, fine there.' },
  2283: { setting: 'hint', reason: 'Misfires on `chmod =2775 dir`, which is valid.' },
  2238: { setting: 'hint', reason: 'Fires on files that happen to share a command name (`> test`).' },
  2226: { setting: 'hint', reason: '`ln -s /opt/tool/bin/tool` (link into the current directory) is valid.' },
  2010: { setting: 'hint', reason: '`ls | grep` over directories the recipe controls: style advice.' },
  2166: { setting: 'hint', reason: '`[ a -a b ]` works in every shell recipes use; style advice.' },
  2068: { setting: 'warning', reason: '`$@` unquoted breaks arguments with spaces; the run does not fail otherwise (ShellCheck: error).' },
  2034: {
    setting: 'info',
    reason:
      'An unused variable rarely breaks a build: most are leftovers (`NPROCS=…`); the ones that matter are assignments meant for a child process but not exported (`CC=mpicc && ./configure`), which this finding points at.',
  },
  2154: {
    setting: 'info',
    reason: 'Recipe scripts read variables the script cannot see being set: the base image\'s ENV, the host, `%environment` or a sourced file.',
  },
  2090: { setting: 'info', reason: 'Each use of a variable whose assignment SC2089 already reports (one root cause): `echo $OPTS` is harmless.' },
  2316: { setting: 'info', reason: '`export export X=1` still exports `X` (and a variable named `export`): harmless.' },
  3036: { setting: 'info', reason: '`echo -e` under dash prints `-e` with the text: cosmetic output, never a failing build.' },
  2156: { setting: 'info', reason: '`find -exec sh -c "… {} …"` over file names the recipe controls: defensive advice.' },
  2174: { setting: 'info', reason: '`mkdir -m 0700 -p /run/user/1000`: the mode on the deepest directory only is usually what is meant.' },
  2216: { setting: 'info', reason: '`yes | cp -rf …`: a leftover pipe, harmless.' },
  1072: { setting: 'hint', reason: 'ShellCheck adds it next to the parse error it explains (SC1020, SC1039, SC1046 …): one finding per root cause.' },
  1073: { setting: 'hint', reason: 'ShellCheck adds it next to the parse error it explains (SC1020, SC1039, SC1046 …): one finding per root cause.' },
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
export function defaultSeverity(code: number, level: ShellCheckLevel, interpreter: Interpreter): SeveritySetting {
  const policy = CODE_POLICIES[code];
  if (policy) {
    return policy.setting;
  }
  const severity = LEVEL_SEVERITY[level];
  if (severity === 'warning' && isDialectCode(code) && (interpreter.unknownSh || interpreter.busybox)) {
    // A failure only where /bin/sh lacks the feature, and the base image does not say which shell that is.
    return 'info';
  }
  return severity;
}

// HPC-USE-001: runscripts that drop the arguments of `apptainer run`; shell-form ENTRYPOINT.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { fixOf, insert, unsafeFix } from '../../engine/fixBuilder';
import type { EntrypointStep, Recipe, ShellCommand } from '../../recipe/model';
import { commandText, deadCode, entryCommands, entryLabel, entrySteps, type DeadCode } from '../util/entry';
import docs from './forward-runscript-args.md';

/** `$@`, `"$@"`, `${@}`, `$*`, `${*}` — any use of the positional arguments as a whole. */
const ALL_ARGS = /\$(\{[@*]\}|[@*])/;
/** Positional parameters one by one (`$1`, `${2}`) or their count: the script reads its arguments. */
const SOME_ARGS = /\$(\{?\d\}?|#)/;
/**
 * Commands that launch no application: help-text and housekeeping scripts (`%apprun clean`, `%apprun appinfo`) built only from these
 * have nothing to forward arguments to. `''` is a bare assignment or a compound keyword (`if`, `fi`).
 */
const NO_APPLICATION = new Set([
  '', 'echo', 'printf', 'cat', 'true', ':', 'tee', 'cd', 'pwd', 'export', 'test', '[', 'rm', 'mkdir', 'ls', 'date', 'hostname', 'head', 'tail',
  'less', 'more', 'grep', 'env', 'printenv', 'uname', 'lscpu', 'nproc', 'free', 'df', 'du', 'which', 'ldd', 'id', 'whoami', 'sleep', 'cp', 'mv', 'ln',
  'chmod', 'touch', 'set', 'source', '.', 'module', 'ulimit', 'umask', 'unset', 'exit',
]);
const COMPOUND = /(^|[\s;&|(])(if|then|elif|else|fi|for|while|until|do|done|case|esac|function|select)(?=$|[\s;&|)])|[{}()]/m;
/** Shell builtins or commands where `exec … "$@"` makes no sense. */
const NO_EXEC = new Set(['cd', 'export', 'source', '.', 'set', 'unset', 'exit', 'return', 'shift', 'trap', 'wait', 'eval', 'echo', 'printf', 'cat', 'true', ':', 'read', 'test', '[', 'ulimit', 'umask', 'alias', 'local']);

export default defineRule({
  meta: {
    code: 'HPC-USE-001',
    name: 'forward-runscript-args',
    category: 'usability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    interests: { steps: ['entrypoint'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const silentApps: EntrypointStep[] = [];
    for (const { step } of entrySteps(recipe)) {
      if (step.form === 'shell' && step.keyword.toUpperCase() === 'ENTRYPOINT') {
        context.report({
          range: step.script.range,
          severity: 'warning',
          message: 'Shell-form `ENTRYPOINT` runs under `/bin/sh -c`: arguments from `docker run`/`apptainer run` and `CMD` are dropped; use the JSON form `ENTRYPOINT ["cmd", "arg"]`.',
          howToFix:
            'Write it in JSON (exec) form, `ENTRYPOINT ["app", "arg"]`, with default arguments in `CMD`; when it needs a shell, end the shell command with `exec app "$@"`: `ENTRYPOINT ["/bin/sh", "-c", "setup && exec app \\"$@\\"", "app"]`.',
        });
        continue;
      }
      if (step.form !== 'script' || !/^%(runscript|startscript|apprun)$/i.test(step.keyword)) {
        continue;
      }
      const unreachable = deadCode(recipe, step.script);
      if (unreachable) {
        reportDeadCode(context, step, unreachable);
      }
      const commands = entryCommands(recipe, step);
      if (!dropsArguments(recipe, step, commands)) {
        continue;
      }
      if (/^%apprun$/i.test(step.keyword)) {
        silentApps.push(step);
        continue;
      }
      const fix = execFix(recipe, step, commands[commands.length - 1]);
      context.report({
        range: step.keywordRange,
        severity: 'info',
        message: `${entryLabel(step)} does not forward its arguments (\`"$@"\`): \`${runLine(step)} ARGS\` silently ignores ARGS. If the application takes input or options, end the script with \`exec app "$@"\`.`,
        fixes: fix ? [fix] : undefined,
      });
    }
    if (silentApps.length > 0) {
      // One finding for all apps: recipes with many small utility apps get one note, not one per app.
      const [first, ...others] = silentApps;
      const fixes = silentApps.flatMap((step) => execFix(recipe, step, entryCommands(recipe, step).slice(-1)[0]) ?? []);
      const fix: Fix | undefined =
        fixes.length <= 1 ? fixes[0] : fixOf('Run the last command of each app with `exec … "$@"`', 'unsafe', fixes.flatMap((f) => f.edits));
      const more = others.length > 0 ? ` (nor do ${others.map((step) => `\`${step.app}\``).join(', ')})` : '';
      context.report({
        range: first.keywordRange,
        severity: 'info',
        message: `${entryLabel(first)} does not forward its arguments (\`"$@"\`)${more}: \`${runLine(first)} ARGS\` silently ignores ARGS. If an app takes input or options, end it with \`exec app "$@"\`.`,
        fixes: fix ? [fix] : undefined,
      });
    }
  },
});

/** The script runs an application but neither forwards its arguments nor `exec`s it. */
function dropsArguments(recipe: Recipe, step: EntrypointStep, commands: readonly ShellCommand[]): boolean {
  if (commands.length === 0 || ALL_ARGS.test(step.script.text) || SOME_ARGS.test(step.script.text)) {
    return false;
  }
  if (commands.some((command) => command.words[0]?.value === 'exec')) {
    return false;
  }
  const applications = commands.filter((command) => !NO_APPLICATION.has(command.name));
  const last = applications[applications.length - 1];
  if (!last) {
    return false;
  }
  // A pipeline (`fortune | cowsay`) cannot be exec'ed as one program; an interactive shell takes no arguments to forward.
  return !(last.pipesToNext || last.separatorBefore === '|' || isInteractiveShell(recipe, last));
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'tcsh', 'csh', 'fish']);

/** `bash`, `/bin/bash -i`, `bash --login`: a shell with no script to run. */
function isInteractiveShell(recipe: Recipe, command: ShellCommand): boolean {
  if (!SHELLS.has(command.name)) {
    return false;
  }
  const args = command.words.slice(1).map((word) => word.value);
  return args.every((arg) => arg.startsWith('-') && arg !== '-c') || commandText(recipe, command).includes('<<');
}

function reportDeadCode(context: RuleContext, step: EntrypointStep, unreachable: DeadCode): void {
  const { end, dead } = unreachable;
  const first = dead[0].range.start.line + 1;
  const last = dead[dead.length - 1].range.end.line + 1;
  const lines = first === last ? `line ${first} never runs` : `lines ${first}–${last} never run`;
  const verb = end.words[0].value === 'exec' ? `\`exec ${end.words[1].value}\` replaces the shell` : '`exit` ends the script';
  context.report({
    range: { start: dead[0].range.start, end: dead[dead.length - 1].range.end },
    severity: 'warning',
    message: `Unreachable code in ${entryLabel(step)}: ${verb} on line ${end.range.start.line + 1}, so ${lines}. Move these commands before it, or delete them.`,
    howToFix: `Decide what ${entryLabel(step)} should run: move the commands after line ${end.range.start.line + 1} before it (build steps such as \`git clone\` and \`make\` belong in %post or %appinstall), or delete them; an \`exec\` is the last command that runs.`,
  });
}

function runLine(step: EntrypointStep): string {
  if (/^%startscript$/i.test(step.keyword)) {
    return 'apptainer instance start image.sif NAME';
  }
  return step.app ? `apptainer run --app ${step.app} image.sif` : 'apptainer run image.sif';
}

function execFix(recipe: Recipe, step: EntrypointStep, last: ShellCommand): Fix | undefined {
  if (last.depth !== 0 || last.pipesToNext || last.separatorBefore === '|' || last.separatorBefore === '&' || last.assignments.length > 0) {
    return undefined;
  }
  if (last.separatorBefore !== undefined && last.separatorBefore !== 'newline' && last.separatorBefore !== ';') {
    return undefined; // `a && b`: exec b would change what runs when a fails
  }
  if (COMPOUND.test(step.script.text) || NO_EXEC.has(last.name) || last.words.length === 0) {
    return undefined;
  }
  const text = commandText(recipe, last);
  const lastWord = last.words[last.words.length - 1];
  // Redirections or trailing `&` after the last word: not a plain simple command.
  if (/[<>&|]/.test(text.replace(/"[^"]*"|'[^']*'/g, '')) || !text.trimEnd().endsWith(lastWord.text)) {
    return undefined;
  }
  return unsafeFix('Run the last command with `exec … "$@"`', insert(last.words[0].range.start, 'exec '), insert(lastWord.range.end, ' "$@"'));
}

// HPC-DEF-009: `%post` runs with /bin/sh: a shebang is ignored, bash-isms fail on Debian/Ubuntu (dash).
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import type { Range, Recipe, RunStep, Section, ShellCommand, Stage, Word } from '../../recipe/model';
import { isSplitShellCCall } from '../../recipe/shell';
import { effectiveName } from '../util/commands';
import { BASH_WITH_ERREXIT, optionsSetErrexit } from '../util/section-shell';
import { lineIndexOf, offsetOf } from '../util/source';
import docs from './post-shell-interpreter.md';

/** `#!/bin/bash`, `#!/usr/bin/env bash`, `#!/bin/bash -l` → `/bin/bash` and its options; other interpreters → undefined. */
function bashFromShebang(line: string): { shell: string; options: string[] } | undefined {
  const words = line.trim().slice(2).trim().split(/\s+/);
  const [program, ...rest] = words;
  if (program === undefined) {
    return undefined;
  }
  if (/(^|\/)bash$/.test(program) && rest.every((word) => /^[-+][a-zA-Z]+$/.test(word))) {
    return { shell: program, options: rest };
  }
  if (/(^|\/)env$/.test(program) && rest.length === 1 && rest[0] === 'bash') {
    return { shell: '/bin/bash', options: [] };
  }
  return undefined;
}

/** Interpreters of other languages: a script for them fails under /bin/sh. */
const OTHER_LANGUAGE = /(^|\/)(python[\d.]*|perl[\d.]*|ruby[\d.]*|Rscript|R|node|lua[\d.]*|julia|tclsh[\d.]*|php[\d.]*)$/;

/** The interpreter a `#!` line names (`#!/usr/bin/env python3` → `python3`). */
function interpreterOf(shebang: string): string {
  const words = shebang.slice(2).trim().split(/\s+/);
  return (/(^|\/)env$/.test(words[0] ?? '') ? words.find((word, i) => i > 0 && !word.startsWith('-')) : words[0]) ?? '';
}

/** Shebangs naming the default shell change nothing. */
function isPlainSh(line: string): boolean {
  return /^#!\s*(\/usr)?\/bin\/sh(\s+-\w+)?\s*$/.test(line.trim()) || /^#!\s*\/usr\/bin\/env\s+sh\s*$/.test(line.trim());
}

/** Vendor tags naming a Debian/Ubuntu base: `12.4.1-devel-ubuntu22.04`, `3.12-bookworm`. */
const DEBIAN_TAG = /(^|[-_.])(ubuntu|debian)|(^|[-_.])(xenial|bionic|focal|jammy|noble|stretch|buster|bullseye|bookworm|trixie)($|[-_.])/;

/** Debian or Ubuntu base, where /bin/sh is dash. */
function isDebianFamily(stage: Stage): boolean {
  if (stage.base.agent === 'debootstrap') {
    return true;
  }
  const image = stage.base.image;
  if (!image) {
    return false;
  }
  const name = image.repository.split('/').pop() ?? '';
  return name === 'ubuntu' || name === 'debian' || DEBIAN_TAG.test(image.tag ?? '');
}

interface Bashism {
  command: ShellCommand;
  what: string;
}

/** Programs that run bash-isms fine when they read a heredoc or a `-c` string. */
const BASH_LIKE = /(^|\/)(bash|zsh|ksh|mksh)$/;

function before(a: Range['start'], b: Range['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Heredoc bodies read by bash (`bash <<EOF`, `/bin/bash -s <<'EOF'`): their commands run under bash, not /bin/sh. */
function bashHeredocs(step: RunStep): Range[] {
  const ranges: Range[] = [];
  const commands = step.script.commands;
  // Commands before `end` start before the heredoc; with heredocs in order, `end` only moves on.
  let end = 0;
  let previous: Range['start'] | undefined;
  for (const heredoc of step.script.heredocs) {
    if (previous !== undefined && before(heredoc.range.start, previous)) {
      end = 0;
    }
    previous = heredoc.range.start;
    while (end < commands.length && before(commands[end].range.start, heredoc.range.start)) {
      end++;
    }
    // The reader: the last of those on an earlier line that is not inside a bash heredoc found so far.
    let reader: ShellCommand | undefined;
    for (let i = end - 1; i >= 0 && reader === undefined; i--) {
      const command = commands[i];
      if (command.range.start.line < heredoc.range.start.line && !ranges.some((range) => inside(command.range, range))) {
        reader = command;
      }
    }
    const program = reader ? effectiveName(reader) : '';
    if (BASH_LIKE.test(program)) {
      ranges.push(heredoc.range);
    }
  }
  // `bash -c '…'`: the model lists the string's commands after the call, and bash runs them.
  for (const command of step.script.commands) {
    if (isSplitShellCCall(command) && BASH_LIKE.test(effectiveName(command))) {
      ranges.push(command.range);
    }
  }
  return ranges;
}

function inside(range: Range, outer: Range): boolean {
  return !before(range.start, outer.start) && !before(outer.end, range.end);
}

/** Commands that dash cannot run (not counting those in heredocs read by bash). */
function bashisms(recipe: Recipe, step: RunStep): Bashism[] {
  const found: Bashism[] = [];
  const bashBodies = bashHeredocs(step);
  for (const command of step.script.commands) {
    const what = bashismOf(recipe, command);
    if (what !== undefined && !bashBodies.some((range) => inside(command.range, range))) {
      found.push({ command, what });
    }
  }
  return found;
}

/** What in `command` dash cannot run, if anything. */
function bashismOf(recipe: Recipe, command: ShellCommand): string | undefined {
  const first = command.words[0]?.value;
  if (first === '[[') {
    return '`[[ … ]]` tests';
  }
  if (first === 'source') {
    return '`source` (dash only has `.`)';
  }
  if (first === 'set' && command.words.some((word) => word.value === 'pipefail')) {
    return '`set -o pipefail` (not in older dash)';
  }
  if (first === 'declare' || first === 'typeset' || first === 'shopt' || first === 'function') {
    return `\`${first}\``;
  }
  if (command.assignments.some((word) => word.value.endsWith('=') && recipe.text[offsetOf(recipe, word.range.end)] === '(')) {
    return 'array assignments';
  }
  if (command.words.some(isHereStringOperator)) {
    return '`<<<` here-strings';
  }
  return undefined;
}

function firstContentLine(recipe: Recipe, section: Section): { text: string; start: number; end: number } | undefined {
  const index = lineIndexOf(recipe);
  for (let line = section.bodyRange.start.line; line <= section.bodyRange.end.line && line < index.lineCount; line++) {
    const text = index.lineText(line);
    if (text.trim().length > 0) {
      const start = index.lineStart(line) + (text.length - text.trimStart().length);
      return { text: text.trim(), start, end: index.lineStart(line) + text.trimEnd().length };
    }
  }
  return undefined;
}

/** Adds `-c /bin/bash -e` (plus the `#!` line's options): bash instead of /bin/sh, and still stop at the first failing command. */
function addShellFix(section: Section, options: readonly string[] = []): Fix {
  const end = section.args.length > 0 ? section.args[section.args.length - 1].range.end : section.header.range.end;
  const shell = optionsSetErrexit(options) ? ['/bin/bash', ...options].join(' ') : [BASH_WITH_ERREXIT, ...options].join(' ');
  return safeFix(`Run \`${section.header.text}\` with \`-c ${shell}\``, insert(end, ` -c ${shell}`));
}

function isHereStringOperator(word: Word): boolean {
  return word.text === '<<<';
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-009',
    name: 'post-shell-interpreter',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const debian = isDebianFamily(stage);
      const runsByLine = new Map<number, RunStep>();
      for (const step of stage.steps) {
        if (step.kind === 'run' && !runsByLine.has(step.range.start.line)) {
          runsByLine.set(step.range.start.line, step);
        }
      }
      for (const section of stage.sections) {
        const flag = section.args.find((arg) => arg.value === '-c');
        if (section.name === 'post') {
          if (!flag) {
            checkPost(context, recipe, section, debian, runsByLine.get(section.range.start.line));
          }
        } else if (flag && ['test', 'runscript', 'startscript'].includes(section.name)) {
          context.report({
            range: flag.range,
            severity: 'error',
            message:
              `Apptainer appends the words after \`${section.header.text}\` to its \`#!\` line (\`#!/bin/sh -c …\`), and Linux passes them to the shell as ` +
              'one option word: the shell stops with an "illegal option" error every time the script runs. Choose the interpreter with a `#!` line as the ' +
              'first line of the script instead.',
          });
        } else if (flag && section.name.startsWith('app')) {
          context.report({
            range: flag.range,
            severity: 'info',
            message:
              `Apptainer ignores \`-c\` on \`${section.header.text}\`: an app section keeps only the app name` +
              (section.name === 'appinstall' ? ', and its script is appended to `%post`, which runs it with `%post`\'s shell.' : '; start the script with a `#!` line instead.'),
          });
        }
      }
    }
  },
});

/** `step`: the section's `run` step (the first that starts on its header line). */
function checkPost(context: RuleContext, recipe: Recipe, section: Section, debian: boolean, step: RunStep | undefined): void {
  const first = firstContentLine(recipe, section);
  const shebang = first && first.text.startsWith('#!') && !isPlainSh(first.text) ? first.text : undefined;
  const bash = shebang ? bashFromShebang(shebang) : undefined;
  const found = step && debian ? bashisms(recipe, step) : [];
  if (found.length > 0) {
    const kinds = [...new Set(found.map((item) => item.what))];
    const ignored = shebang ? ` (its \`${shebang}\` line is ignored)` : '';
    context.report({
      range: found[0].command.range,
      message: `\`%post\` runs with /bin/sh${ignored}, which is dash on this Debian/Ubuntu base, but uses ${kinds.join(', ')}; add \`-c ${BASH_WITH_ERREXIT}\` to the section header.`,
      fixes: [addShellFix(section, bash?.options)],
    });
    return;
  }
  if (!shebang) {
    return;
  }
  if (bash || !OTHER_LANGUAGE.test(interpreterOf(shebang))) {
    context.report({
      range: section.header.range,
      severity: 'info',
      message: `Apptainer ignores the \`${shebang}\` line of this \`%post\` and runs it with /bin/sh; nothing in it needs bash here, but if it should run with bash write \`%post -c ${BASH_WITH_ERREXIT}\`.`,
      fixes: bash ? [addShellFix(section, bash.options)] : [],
    });
    return;
  }
  context.report({
    range: section.header.range,
    message: `Apptainer ignores the \`${shebang}\` line of this \`%post\` and runs the script with /bin/sh; write \`%post -c ${shebang.slice(2).trim()}\` to run it with that interpreter.`,
  });
}

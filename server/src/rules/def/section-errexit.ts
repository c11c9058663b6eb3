// HPC-DEF-013: `%post -c <shell>` (and `%test`) scripts that run without errexit.
import { defineRule, type Fix } from '../../engine/rule';
import { insert, insertLinesBefore, replace, safeFix, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, RunStep, Section, ShellCommand, Stage, TestStep } from '../../recipe/model';
import { optionsSetErrexit, quotedShellCommand, SCRIPT_ARG_SECTIONS, errexitCommand, sectionShellWords, shellProgram, shellText } from '../util/section-shell';
import { lineIndexOf } from '../util/source';
import docs from './section-errexit.md';

interface SectionSteps {
  run: Map<number, RunStep>;
  test: Map<number, TestStep>;
}

/** The first run and test step starting on each line of a stage (a section's step starts on its header line), found once per stage. */
function sectionSteps(stage: Stage): SectionSteps {
  const steps: SectionSteps = { run: new Map(), test: new Map() };
  for (const step of stage.steps) {
    if (step.kind === 'run' && !steps.run.has(step.range.start.line)) {
      steps.run.set(step.range.start.line, step);
    } else if (step.kind === 'test' && !steps.test.has(step.range.start.line)) {
      steps.test.set(step.range.start.line, step);
    }
  }
  return steps;
}


/** `set -e` as a new first line of the section body (after a `#!` line), indented like the body. */
function setErrexitFix(recipe: Recipe, section: Section, title: string): Fix | undefined {
  const index = lineIndexOf(recipe);
  for (let line = section.bodyRange.start.line; line <= section.bodyRange.end.line && line < index.lineCount; line++) {
    const text = index.lineText(line);
    if (text.trim().length === 0) {
      continue;
    }
    const indent = text.slice(0, text.length - text.trimStart().length);
    const target = text.trimStart().startsWith('#!') ? line + 1 : line;
    if (target >= index.lineCount) {
      return undefined;
    }
    return unsafeFix(title, insertLinesBefore(target, `${indent}set -e`));
  }
  return undefined;
}

const TEST_CONDITIONS = new Set(['[', '[[', 'test']);
/** Words that show the script manages its exit status itself. */
const CONTROL_FLOW = /(^|[\s;&|(])(if|case|while|until|exit|return|trap)(?=[\s;(]|$)/m;

const TRIVIAL = new Set(['', 'echo', 'printf', ':', 'true', 'export', 'set', 'cd', 'unset', 'sleep', 'readonly', 'umask', 'shopt', 'declare', 'typeset', 'local']);

/**
 * Top-level commands whose failure does not change the script's exit status: each one that ends an and-or list and is
 * followed by another command (before `guard`, the `set -e` from which failures stop the script). With `more`, further
 * script text runs after the last command (`%appinstall` scripts appended to `%post`).
 */
function lostFailures(commands: readonly ShellCommand[], guard: ShellCommand | undefined, more = false): ShellCommand[] {
  const top = commands.filter((command) => command.depth === 0);
  const cut = guard ? top.indexOf(guard) : top.length;
  const ends = top.slice(0, cut).filter((_command, i) => {
    const next = top[i + 1];
    return next === undefined || next.separatorBefore === 'newline' || next.separatorBefore === ';' || next.separatorBefore === '&';
  });
  const followed = guard || more ? ends : ends.slice(0, -1);
  return followed.filter((command) => !TEST_CONDITIONS.has(command.name) && !TRIVIAL.has(command.name));
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-013',
    name: 'section-errexit',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'both',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const appInstalls = stage.sections.some((section) => section.name === 'appinstall');
      const steps = sectionSteps(stage);
      for (const section of stage.sections) {
        if (SCRIPT_ARG_SECTIONS.has(section.name)) {
          const shell = sectionShellWords(section);
          if (!shell) {
            continue;
          }
          const name = section.header.text;
          if (shell.words.length === 0) {
            context.report({
              range: shell.flag.range,
              severity: 'error',
              message: `\`${name} -c\` names no shell: Apptainer stops with "bad ${section.name} section '-c' parameter: missing arguments".`,
            });
            continue;
          }
          const last = shell.words[shell.words.length - 1];
          const range = { start: shell.flag.range.start, end: last.range.end };
          if (quotedShellCommand(shell.words)) {
            const unquoted = shell.words.map((word) => word.text.replace(/["']/g, '')).join(' ');
            context.report({
              range,
              severity: 'error',
              message:
                `Apptainer does not remove the quotes of \`${name} -c ${shellText(shell.words)}\`: /bin/sh looks for a program named \`${unquoted}\` and ` +
                `the build fails with "not found". Write \`${name} -c ${unquoted}\`.`,
              fixes: [safeFix(`Write \`${name} -c ${unquoted}\``, replace({ start: shell.words[0].range.start, end: last.range.end }, unquoted))],
            });
            continue;
          }
          const values = shell.words.map((word) => word.value);
          const program = shellProgram(values);
          if (!program || optionsSetErrexit(values.slice(1))) {
            continue;
          }
          const step = steps.run.get(section.range.start.line);
          const guard = step ? errexitCommand(step.script) : undefined;
          const lost = step ? lostFailures(step.script.commands, guard, section.name === 'post' && appInstalls) : [];
          if (lost.length === 0) {
            continue;
          }
          const where = guard ? ` (\`set -e\` comes only after ${lost.length === 1 ? 'a command' : `${lost.length} commands`})` : '';
          const apps = section.name === 'post' && appInstalls ? ' (in the script or in the `%appinstall` scripts appended to it)' : '';
          context.report({
            range,
            message:
              `\`${name} -c ${shellText(shell.words)}\` runs the script without \`-e\`${where}: Apptainer gives \`-e\` only to the /bin/sh that starts ` +
              `${program}, so a failing command${apps} no longer stops the build and a broken image is produced. Write \`${name} -c ${shellText(shell.words)} -e\` ` +
              'or start the script with `set -e`.',
            fixes: [unsafeFix(`Add \`-e\` to \`${name} -c ${shellText(shell.words)}\``, insert(last.range.end, ' -e'))],
          });
        } else if (section.name === 'test' || section.name === 'apptest') {
          const step = steps.test.get(section.range.start.line);
          if (!step?.script || CONTROL_FLOW.test(step.script.text)) {
            continue;
          }
          const first = step.script.text.trimStart();
          const shebang = section.name === 'test' && first.startsWith('#!') ? first.slice(2).split('\n')[0].trim().split(/\s+/) : [];
          if (optionsSetErrexit(shebang.slice(1)) || errexitCommand(step.script)) {
            continue;
          }
          const ignored = lostFailures(step.script.commands, undefined);
          if (ignored.length === 0) {
            continue;
          }
          const fix = setErrexitFix(recipe, section, `Start \`${section.header.text}\` with \`set -e\``);
          context.report({
            range: ignored[0].range,
            severity: 'info',
            message:
              `\`${section.header.text}\` runs without \`-e\`: only its last command decides whether the test passes, so a failure of \`${ignored[0].name}\`` +
              `${ignored.length > 1 ? ` (and ${ignored.length - 1} more)` : ''} goes unnoticed. Start the script with \`set -e\` or chain the checks with \`&&\`.`,
            fixes: fix ? [fix] : [],
          });
        }
      }
    }
  },
});

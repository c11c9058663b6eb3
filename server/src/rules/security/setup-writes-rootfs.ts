// HPC-SEC-006: `%setup` (run on the build host) writing to host paths instead of the container root.
import { own } from '../../engine/own';
import { defineRule, type RuleContext } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import type { Range, Recipe, RunStep, ShellCommand, Word } from '../../recipe/model';
import { flagValue } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { baseName, lineIndexOf, offsetOf, rangeOf } from '../util/source';
import docs from './setup-writes-rootfs.md';

/** Host paths that are fine to write to from `%setup` (scratch space and device files). */
const HOST_SCRATCH = /^\/(tmp|var\/tmp|dev)(\/|$)/;
/** Options that take a separate value, per command (so the value is not mistaken for a path operand). */
const VALUE_OPTIONS: Record<string, string[]> = {
  mkdir: ['-m', '--mode'],
  cp: ['-S', '--suffix'],
  mv: ['-S', '--suffix'],
  install: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix'],
  ln: ['-S', '--suffix'],
  rsync: ['-e', '--rsh', '--exclude', '--include', '--chmod', '--filter', '-f'],
};
/** Commands whose every path operand is written (created, changed or removed). */
const ALL_OPERANDS = new Set(['touch', 'mkdir', 'rm', 'rmdir', 'tee', 'truncate']);
/** Commands whose first operand is not a path (mode / owner). */
const AFTER_FIRST = new Set(['chmod', 'chown', 'chgrp']);
/** Commands that write to their last operand (or to `-t DIR`). */
const TO_LAST = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);

export default defineRule({
  meta: {
    code: 'HPC-SEC-006',
    name: 'setup-writes-rootfs',
    category: 'security',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'unsafe',
    interests: { keywords: ['%setup'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const prefix = /\$\{?SINGULARITY_ROOTFS\b/.test(recipe.text) && !/\$\{?APPTAINER_ROOTFS\b/.test(recipe.text) ? '${SINGULARITY_ROOTFS}' : '${APPTAINER_ROOTFS}';
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'run' || step.keyword.toLowerCase() !== '%setup') {
          continue;
        }
        checkSetup(context, step, prefix);
      }
    }
  },
});

function checkSetup(context: RuleContext, step: RunStep, prefix: string): void {
  const { recipe } = context;
  for (const command of step.script.commands) {
    for (const target of writtenWords(command)) {
      reportPath(context, target.range.start, target.text, prefix, baseName(effectiveWords(command)[0]?.value ?? ''));
    }
    for (const redirect of redirectTargets(recipe, command)) {
      reportPath(context, redirect.start, redirect.text, prefix, 'redirection');
    }
  }
}

function reportPath(context: RuleContext, start: Range['start'], text: string, prefix: string, what: string): void {
  const { recipe } = context;
  const quote = /^["']/.test(text) ? 1 : 0;
  const path = text.slice(quote).replace(/["']$/, '');
  if (!path.startsWith('/') || HOST_SCRATCH.test(path)) {
    return;
  }
  const at = offsetOf(recipe, start) + quote;
  const fix = unsafeFix(`Prefix \`${path}\` with \`${prefix}\` (writes into the image instead of the host)`, insert(lineIndexOf(recipe).positionAt(at), prefix));
  context.report({
    range: rangeOf(recipe, at, at + path.length),
    message:
      what === 'redirection'
        ? `\`%setup\` runs on the build host: this redirection writes the host's \`${path}\`, not the image's. Write to \`${prefix}${path}\` or use \`%files\`/\`%post\`.`
        : `\`%setup\` runs on the build host: \`${what}\` changes the host's \`${path}\`, not the image's. Use \`${prefix}${path}\` or move the step to \`%files\`/\`%post\`.`,
    fixes: [fix],
  });
}

/** Words a command writes to (paths as written, possibly quoted). */
function writtenWords(command: ShellCommand): Word[] {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return [];
  }
  const name = baseName(words[0].value);
  if (name === 'wget') {
    return present(flagValue(command, '-O', '--output-document', '-P', '--directory-prefix'));
  }
  if (name === 'curl') {
    return present(flagValue(command, '-o', '--output'));
  }
  if (name === 'tar') {
    return present(flagValue(command, '-C', '--directory'));
  }
  if (name === 'unzip') {
    return present(flagValue(command, '-d'));
  }
  if (!ALL_OPERANDS.has(name) && !AFTER_FIRST.has(name) && !TO_LAST.has(name)) {
    return [];
  }
  const operands = operandsOf(words.slice(1), own(VALUE_OPTIONS, name) ?? []);
  if (ALL_OPERANDS.has(name)) {
    return operands;
  }
  if (AFTER_FIRST.has(name)) {
    return operands.slice(1);
  }
  const targetDirectory = flagValue(command, '-t', '--target-directory');
  if (targetDirectory) {
    return [targetDirectory];
  }
  return operands.length >= 2 ? [operands[operands.length - 1]] : [];
}

function operandsOf(args: readonly Word[], valueOptions: readonly string[]): Word[] {
  const operands: Word[] = [];
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const value = args[i].value;
    if (!optionsEnded && value === '--') {
      optionsEnded = true;
    } else if (!optionsEnded && value.startsWith('-') && value !== '-') {
      if (valueOptions.includes(value)) {
        i++;
      }
    } else {
      operands.push(args[i]);
    }
  }
  return operands;
}

function present(word: Word | undefined): Word[] {
  return word ? [word] : [];
}

const REDIRECT = /(^|[^<>&\d])\d?>>?\|?[ \t]*/g;
const TARGET = /^(?:"[^"]*"|'[^']*'|[^\s;&|()<>])+/;

/** Targets of `>`/`>>` output redirections in the command's source text (`>` inside quotes is ignored). */
function redirectTargets(recipe: Recipe, command: ShellCommand): { text: string; start: Range['start'] }[] {
  const start = offsetOf(recipe, command.range.start);
  const text = recipe.text.slice(start, offsetOf(recipe, command.range.end));
  const masked = text.replace(/"(?:\\.|[^"\\])*"|'[^']*'/g, (quoted) => '_'.repeat(quoted.length));
  const targets: { text: string; start: Range['start'] }[] = [];
  REDIRECT.lastIndex = 0;
  for (let match = REDIRECT.exec(masked); match; match = REDIRECT.exec(masked)) {
    const targetOffset = match.index + match[0].length;
    const target = TARGET.exec(text.slice(targetOffset))?.[0];
    if (target && !target.startsWith('&')) {
      targets.push({ text: target, start: rangeOf(recipe, start + targetOffset, start + targetOffset).start });
    }
  }
  return targets;
}

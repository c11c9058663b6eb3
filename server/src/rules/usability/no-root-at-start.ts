// HPC-USE-003: entrypoints and runscripts that need root or a writable image.
import { defineRule } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import { entryCommands, entryLabel, outputRedirectTargets } from '../util/entry';
import docs from './no-root-at-start.md';

const ACCOUNT_TOOLS = new Set(['useradd', 'adduser', 'usermod', 'groupadd', 'addgroup', 'groupmod', 'userdel', 'chpasswd']);
const PRIVILEGE_DROP = new Set(['gosu', 'su-exec', 'setpriv', 'chroot']);
/** Image directories that are read-only in a SIF and not bind-mounted by default. */
const IMAGE_PATH = /^\/(etc|opt|usr|var)(\/|$)/;
/** …except the ones Apptainer binds or that are scratch by convention. */
const WRITABLE_PATH = /^\/var\/tmp(\/|$)|^\/dev\//;
/** Commands whose non-option operands are all written. */
const WRITES_OPERANDS = new Set(['mkdir', 'touch', 'tee', 'rm', 'chmod']);
/** Commands that write their last operand. */
const WRITES_LAST = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);

interface Problem {
  range: Word['range'];
  what: string;
}

function imagePath(value: string): boolean {
  return IMAGE_PATH.test(value) && !WRITABLE_PATH.test(value);
}

function problemOf(command: ShellCommand, redirects: string[]): Problem | undefined {
  const words = effectiveWords(command);
  const name = baseName(words[0]?.value ?? '');
  const args = words.slice(1);
  const operands = args.filter((word) => !word.value.startsWith('-'));
  if (baseName(command.words[0]?.value ?? '') === 'sudo') {
    return { range: command.words[0].range, what: '`sudo` needs privileges a job does not have (no setuid inside the container)' };
  }
  if (name === 'chown' || name === 'chgrp') {
    return { range: command.range, what: `\`${name}\` needs root` };
  }
  if (ACCOUNT_TOOLS.has(name)) {
    return { range: command.range, what: `\`${name}\` edits /etc/passwd and needs root` };
  }
  if (PRIVILEGE_DROP.has(name)) {
    return { range: command.range, what: `\`${name}\` switches users, which only root can do` };
  }
  if (name === 'su') {
    return { range: command.range, what: '`su` switches users, which only root can do' };
  }
  if (name === 'service' && operands.length >= 2 && ['start', 'restart', 'reload'].includes(operands[1].value)) {
    return { range: command.range, what: `\`service ${operands[0].value} ${operands[1].value}\` needs root and an init system` };
  }
  if (/^\/etc\/(rc\.d\/)?init\.d\//.test(words[0]?.value ?? '') && ['start', 'restart'].includes(operands[0]?.value ?? '')) {
    return { range: command.range, what: `\`${words[0].value} ${operands[0].value}\` starts a system service, which needs root and an init system` };
  }
  const redirect = redirects.find(imagePath);
  if (redirect) {
    return { range: command.range, what: `writing to \`${redirect}\` needs a writable image` };
  }
  let written: Word | undefined;
  if (WRITES_OPERANDS.has(name)) {
    written = operands.find((word) => imagePath(word.value));
  } else if (WRITES_LAST.has(name) && operands.length >= 2) {
    const last = operands[operands.length - 1];
    written = imagePath(last.value) ? last : undefined;
  } else if (name === 'sed' && args.some((word) => /^-[a-zA-Z]*i/.test(word.value) || word.value.startsWith('--in-place'))) {
    written = operands.slice(1).find((word) => imagePath(word.value));
  }
  if (written && name === 'chmod') {
    return { range: command.range, what: `\`chmod ${written.value}\` changes a file of the read-only image` };
  }
  return written ? { range: written.range, what: `\`${name}\` writes to \`${written.value}\`, which needs a writable image` } : undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-USE-003',
    name: 'no-root-at-start',
    category: 'usability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  onStep: {
    kinds: ['entrypoint'],
    check(step, _stage, context) {
      const { recipe } = context;
      for (const command of entryCommands(recipe, step)) {
        const problem = problemOf(command, outputRedirectTargets(recipe, command));
        if (problem) {
          context.report({
            range: problem.range,
            message: `${problem.what} at container start (${entryLabel(step)}); Apptainer runs the image read-only as the calling user, so this fails on HPC systems — do it at build time or write to \`$TMPDIR\`/a bind path.`,
          });
        }
      }
    },
  },
});

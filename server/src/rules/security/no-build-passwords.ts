// HPC-SEC-009: account passwords set at build time (`chpasswd`, `passwd --stdin`, `echo … | passwd`, `useradd -p`).
import { defineRule } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { commandText } from '../util/entry';
import { withShellCScripts } from '../util/source';
import docs from './no-build-passwords.md';

const ACCOUNT_TOOLS = new Set(['useradd', 'adduser', 'usermod']);
/** `passwd` options that lock, unlock, delete or expire a password: no password is set. */
const PASSWD_STATE_OPTIONS = /^-(l|u|d|e|S|n|x|w|i|-lock|-unlock|-delete|-expire|-status)$/;
/** A locked or disabled password (`useradd -p '*'`, `usermod -p '!'`) sets no credential. */
const LOCKED = /^(\*|!+|!\*|x|)$/;
/** Input read from a BuildKit secret or a file kept out of the recipe. */
const SECRET_SOURCE = /\/run\/secrets\/|\$\(\s*cat\s+\/run\/secrets\//;

interface Finding {
  word: Word;
  how: string;
}

function passwordOption(words: readonly Word[]): Word | undefined {
  for (let i = 1; i < words.length; i++) {
    const value = words[i].value;
    if (value === '-p' || value === '--password') {
      return words[i + 1];
    }
    if (value.startsWith('--password=')) {
      return { ...words[i], value: value.slice('--password='.length) };
    }
  }
  return undefined;
}

function findingOf(recipe: Parameters<typeof commandText>[0], command: ShellCommand, previous: ShellCommand | undefined): Finding | undefined {
  const name = effectiveName(command);
  const words = effectiveWords(command);
  const fed = previous?.pipesToNext ? previous : undefined;
  const input = `${commandText(recipe, command)} ${fed ? commandText(recipe, fed) : ''}`;
  if (SECRET_SOURCE.test(input)) {
    return undefined;
  }
  if (name === 'chpasswd') {
    return { word: words[0], how: '`chpasswd` sets a password' };
  }
  if (name === 'passwd') {
    const args = words.slice(1);
    if (args.some((word) => PASSWD_STATE_OPTIONS.test(word.value))) {
      return undefined;
    }
    if (args.some((word) => word.value === '--stdin') || fed) {
      return { word: words[0], how: '`passwd` reads a password from the recipe' };
    }
    return undefined;
  }
  if (ACCOUNT_TOOLS.has(name)) {
    const password = passwordOption(words);
    if (password && !LOCKED.test(password.value)) {
      return { word: password, how: `\`${name} -p\` sets a password hash` };
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-SEC-009',
    name: 'no-build-passwords',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
        continue;
      }
      const commands = withShellCScripts(recipe, script.commands);
      for (let i = 0; i < commands.length; i++) {
        const found = findingOf(recipe, commands[i], commands[i - 1]);
        if (!found) {
          continue;
        }
        context.report({
          range: found.word.range,
          message:
            `${found.how} at build time: it (or its hash in /etc/shadow) ships in every copy of the image${recipe.format === 'apptainer' ? ', and the definition file Apptainer stores in the SIF shows it' : ''}, ` +
            'readable by anyone who can pull the image. Under Apptainer nobody logs in to the container; drop it or lock the account (`passwd -l`), and pass real secrets at run time.',
        });
      }
    }
  },
});

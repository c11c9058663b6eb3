// HPC-USE-007: software installed so that only root can read it (`umask 077`, `chmod -R 700`, `chmod -R go-rwx`).
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { withShellCScripts } from '../util/source';
import docs from './world-readable-install.md';

/** A umask that takes read access from "others": 0o004 set. */
const PRIVATE_UMASK = /^0*[0-7]?[0-7]?[4-7]$/;
/** Octal modes without read for others (`700`, `750`, `0600`), or symbolic modes that remove it (`go-rwx`, `o-r`). */
const PRIVATE_OCTAL = /^0*[0-7]?[0-7][0-7][0-3]$/;
const PRIVATE_SYMBOLIC = /^[ugoa]*o[ugoa]*-[rwxXst]*r/;
/** Where installed software lives (and everyone who runs the image must read it). */
const SOFTWARE_PATH = /^\/(opt|usr|app|apps|srv|software|sw|packages|code|src|workspace|home\/[^/]+\/(app|opt|software))(\/|$)/;
/** Paths that are meant to stay private: keys, secrets, credentials. */
const PRIVATE_PATH = /(\.ssh|secret|munge|private|\.key$|\.pem$|shadow|sudoers|credential|token)/i;

export default defineRule({
  meta: {
    code: 'HPC-USE-007',
    name: 'world-readable-install',
    category: 'usability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['umask', 'chmod'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const report = (word: Word, what: string): void => {
      context.report({
        range: word.range,
        message:
          `${what}: Apptainer runs the image as the invoking user, not root, so every user gets \`Permission denied\` on it on every node. ` +
          'Keep installed software readable (`chmod -R a+rX /opt/app`; umask 022).',
      });
    };
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
        continue;
      }
      for (const command of withShellCScripts(recipe, script.commands)) {
        const name = effectiveName(command);
        const words = effectiveWords(command);
        if (name === 'umask') {
          const mask = words.find((word, i) => i > 0 && !word.value.startsWith('-'));
          if (mask && PRIVATE_UMASK.test(mask.value)) {
            report(mask, `\`umask ${mask.value}\` makes every file this build step installs unreadable to anyone but root`);
          }
          continue;
        }
        if (name !== 'chmod') {
          continue;
        }
        const args = words.slice(1);
        const options = args.filter((word) => /^(-[RfvcH]+|--[a-z-]+(=.*)?)$/.test(word.value));
        const recursive = options.some((word) => word.value.includes('R') && !word.value.startsWith('--') || word.value === '--recursive');
        const operands = args.filter((word) => !options.includes(word));
        const mode = operands[0];
        if (!mode || !(PRIVATE_OCTAL.test(mode.value) || mode.value.split(',').some((part) => PRIVATE_SYMBOLIC.test(part)))) {
          continue;
        }
        const paths = operands.slice(1).filter((path) => SOFTWARE_PATH.test(path.value) && !PRIVATE_PATH.test(path.value));
        if (recursive && paths.length > 0) {
          report(mode, `\`chmod -R ${mode.value} ${paths[0].value}\` takes read access to installed software from everyone but its owner (root)`);
        }
      }
    }
  },
});

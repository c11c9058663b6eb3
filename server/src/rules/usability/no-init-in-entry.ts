// HPC-USE-005: init systems, service managers and init shims as the container entry.
import { defineRule } from '../../engine/rule';
import { effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import { entryCommands, entryLabel, entrySteps } from '../util/entry';
import docs from './no-init-in-entry.md';

const INIT = new Map<string, string>([
  ['init', 'an init system'],
  ['systemd', 'systemd'],
  ['systemctl', '`systemctl` (systemd)'],
  ['supervisord', 'supervisord as PID 1'],
  ['runsvdir', 'runit'],
  ['s6-svscan', 's6'],
  ['tini', 'the `tini` init shim'],
  ['dumb-init', 'the `dumb-init` init shim'],
]);

export default defineRule({
  meta: {
    code: 'HPC-USE-005',
    name: 'no-init-in-entry',
    category: 'usability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const { step } of entrySteps(recipe)) {
      for (const command of entryCommands(recipe, step)) {
        const words = effectiveWords(command);
        const name = baseName(words[0]?.value ?? '');
        const what = INIT.get(name);
        if (what) {
          context.report({
            range: words[0].range,
            message: `${entryLabel(step)} starts ${what}; Apptainer runs the application directly as the calling user without systemd or root, so this fails or is redundant on HPC systems — run the application itself.`,
          });
        }
      }
    }
  },
});

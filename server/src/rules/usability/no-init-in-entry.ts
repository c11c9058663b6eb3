// HPC-USE-005: init systems, service managers and init shims as the container entry.
import { defineRule } from '../../engine/rule';
import { effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import { entryCommands, entryLabel } from '../util/entry';
import docs from './no-init-in-entry.md';

/** What the entry starts, and whether it fails under Apptainer (it needs PID 1, root or systemd) or is only redundant. */
const INIT = new Map<string, { what: string; fails: boolean }>([
  ['init', { what: 'an init system', fails: true }],
  ['systemd', { what: 'systemd', fails: true }],
  ['systemctl', { what: '`systemctl` (systemd)', fails: true }],
  ['runsvdir', { what: 'runit', fails: true }],
  ['s6-svscan', { what: 's6', fails: true }],
  ['supervisord', { what: 'supervisord as PID 1', fails: false }],
  ['tini', { what: 'the `tini` init shim', fails: false }],
  ['dumb-init', { what: 'the `dumb-init` init shim', fails: false }],
]);

export default defineRule({
  meta: {
    code: 'HPC-USE-005',
    name: 'no-init-in-entry',
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
        const words = effectiveWords(command);
        const name = baseName(words[0]?.value ?? '');
        const init = INIT.get(name);
        if (init?.fails) {
          context.report({
            range: words[0].range,
            severity: 'warning',
            message: `${entryLabel(step)} starts ${init.what}; Apptainer runs the entry as the calling user, without root, systemd or PID 1, so it fails there — run the application itself.`,
          });
        } else if (init) {
          context.report({
            range: words[0].range,
            severity: 'info',
            message: `${entryLabel(step)} starts ${init.what}; Apptainer runs the application directly as the calling user (and has its own init for instances), so this is redundant on HPC systems — run the application itself.`,
          });
        }
      }
    },
  },
});

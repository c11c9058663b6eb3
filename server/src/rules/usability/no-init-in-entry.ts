// HPC-USE-005: init systems, service managers and init shims as the container entry.
import { defineRule } from '../../engine/rule';
import { effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import { entryCommands, entryLabel, entrySteps } from '../util/entry';

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
    docs: {
      summary: 'Entries that boot an init system or service manager (`/sbin/init`, systemd, `systemctl`, supervisord, tini) do not work as expected under HPC runtimes.',
      whatItDoes:
        'Reports `ENTRYPOINT`/`CMD`, `%runscript`, `%startscript` and `%apprun` commands that start `/sbin/init`, `systemd`, `systemctl`, `supervisord`, `runsvdir`, `s6-svscan`, ' +
        '`tini` or `dumb-init`.',
      whyHpc:
        'HPC container runtimes start the application directly as the calling user: there is no systemd, no cgroup delegation and no root, so `/sbin/init` or `systemctl start` ' +
        'fails ("System has not been booted with systemd"). Apptainer inserts its own small init for instances; `tini`/`dumb-init` in the entrypoint is redundant and can ' +
        'conflict with it unless run with `--no-init`. A supervisord that runs several daemons as PID 1 turns a batch job into a service the scheduler cannot see.',
      howToFix:
        'Make the entry run the one application the job needs (`exec app "$@"`). Start helper services from the job script as separate processes or instances ' +
        '(`apptainer instance start`), and drop `tini`/`dumb-init` for images meant for Apptainer.',
      bad: [
        { format: 'dockerfile', code: 'FROM rockylinux:9\nCMD ["/usr/sbin/init"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%startscript\n    exec /usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM rockylinux:9\nENTRYPOINT ["/opt/app/bin/server"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%startscript\n    exec /opt/app/bin/server "$@"\n' },
      ],
      exceptions:
        'Images that are only meant for Docker or Kubernetes, where `tini` reaps zombies, can keep it; this is advice (info). Entry scripts copied from the build context are ' +
        'not inspected.',
      references: [
        'https://apptainer.org/docs/user/main/running_services.html',
        'https://github.com/hadolint/hadolint/wiki/DL3001',
      ],
    },
  },
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

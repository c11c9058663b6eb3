// HPC-DEF-012: `%files` destinations under /tmp or /var/tmp.
import { defineRule } from '../../engine/rule';

const TMP = /^\/(var\/)?tmp(\/|$)/;

export default defineRule({
  meta: {
    code: 'HPC-DEF-012',
    name: 'no-files-to-tmp',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'none',
    docs: {
      summary: '`%files` destinations under `/tmp` or `/var/tmp` are hidden during `%post` and at run time.',
      whatItDoes:
        'Reports `%files` and `%appfiles` lines (not `%files from <stage>`) whose destination — or the source, when no destination is given — is ' +
        'under `/tmp` or `/var/tmp`.',
      whyHpc:
        'Since Singularity 3.6 the build mounts a fresh `/tmp` and `/var/tmp` while `%post` runs, so files staged there are not visible to the script ' +
        'that wanted them; at run time both directories are bind-mounted from the host and hide whatever the image has there.',
      howToFix: 'Copy into a directory that stays in the image, e.g. `/opt/<app>`, and update the `%post` commands that use the files.',
      bad: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    app.tar.gz /tmp/app.tar.gz\n' }],
      good: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%files\n    app.tar.gz /opt/app.tar.gz\n' }],
      references: [
        'https://github.com/NVIDIA/hpc-container-maker/issues/345',
        'https://apptainer.org/docs/user/main/bind_paths_and_mounts.html#system-defined-bind-paths',
      ],
    },
  },
  check(context) {
    for (const stage of context.recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.from || !step.keyword.startsWith('%')) {
          continue;
        }
        const target = step.destination ?? step.sources[0];
        if (!target || !TMP.test(target.value)) {
          continue;
        }
        context.report({
          range: target.range,
          message: `\`${target.value}\` is under ${target.value.startsWith('/var/') ? '/var/tmp' : '/tmp'}, which the build replaces while \`%post\` runs and the host hides at run time; copy into e.g. /opt instead.`,
        });
      }
    }
  },
});

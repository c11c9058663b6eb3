// HPC-DEF-012: `%files` destinations under /tmp or /var/tmp.
import { defineRule } from '../../engine/rule';
import docs from './no-files-to-tmp.md';

const TMP = /^\/(var\/)?tmp(\/|$)/;

export default defineRule({
  meta: {
    code: 'HPC-DEF-012',
    name: 'no-files-to-tmp',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'none',
  },
  docs,
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

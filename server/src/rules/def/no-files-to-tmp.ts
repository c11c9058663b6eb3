// HPC-DEF-012: `%files` destinations under /tmp or /var/tmp.
import { defineRule } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { scriptsOfStage } from '../../recipe/query';
import { baseName } from '../util/source';
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
    interests: { steps: ['copy'] },
  },
  docs,
  check(context) {
    for (const stage of context.recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || !step.keyword.startsWith('%')) {
          continue;
        }
        const source = step.sources[0];
        const target = step.destination ?? source;
        const tmpOf = (path: string): string => (path.startsWith('/var/') ? '/var/tmp' : '/tmp');
        if (step.from && source && step.destination && TMP.test(source.value)) {
          context.report({
            range: source.range,
            message: `\`${source.value}\` is under ${tmpOf(source.value)} of stage \`${step.from.value}\`, but whatever that stage's \`%post\` wrote there went to the build host (Apptainer binds ${tmpOf(source.value)}), not into the stage's image: the file is not there to copy. Build into e.g. /opt in that stage.`,
          });
        }
        if (!target || !TMP.test(target.value) || (source && copiedToHostTmp(context.recipe, stage, source.value, target.value))) {
          continue;
        }
        context.report({
          range: target.range,
          message: `\`${target.value}\` is under ${tmpOf(target.value)}, which Apptainer binds from the build host while \`%post\` runs and from the host at run time, hiding the file; copy into e.g. /opt instead.`,
        });
      }
    }
  },
});

/**
 * `%setup` copies the same file to the build host's /tmp (ExaChem: `cp usemylibrett.patch /tmp`): `%post` sees the host's
 * /tmp, so the file is there when the build needs it.
 */
function copiedToHostTmp(recipe: Recipe, stage: Stage, source: string, target: string): boolean {
  const file = baseName(target.endsWith('/') || /^\/(var\/)?tmp\/?$/.test(target) ? source : target);
  const directory = target.slice(0, target.lastIndexOf('/') + 1) || '/tmp/';
  return scriptsOfStage(recipe, stage).some(
    ({ step, script }) =>
      step.keyword.toLowerCase() === '%setup' &&
      script.commands.some((command) => {
        const words = command.words.map((word) => word.value);
        return ['cp', 'mv', 'install', 'rsync'].includes(baseName(words[0] ?? '')) &&
          words.some((word) => baseName(word) === file) &&
          words.some((word) => word === target || word.replace(/\/?$/, '/') === directory);
      }),
  );
}

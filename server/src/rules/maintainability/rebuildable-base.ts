// HPC-MAINT-004: definition files built on things only one machine has (sandboxes, local daemon images, copied shared libraries).
import { defineRule } from '../../engine/rule';
import type { HeaderStep } from '../../recipe/model';
import { headerOf } from '../util/base-image';
import docs from './rebuildable-base.md';

const SHARED_LIBRARY = /\.so(?:\.\d+)*$/;

export default defineRule({
  meta: {
    code: 'HPC-MAINT-004',
    name: 'rebuildable-base',
    category: 'maintainability',
    severity: 'info',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const agent = stage.base.agent;
      const from = headerOf(stage, 'from');
      const bootstrap = headerOf(stage, 'bootstrap');
      if (agent === 'localimage' && from) {
        const path = from.value.value.trim();
        // Template values (`{{ FROMSIF }}`) may be either: the milder message.
        const file = /\.(sif|simg|img)$/i.test(path) || path.includes('{{');
        context.report({
          range: from.value.range,
          message: file
            ? `\`Bootstrap: localimage\` builds on \`${path}\`, which exists only where this build runs: keep the definition file it was built from next to this one (and name it in \`%labels\`) so both can be rebuilt.`
            : `\`Bootstrap: localimage\` builds on the sandbox \`${path}\`: a hand-modified sandbox cannot be rebuilt or reviewed — write its changes into a definition file instead.`,
        });
      } else if ((agent === 'docker-daemon' || agent === 'docker-archive') && (bootstrap || from)) {
        const step = (bootstrap ?? from) as HeaderStep;
        context.report({
          range: step.value.range,
          message: `\`Bootstrap: ${agent}\` builds on an image that exists only in this machine's ${agent === 'docker-daemon' ? 'Docker daemon' : 'Docker archive file'}: push it to a registry (or build it from a recipe kept with this file) so the image can be rebuilt elsewhere.`,
        });
      }
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.from) {
          continue;
        }
        for (const source of step.sources) {
          if (SHARED_LIBRARY.test(source.value)) {
            context.report({
              range: source.range,
              message: `\`%files\` copies the prebuilt library \`${source.value}\` from the build host: it was compiled against the host's libraries and cannot be rebuilt from this file — build it in a stage (\`%files from build\`) or install it from a package.`,
            });
          }
        }
      }
    }
  },
});

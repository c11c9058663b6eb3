// HPC-PERF-004: `Bootstrap: localimage` from a legacy ext3 `.img` file or from a sandbox directory on a parallel file system.
import { defineRule } from '../../engine/rule';
import { headerOf } from '../util/base-image';
import docs from './no-legacy-image-base.md';

/** Path prefixes that are parallel/shared file systems on typical HPC sites. */
const PARALLEL_FS = /^(?:\/(?:lustre|gpfs|scratch|work|project|projects|projappl|p\/|fs\d*|beegfs|cephfs|nobackup|global\/(?:scratch|cfs|homes))|\$\{?(?:SCRATCH|WORK|PROJECT|CSCRATCH|PSCRATCH)\b)/i;

export default defineRule({
  meta: {
    code: 'HPC-PERF-004',
    name: 'no-legacy-image-base',
    category: 'performance',
    severity: 'info',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'none',
    interests: { keywords: ['localimage'] },
  },
  docs,
  check(context) {
    for (const stage of context.recipe.stages) {
      const from = headerOf(stage, 'from');
      if (stage.base.agent !== 'localimage' || !from) {
        continue;
      }
      const path = from.value.value.trim();
      if (/\.img$/i.test(path)) {
        context.report({
          range: from.value.range,
          message: `\`${path}\` looks like a legacy ext3 image (Singularity < 2.4): convert it once to SIF (\`apptainer build base.sif ${path}\`) and build from the \`.sif\`.`,
        });
      } else if (!/\.(sif|simg|sqsh|squashfs)$/i.test(path) && !path.includes('{{') && PARALLEL_FS.test(path)) {
        context.report({
          range: from.value.range,
          message: `The sandbox directory \`${path}\` appears to be on a parallel file system, where reading thousands of small files loads the metadata servers: convert it to a SIF file (or keep it on node-local disk).`,
        });
      }
    }
  },
});

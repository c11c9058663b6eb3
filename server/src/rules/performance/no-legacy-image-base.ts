// HPC-PERF-004: `Bootstrap: localimage` from a legacy ext3 `.img` file or from a sandbox directory on a parallel file system.
import { defineRule } from '../../engine/rule';
import { headerOf } from '../util/base-image';

/** Path prefixes that are parallel/shared file systems on typical HPC sites. */
const PARALLEL_FS = /^(?:\/(?:lustre|gpfs|scratch|work|project|projects|projappl|p\/|fs\d*|beegfs|cephfs|nobackup|global\/(?:scratch|cfs|homes))|\$\{?(?:SCRATCH|WORK|PROJECT|CSCRATCH|PSCRATCH)\b)/i;

export default defineRule({
  meta: {
    code: 'HPC-PERF-004',
    name: 'no-legacy-image-base',
    category: 'performance',
    severity: 'info',
    formats: ['apptainer'],
    fix: 'none',
    docs: {
      summary: '`Bootstrap: localimage` from an ext3 `.img` file (Singularity < 2.4 format) or from a sandbox directory on a parallel file system.',
      whatItDoes:
        'Reports the `From:` of `Bootstrap: localimage` stages when it names a `*.img` file — the writable ext3 image format native to Singularity before 2.4 — or a ' +
        'sandbox directory under a typical parallel file-system path (`/lustre`, `/gpfs`, `/scratch`, `/work`, `/project`, `$SCRATCH`…). `.sif` and `.simg` bases are not reported.',
      whyHpc:
        'SIF (SquashFS) is the native, read-only, compressed single-file format: one file that the node mounts and reads in large blocks. Legacy ext3 `.img` files need ' +
        'loop devices and a setuid installation, are converted on every use by current Apptainer, and cannot be signed. A sandbox directory is tens of thousands of small ' +
        'files: reading it from Lustre or GPFS hammers the metadata servers (Charliecloud advises never to keep directory images on Lustre) and makes builds and starts slow ' +
        'for everyone on the file system.',
      howToFix:
        'Convert the base once to SIF (`apptainer build base.sif base.img` or `apptainer build base.sif /scratch/me/sandbox/`) and use `From: base.sif`; better still, ' +
        'rebuild the base from its definition file. Keep sandboxes on node-local disk (`/tmp`, `$TMPDIR`) if you need them.',
      bad: [
        { format: 'apptainer', code: 'Bootstrap: localimage\nFrom: centos7-base.img\n\n%post\n    yum -y install gcc\n' },
        { format: 'apptainer', code: 'Bootstrap: localimage\nFrom: /lustre/project/me/sandbox/\n' },
      ],
      good: [{ format: 'apptainer', code: 'Bootstrap: localimage\nFrom: centos7-base.sif\n\n%post\n    yum -y install gcc\n' }],
      exceptions:
        'Whether a path is on a parallel file system is guessed from its name; a sandbox on node-local disk under an unusual name is not reported. That a sandbox base ' +
        'cannot be rebuilt is reported separately by HPC-MAINT-004.',
      references: [
        'https://apptainer.org/docs/user/main/cli/apptainer_build.html',
        'https://apptainer.org/docs/user/main/build_a_container.html#converting-containers-from-one-format-to-another',
        'https://hpc.github.io/charliecloud/best_practices.html',
      ],
    },
  },
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

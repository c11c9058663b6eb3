// HPC-USE-008: entry points that need user namespaces, FUSE or a nested container runtime (`unshare`, `bwrap`, `podman`, `fusermount`).
import { own } from '../../engine/own';
import { defineRule } from '../../engine/rule';
import { effectiveName, effectiveWords } from '../util/commands';
import { entryCommands, entryLabel } from '../util/entry';
import docs from './no-runtime-namespace-tricks.md';

const NAMESPACE_TOOLS: Record<string, string> = {
  unshare: 'new namespaces (`unshare`)',
  bwrap: 'a Bubblewrap sandbox, i.e. unprivileged user and mount namespaces',
  newuidmap: 'subordinate UID mappings (`newuidmap`)',
  newgidmap: 'subordinate GID mappings (`newgidmap`)',
  fusermount: 'a FUSE mount (`fusermount`)',
  fusermount3: 'a FUSE mount (`fusermount3`)',
  squashfuse: 'a FUSE mount (`squashfuse`)',
  'squashfuse_ll': 'a FUSE mount (`squashfuse_ll`)',
  sshfs: 'a FUSE mount (`sshfs`)',
};
/** Container runtimes and the sub-commands that start or build a container. */
const RUNTIMES = new Set(['apptainer', 'singularity', 'podman', 'docker', 'charliecloud', 'ch-run', 'enroot', 'buildah']);
const STARTS = new Set(['run', 'exec', 'shell', 'build', 'instance', 'start', 'create', 'pull']);

export default defineRule({
  meta: {
    code: 'HPC-USE-008',
    name: 'no-runtime-namespace-tricks',
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
        const name = effectiveName(command);
        let needs: string | undefined = own(NAMESPACE_TOOLS, name);
        if (!needs && RUNTIMES.has(name)) {
          const sub = words.slice(1).find((word) => !word.value.startsWith('-'));
          needs = sub && (STARTS.has(sub.value) || name === 'ch-run') ? `a nested container (\`${name} ${sub.value}\`)` : undefined;
        }
        if (!needs || words.length === 0) {
          continue;
        }
        context.report({
          range: words[0].range,
          message:
            `${entryLabel(step)} needs ${needs} inside the container. Many HPC sites disable unprivileged user namespaces and FUSE on compute nodes, and Apptainer's own sandbox leaves none to nest, ` +
            'so this fails at start with "Operation not permitted". Do the work at build time, or run it from the job script on the host.',
        });
      }
    },
  },
});

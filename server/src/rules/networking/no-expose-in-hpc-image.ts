// HPC-NET-004: EXPOSE in images that are clearly meant for HPC (MPI/fabric/scheduler stack installed).
import { defineRule } from '../../engine/rule';
import { hpcMarker } from '../util/hpc-image';
import { finalStageChain } from '../util/source';
import docs from './no-expose-in-hpc-image.md';

export default defineRule({
  meta: {
    code: 'HPC-NET-004',
    name: 'no-expose-in-hpc-image',
    category: 'networking',
    severity: 'info',
    formats: ['dockerfile'],
    fix: 'none',
    interests: { steps: ['expose'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (recipe.format !== 'dockerfile') {
      return;
    }
    const chain = finalStageChain(recipe);
    let marker: string | null | undefined = null;
    for (const stage of chain) {
      for (const step of stage.steps) {
        if (step.kind !== 'expose') {
          continue;
        }
        const ports = step.ports.filter((port) => !/^22(\/tcp)?$/.test(port.value));
        if (ports.length === 0) {
          continue;
        }
        if (marker === null) {
          marker = hpcMarker(recipe, chain);
        }
        if (marker === undefined) {
          return;
        }
        const first = ports[0];
        const last = ports[ports.length - 1];
        context.report({
          range: { start: first.range.start, end: last.range.end },
          message:
            `\`EXPOSE ${ports.map((port) => port.value).join(' ')}\` has no effect under HPC container runtimes (this recipe ${marker}): they share the host network, ` +
            'publish no ports, and the service binds the port on a shared compute node. Drop it and document the port and how to tunnel to it.',
        });
      }
    }
  },
});

// HPC-DEF-003: `Bootstrap:` must name an agent Apptainer knows.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, safeFix } from '../../engine/fixBuilder';
import { BOOTSTRAP_AGENTS, bootstrapAgent } from '../../recipe/apptainer-spec';
import { closestName } from '../util/names';
import docs from './valid-bootstrap-agent.md';

const AGENT_NAMES = BOOTSTRAP_AGENTS.map((spec) => spec.name);

export default defineRule({
  meta: {
    code: 'HPC-DEF-003',
    name: 'valid-bootstrap-agent',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'safe',
    interests: { steps: ['header'] },
  },
  docs,
  check(context) {
    for (const stage of context.recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'header' || step.key !== 'bootstrap') {
          continue;
        }
        const value = step.value.value.trim();
        if (value.includes('{{')) {
          continue;
        }
        if (value.length === 0) {
          context.report({
            range: step.keywordRange,
            message: '`Bootstrap:` has no value; name the bootstrap agent, e.g. `Bootstrap: docker`.',
          });
          continue;
        }
        if (bootstrapAgent(value)) {
          continue;
        }
        const suggestion = closestName(value, AGENT_NAMES);
        const fixes: Fix[] = suggestion
          ? [safeFix(`Change to \`${suggestion}\``, replace(step.value.range, suggestion))]
          : [];
        context.report({
          range: step.value.range,
          message: `Unknown bootstrap agent \`${value}\`: Apptainer stops with "invalid build source".${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
          fixes,
        });
      }
    }
  },
});

// HPC-DEF-003: `Bootstrap:` must name an agent Apptainer knows.
import { defineRule, type Fix } from '../../engine/rule';
import { BOOTSTRAP_AGENTS, bootstrapAgent } from '../../recipe/apptainer-spec';
import { closestName } from './valid-header-keys';

const AGENT_NAMES = BOOTSTRAP_AGENTS.map((spec) => spec.name);

export default defineRule({
  meta: {
    code: 'HPC-DEF-003',
    name: 'valid-bootstrap-agent',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'safe',
    docs: {
      summary: '`Bootstrap:` must name a bootstrap agent Apptainer knows (`docker`, `library`, `oras`, `localimage`, `yum`, `debootstrap`, …).',
      whatItDoes:
        'Compares the value of every `Bootstrap:` header with the agents Apptainer and SingularityCE implement: docker, docker-daemon, docker-archive, oci, ' +
        'oci-archive, library, oras, shub, localimage, yum/dnf, debootstrap, zypper, busybox, arch, scratch, and buildkit/dockerfile (Apptainer ≥ 1.5). ' +
        'A typo gets a did-you-mean suggestion.',
      whyHpc:
        'An unknown agent stops `apptainer build` with "invalid build source" before anything is built; on a shared build node or a CI runner the whole ' +
        'job is lost for a one-letter typo.',
      howToFix: 'Use one of the listed agents; the quick fix replaces a near-miss with the one close agent name (safe).',
      bad: [{ format: 'apptainer', code: 'Bootstrap: dokcer\nFrom: ubuntu:24.04\n' }],
      good: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n' }],
      exceptions: 'A `{{ template }}` value is resolved at build time and not checked.',
      references: ['https://apptainer.org/docs/user/main/appendix.html#build-modules'],
    },
  },
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
          ? [{ title: `Change to \`${suggestion}\``, safe: true, edits: [{ range: step.value.range, newText: suggestion }] }]
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

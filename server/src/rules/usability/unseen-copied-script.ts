// HPC-USE-010: a RUN / `%post` runs a script copied in from the build context that hpclint could not read.
import { defineRule } from '../../engine/rule';
import type { CopiedScript } from '../../recipe/copied-scripts';
import type { RunStep } from '../../recipe/model';
import docs from './unseen-copied-script.md';

export default defineRule({
  meta: {
    code: 'HPC-USE-010',
    name: 'unseen-copied-script',
    category: 'usability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    // Only a file copied in (COPY, ADD, `%files`) can be run as a copied script.
    interests: { steps: ['copy'] },
  },
  docs,
  check(context) {
    const unseen = new Map<RunStep, CopiedScript[]>();
    for (const script of context.facts.copiedScripts) {
      if (script.unseen !== undefined) {
        unseen.set(script.step, [...(unseen.get(script.step) ?? []), script]);
      }
    }
    for (const [step, scripts] of unseen) {
      const names = [...new Set(scripts.map((script) => `\`${script.sources[0] ?? script.path.value}\``))];
      const reasons = [...new Set(scripts.map((script) => script.unseen))].join('; ');
      context.report({
        range: scripts[0].command.range,
        message:
          `${step.keyword} runs ${names.join(', ')}, copied in from the build context, but hpclint cannot see inside (${reasons}): ` +
          'its commands are not checked for HPC pitfalls.',
      });
    }
  },
});

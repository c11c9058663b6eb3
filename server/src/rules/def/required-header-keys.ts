// HPC-DEF-004: header keys the stage's bootstrap agent cannot work without.
import { own } from '../../engine/own';
import { defineRule } from '../../engine/rule';
import { insertLinesAfter, unsafeFix } from '../../engine/fixBuilder';
import type { HeaderStep, Stage } from '../../recipe/model';
import { bootstrapAgent, headerKeyword } from '../../recipe/apptainer-spec';
import { HEADER_PLACEHOLDERS, VALUE_PLACEHOLDER } from '../util/placeholders';
import { lineIndexOf } from '../util/source';
import docs from './required-header-keys.md';

const SLE_REGISTRATION = ['product', 'user', 'regcode'];

function headersOf(stage: Stage): HeaderStep[] {
  return stage.steps.filter((step): step is HeaderStep => step.kind === 'header');
}

function canonical(key: string): string {
  return headerKeyword(key)?.name ?? key;
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-004',
    name: 'required-header-keys',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'unsafe',
    interests: { steps: ['header'] },
  },
  docs,
  check(context) {
    const index = lineIndexOf(context.recipe);
    for (const stage of context.recipe.stages) {
      const headers = headersOf(stage);
      const bootstrap = headers.find((step) => step.key === 'bootstrap');
      const agent = bootstrap ? bootstrapAgent(bootstrap.value.value.trim()) : undefined;
      if (!bootstrap || !agent) {
        continue; // HPC-DEF-001 / HPC-DEF-003
      }
      const present = new Map<string, HeaderStep>();
      for (const step of headers) {
        if (step.value.value.trim().length > 0) {
          present.set(step.key, step);
        }
      }
      // `Library:` depends on the runtime (SingularityCE defaults to Sylabs Cloud): HPC-DEF-010's business.
      const required = new Set(agent.requiredKeys.filter((key) => key !== 'library'));
      const mirror = present.get('mirrorurl');
      if (mirror && /%\{OSVERSION\}/i.test(mirror.value.value) && ['yum', 'dnf', 'zypper', 'debootstrap'].includes(agent.name)) {
        required.add('osversion');
      }
      const sle = SLE_REGISTRATION.filter((key) => present.has(key));
      if (agent.name === 'zypper' && sle.length > 0 && sle.length < SLE_REGISTRATION.length) {
        for (const key of SLE_REGISTRATION) {
          required.add(key);
        }
      }
      const missing = [...required].filter((key) => !present.has(key));
      const unwritten = missing.filter((key) => !headers.some((step) => step.key === key));
      // One fix inserts every unwritten key of the stage, so applying it twice changes nothing.
      const stubLines = unwritten.map((key) => `${canonical(key)}: ${own(HEADER_PLACEHOLDERS, key) ?? VALUE_PLACEHOLDER}`);
      const insertFix = unsafeFix(
        `Insert ${unwritten.map((key) => `\`${canonical(key)}:\``).join(', ')} with placeholder values`,
        insertLinesAfter(index, bootstrap.range.end.line, ...stubLines),
      );
      for (const key of missing) {
        const name = canonical(key);
        const written = headers.find((step) => step.key === key);
        context.report({
          range: written?.keywordRange ?? bootstrap.value.range,
          message: written
            ? `\`${written.keyword}:\` is empty, but the \`${agent.name}\` agent needs it.`
            : `The \`${agent.name}\` agent needs a \`${name}:\` header; the build fails without it.`,
          fixes: written ? [] : [insertFix],
        });
      }
    }
  },
});

// HPC-MAINT-003: definition-file bases without a tag (or with `:latest`) — the DEF analogue of hadolint DL3006/DL3007.
import { defineRule } from '../../engine/rule';
import { rangeInWord } from '../util/source';
import docs from './tag-definition-base.md';

/** Agents whose `From:` is a registry reference with Docker-style tags. */
const TAGGED_AGENTS = new Set(['docker', 'library', 'oras']);

export default defineRule({
  meta: {
    code: 'HPC-MAINT-003',
    name: 'tag-definition-base',
    category: 'maintainability',
    severity: 'warning',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const image = stage.base.image;
      if (!image || !TAGGED_AGENTS.has(stage.base.agent) || /\{\{|\$/.test(image.raw) || image.digest) {
        continue;
      }
      const from = stage.steps.find((step) => step.kind === 'header' && step.key === 'from');
      const word = from?.kind === 'header' ? from.value : undefined;
      if (image.tag === undefined) {
        context.report({
          range: image.range,
          message: `\`From: ${image.raw.trim()}\` has no tag, so it pulls \`latest\` — a different release on every rebuild; name a version (\`${image.raw.trim()}:<version>\`).`,
        });
      } else if (image.tag === 'latest') {
        const offset = word ? word.text.lastIndexOf(':latest') : -1;
        context.report({
          range: word && offset >= 0 ? rangeInWord(recipe, word, offset + 1, offset + ':latest'.length) : image.range,
          message: `\`From: ${image.raw.trim()}\` uses \`latest\`, which moves to a new release without notice; name a version tag.`,
        });
      }
    }
  },
});

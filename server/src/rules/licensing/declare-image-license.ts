// HPC-LIC-006: the final image declares no licence (`org.opencontainers.image.licenses` / `%labels License`).
import { defineRule } from '../../engine/rule';
import type { Stage } from '../../recipe/model';
import { finalStage } from '../../recipe/query';
import { finalLicenseLabels, insertLicenseLabel } from '../util/licensing';
import docs from './declare-image-license.md';

const LABEL_KEY = 'org.opencontainers.image.licenses';
const PLACEHOLDER = 'NOASSERTION';

export default defineRule({
  meta: {
    code: 'HPC-LIC-006',
    name: 'declare-image-license',
    category: 'licensing',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe, settings } = context;
    if (settings.publish === 'private') {
      return;
    }
    const stage = finalStage(recipe);
    if (!stage) {
      return;
    }
    const labels = finalLicenseLabels(recipe);
    if (labels.length > 0) {
      const last = labels[labels.length - 1];
      if (!last.value || last.value.value.trim() === '') {
        context.report({
          range: last.range,
          message: `The licence label \`${last.key.value}\` is empty; give an SPDX licence expression.`,
          severity: settings.publish === 'public' ? 'info' : 'hint',
        });
      }
      return;
    }
    const severity = settings.publish === 'public' ? 'info' : 'hint';
    const where = recipe.format === 'dockerfile' ? 'the final stage' : 'the final stage\'s `%labels`';
    context.report({
      range: anchorRange(stage),
      message: `The image declares no licence: add \`${LABEL_KEY}\` with an SPDX expression to ${where}.`,
      severity,
      fixes: [insertLicenseLabel(recipe, stage, PLACEHOLDER, `Add \`${LABEL_KEY}\` = ${PLACEHOLDER} (replace with the SPDX expression)`)],
    });
  },
});

/** Where the finding points: the final FROM instruction / `%labels` header / `Bootstrap`-`From` header of the final stage. */
function anchorRange(stage: Stage): Stage['range'] {
  const labels = stage.sections.find((section) => section.name === 'labels');
  if (labels) {
    return labels.header.range;
  }
  const from = stage.steps.find((step) => step.kind === 'from' || (step.kind === 'header' && (step.key === 'bootstrap' || step.key === 'from')));
  if (from) {
    return { start: from.range.start, end: from.range.start.line === from.range.end.line ? from.range.end : { line: from.range.start.line, character: from.range.start.character + from.keyword.length } };
  }
  return stage.base.range;
}

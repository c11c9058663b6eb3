// HPC-LIC-006: the final image declares no licence (`org.opencontainers.image.licenses` / `%labels License`).
import { defineRule } from '../../engine/rule';
import type { Stage } from '../../recipe/model';
import { finalStage } from '../../recipe/query';
import { finalLicenseLabels, insertLicenseLabel } from '../util/licensing';

const LABEL_KEY = 'org.opencontainers.image.licenses';
const PLACEHOLDER = 'NOASSERTION';

export default defineRule({
  meta: {
    code: 'HPC-LIC-006',
    name: 'declare-image-license',
    category: 'licensing',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Declare the image\'s licences with the `org.opencontainers.image.licenses` label (SPDX expression).',
      whatItDoes:
        'Reports a recipe whose final image sets no licence label: in a Dockerfile, no `LABEL org.opencontainers.image.licenses=…` (or `License`/`Licence`/`Licenses`, also namespaced such as BioContainers\' `about.license`) in the ' +
        'final stage or the stages it builds on (`FROM build AS runtime`); in a definition file, no such key in the final stage\'s `%labels`. An empty value is reported too. ' +
        'Severity follows the `publish` setting in `.hpclint.yaml`: `publish: public` → info, not set (unknown) → hint (the label is missing from most recipes, and it ' +
        'matters once an image is shared), `publish: private` → not reported.',
      whyHpc:
        'HPC images bundle compilers, MPI, math libraries and applications under many licences, some of which (Intel, NVIDIA, commercial codes) restrict redistribution. ' +
        'Centres that mirror or re-publish images (registry mirrors, Singularity/Apptainer libraries, Pawsey/NERSC/CSCS image catalogues) and SBOM scanners read the ' +
        'OCI `licenses` annotation to decide what may be shared; without it every consumer has to reverse-engineer the image, and restricted content travels silently.',
      howToFix:
        'Add `LABEL org.opencontainers.image.licenses="<SPDX expression>"` to the final stage (e.g. `"GPL-2.0-or-later AND BSD-3-Clause"`, or ' +
        '`"LicenseRef-Proprietary"` for commercial content), or `org.opencontainers.image.licenses <SPDX expression>` in `%labels`. ' +
        'The quick fix inserts the label with the SPDX keyword `NOASSERTION` ("the author makes no statement about the licence"): it is unsafe because it is a placeholder ' +
        'you should replace with the real expression. `NOASSERTION` was chosen over a made-up `LicenseRef-…` because it claims nothing that could be mistaken for a licence.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends gromacs\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%labels\n    Author hpc@example.org\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nLABEL org.opencontainers.image.licenses="LGPL-2.1-or-later"\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%labels\n    org.opencontainers.image.licenses LGPL-2.1-or-later\n' },
      ],
      exceptions:
        'Labels inherited from the base image (`FROM` another image that already sets the label, or a `Bootstrap: localimage` SIF) cannot be seen and are not taken into account; ' +
        'set the label again in the final stage or silence the rule with `# hpclint global ignore=HPC-LIC-006 -- inherited from base`. Build-only images that are never ' +
        'shared do not need the label: set `publish: private`.',
      references: [
        'https://github.com/opencontainers/image-spec/blob/main/annotations.md',
        'https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/',
        'https://github.com/hadolint/hadolint#rules',
      ],
    },
  },
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

// HPC-SEC-001: base images that are neither pinned by digest nor verified by signature.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { insertLinesAfter, unsafeFix } from '../../engine/fixBuilder';
import { normalizeRef } from '../../knowledge/registries';
import type { Recipe, Stage } from '../../recipe/model';
import { expandedBase, headerOf, isStageReference } from '../util/base-image';
import { lineIndexOf } from '../util/source';
import docs from './verified-base-image.md';

/** Agents whose base is a SIF that `Fingerprints:` can verify. */
const SIF_AGENTS = new Set(['library', 'oras']);
const PLACEHOLDER = 'REPLACE_WITH_SIGNING_KEY_FINGERPRINT';

export default defineRule({
  meta: {
    code: 'HPC-SEC-001',
    name: 'verified-base-image',
    category: 'security',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      if (isStageReference(recipe, stage) || stage.base.raw.trim() === '') {
        continue;
      }
      const agent = stage.base.agent;
      if (SIF_AGENTS.has(agent) || (agent === 'localimage' && /\.sif$/i.test(stage.base.raw.trim()))) {
        checkFingerprints(recipe, stage, context.report);
      } else if (agent === 'docker') {
        checkDigest(recipe, stage, context.report);
      }
    }
  },
});

type Report = RuleContext['report'];
/** Library references pinned by content hash (`ubuntu:sha256.<hash>`) and OCI digests (`@sha256:<digest>`). */
const CONTENT_PINNED = /(:sha256\.[0-9a-f]{16,}|@sha256:[0-9a-f]{64})$/i;

function checkDigest(recipe: Recipe, stage: Stage, report: Report): void {
  const reference = expandedBase(recipe, stage);
  if (reference === undefined || reference.toLowerCase() === 'scratch') {
    return;
  }
  if (normalizeRef(reference).digest !== undefined) {
    return;
  }
  const shown = reference === stage.base.raw.trim() ? `\`${reference}\`` : `\`${stage.base.raw.trim()}\` (= \`${reference}\`)`;
  const keyword = recipe.format === 'dockerfile' ? 'FROM' : 'From:';
  report({
    range: stage.base.range,
    // Nearly every recipe pins by tag: a hint, not a squiggle on every FROM.
    severity: 'hint',
    message: `${keyword} ${shown} is a mutable tag without a digest: a rebuild may silently get a different base. Pin it as \`${reference}@sha256:<digest>\` and refresh the pin automatically.`,
    howToFix: `Pin it by digest and keep the tag for readers: \`${keyword} ${reference}@sha256:<digest>\` (\`docker buildx imagetools inspect ${reference}\` or \`skopeo inspect docker://${reference}\` prints it), and let a bot (Renovate, Dependabot) refresh the pin so the image still gets security updates.`,
  });
}

function checkFingerprints(recipe: Recipe, stage: Stage, report: Report): void {
  const fingerprints = headerOf(stage, 'fingerprints');
  if (fingerprints && fingerprints.value.value.trim() !== '') {
    return;
  }
  const from = headerOf(stage, 'from');
  if (!from) {
    return;
  }
  const fixes: Fix[] = [];
  if (!fingerprints) {
    fixes.push(
      unsafeFix(
        'Add a `Fingerprints:` header with a placeholder (replace it with the signer\'s fingerprint)',
        insertLinesAfter(lineIndexOf(recipe), from.range.end.line, `Fingerprints: ${PLACEHOLDER}`),
      ),
    );
  }
  const agent = stage.base.agent;
  if (CONTENT_PINNED.test(stage.base.raw.trim())) {
    report({
      range: fingerprints ? fingerprints.range : stage.base.range,
      severity: 'info',
      message: `\`Bootstrap: ${agent}\` base \`${stage.base.raw.trim()}\` is pinned by content hash, so it cannot change, but without \`Fingerprints:\` nobody checks who signed it. Add \`Fingerprints: <signer fingerprint>\`.`,
      fixes,
    });
    return;
  }
  report({
    range: fingerprints ? fingerprints.range : stage.base.range,
    // Hardening advice, as for a Docker tag without a digest: the build works. (The library agent lets an unsigned
    // SIF through silently; a missing `Library:` remote, which breaks Apptainer builds, is HPC-DEF-010's warning.)
    severity: 'info',
    message:
      `\`Bootstrap: ${agent}\` base \`${stage.base.raw.trim()}\` has no \`Fingerprints:\`, so the SIF's signature is not enforced` +
      (agent === 'library'
        ? ' (an unsigned image is used without any message at the default log level; a failed verification only warns).'
        : agent === 'oras'
          ? ' and any image at that reference is used.'
          : ' and any file at that path is used.') +
      ' Add `Fingerprints: <signer fingerprint>`.',
    fixes,
  });
}

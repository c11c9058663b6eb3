// HPC-SEC-001: base images that are neither pinned by digest nor verified by signature.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { expandedBase, headerOf, isStageReference, normalizeRef } from '../util/base-image';
import { lineIndexOf } from '../util/source';

/** Agents whose base is a SIF that `Fingerprints:` can verify. */
const SIF_AGENTS = new Set(['library', 'oras']);
const PLACEHOLDER = 'REPLACE_WITH_SIGNING_KEY_FINGERPRINT';

export default defineRule({
  meta: {
    code: 'HPC-SEC-001',
    name: 'verified-base-image',
    category: 'security',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    docs: {
      summary: 'Base images pulled by a mutable tag without a digest, and SIF bases (`library`, `oras`, `localimage`) without `Fingerprints:`, are not verified.',
      whatItDoes:
        'Reports `FROM` / `Bootstrap: docker` bases without an `@sha256:` digest (info), and `Bootstrap: library`, `Bootstrap: oras` and `Bootstrap: localimage` with a ' +
        '`.sif` file that have no `Fingerprints:` header (warning for `library`, whose unsigned-image check only warns in the build log; info for `oras`, which is as ' +
        'unverified as a Docker tag, for a local SIF, which is usually one you built yourself, and for a base pinned by content hash such as `ubuntu:sha256.<hash>`, which cannot change). Stages built `FROM` an earlier stage and `scratch` are not reported; a base given by a build ' +
        'argument is checked with the argument\'s default value.',
      whyHpc:
        'A tag such as `ubuntu:24.04` or `nvidia/cuda:12.4.1-devel` is moved by its publisher whenever they rebuild it, so the same recipe built on the login node today and ' +
        'by CI next month silently gets a different base (other libraries, other bugs, possibly a compromised image) and results stop being reproducible. For SIF bases, ' +
        'Apptainer checks signatures only when the recipe names the expected signers: without `Fingerprints:` an unsigned or re-signed image is used with at most a warning ' +
        'in the build log, and the resulting SIF then runs on every node of the cluster.',
      howToFix:
        'Pin registry bases by digest and keep the tag for readers: `FROM ubuntu:24.04@sha256:<digest>` (`docker buildx imagetools inspect ubuntu:24.04` or ' +
        '`skopeo inspect` prints it) and let a bot (Renovate, Dependabot) refresh the pin so the image still gets security updates. For SIF bases add ' +
        '`Fingerprints: <signer fingerprint>[,<more>]` (shown by `apptainer verify`); the build then fails unless the image is signed by those keys. The quick fix inserts a ' +
        '`Fingerprints:` line with a placeholder you must replace (the build fails until you do), so it is unsafe; tag-to-digest resolution needs the network and is not offered.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update\n' },
        { format: 'apptainer', code: 'Bootstrap: oras\nFrom: ghcr.io/org/base:1.0\n\n%post\n    echo ready\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04@sha256:b59d21599a2b151e23eea5f6602f4af4d7d31c4e236d22bf0b62b86d2e386b8f\nRUN apt-get update\n' },
        {
          format: 'apptainer',
          code: 'Bootstrap: oras\nFrom: ghcr.io/org/base:1.0\nFingerprints: 12045C8C0B1004D058DE4BEDA20C27EE7FF7BA84\n\n%post\n    echo ready\n',
        },
      ],
      exceptions:
        'Digest pins without automated updates keep old, unpatched packages; if nobody refreshes them, a tag plus regular rebuilds may be the better trade-off — silence the ' +
        'info for such recipes in `.hpclint.yaml`. `localimage` bases that are sandbox directories or other local files cannot be signed and are not reported. Whether a ' +
        'digest pin is stale cannot be decided offline.',
      references: [
        'https://apptainer.org/docs/user/main/definition_files.html#library',
        'https://apptainer.org/docs/user/main/signNverify.html',
        'https://docs.docker.com/reference/dockerfile/#from',
        'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
      ],
    },
  },
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
    const line = from.range.end.line + 1;
    const hasNextLine = line < lineIndexOf(recipe).lineCount;
    const insertAt = hasNextLine ? { line, character: 0 } : from.range.end;
    const newText = hasNextLine ? `Fingerprints: ${PLACEHOLDER}\n` : `\nFingerprints: ${PLACEHOLDER}`;
    fixes.push({
      title: 'Add a `Fingerprints:` header with a placeholder (replace it with the signer\'s fingerprint)',
      safe: false,
      edits: [{ range: { start: insertAt, end: insertAt }, newText }],
    });
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
    // Only the library agent verifies by default (and merely warns); oras pulls are as unverified as a Docker tag and
    // a local SIF is usually one the author built from another recipe: advice there, not a likely compromise.
    severity: agent === 'library' ? 'warning' : 'info',
    message:
      `\`Bootstrap: ${agent}\` base \`${stage.base.raw.trim()}\` has no \`Fingerprints:\`, so the SIF's signature is not enforced` +
      (agent === 'library'
        ? ' (an unsigned or differently signed image only produces a warning).'
        : agent === 'oras'
          ? ' and any image at that reference is used.'
          : ' and any file at that path is used.') +
      ' Add `Fingerprints: <signer fingerprint>`.',
    fixes,
  });
}

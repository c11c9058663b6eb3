// HPC-CACHE-004: Docker Hub bases pulled directly when the site has a pull-through mirror.
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { expandedBase, isStageReference, normalizeRef } from '../util/base-image';
import docs from './use-registry-mirror.md';

export default defineRule({
  meta: {
    code: 'HPC-CACHE-004',
    name: 'use-registry-mirror',
    category: 'caching',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const mirror = context.settings.registryMirror;
    if (!mirror) {
      return;
    }
    const { recipe } = context;
    for (const stage of recipe.stages) {
      if (!pullsFromDockerHubDirectly(recipe, stage)) {
        continue;
      }
      const reference = expandedBase(recipe, stage);
      if (reference === undefined) {
        continue;
      }
      const normalized = normalizeRef(reference);
      if (normalized.registry !== 'docker.io') {
        continue;
      }
      const mirrored =
        `${mirror}/${normalized.repository}` + (normalized.tag ? `:${normalized.tag}` : '') + (normalized.digest ? `@${normalized.digest}` : '');
      const fixes: Fix[] = [];
      const prefix = mirrorPrefix(stage.base.raw, mirror);
      if (reference === stage.base.raw.trim()) {
        fixes.push({ title: `Pull through the site mirror: \`${mirrored}\``, safe: true, edits: [{ range: stage.base.range, newText: mirrored }] });
      } else if (prefix !== undefined) {
        const start = stage.base.range.start;
        fixes.push({ title: `Pull through the site mirror: \`${prefix}…\``, safe: true, edits: [{ range: { start, end: start }, newText: prefix }] });
      }
      context.report({
        range: stage.base.range,
        message: `\`${reference}\` is pulled straight from Docker Hub (rate-limited, unreachable from many compute nodes); pull it through the site mirror as \`${mirrored}\`.`,
        fixes,
      });
    }
  },
});

const IMPLICIT_HUB_REPOSITORY = /^([a-z0-9._-]+)(\/[a-z0-9._-]+)*(?=[:@])/;

/** For `nvidia/cuda:${TAG}`: the text to put in front (`mirror/`, plus `library/` for official images) when the repository part is literal. */
function mirrorPrefix(raw: string, mirror: string): string | undefined {
  const match = IMPLICIT_HUB_REPOSITORY.exec(raw);
  if (!match || /[.:]/.test(match[1]) || match[1] === 'localhost' || (match[2] !== undefined && /^(docker\.io|index\.docker\.io)$/.test(match[1]))) {
    return undefined;
  }
  return `${mirror}/${match[2] === undefined ? 'library/' : ''}`;
}

function pullsFromDockerHubDirectly(recipe: Recipe, stage: Stage): boolean {
  if (isStageReference(recipe, stage) || stage.base.raw.trim() === '' || stage.base.agent !== 'docker') {
    return false;
  }
  if (recipe.format === 'apptainer') {
    return !stage.steps.some((step) => step.kind === 'header' && step.key === 'registry');
  }
  return true;
}

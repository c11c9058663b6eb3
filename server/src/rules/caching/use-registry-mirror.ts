// HPC-CACHE-004: Docker Hub bases pulled directly when the site has a pull-through mirror.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { insert, replace, safeFix, unsafeFix } from '../../engine/fixBuilder';
import { normalizeRef } from '../../knowledge/registries';
import type { Recipe, Stage, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { packageMirrorFor, registryMirrorFor } from '../../site/mirrors';
import type { Site } from '../../site/profile';
import { expandedBase, isStageReference } from '../util/base-image';
import { assignmentsAndWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { rangeInWord } from '../util/source';
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
    const sites = activeSites(context.settings);
    if (sites.length > 0) {
      checkSiteMirrors(context, sites);
    }
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
        fixes.push(safeFix(`Pull through the site mirror: \`${mirrored}\``, replace(stage.base.range, mirrored)));
      } else if (prefix !== undefined) {
        const start = stage.base.range.start;
        fixes.push(safeFix(`Pull through the site mirror: \`${prefix}…\``, insert(start, prefix)));
      }
      context.report({
        range: stage.base.range,
        message: `\`${reference}\` is pulled straight from Docker Hub (rate-limited, unreachable from many compute nodes); pull it through the site mirror as \`${mirrored}\`.`,
        fixes,
      });
    }
  },
});

/** Site profiles' registry mirrors for `FROM`/`From:`, and package mirrors for URLs in scripts and `MirrorURL:`. */
function checkSiteMirrors(context: RuleContext, sites: readonly Site[]): void {
  const { recipe, settings } = context;
  for (const stage of recipe.stages) {
    if (!pullsFromDockerHubDirectly(recipe, stage)) {
      continue;
    }
    const reference = expandedBase(recipe, stage);
    if (reference === undefined) {
      continue;
    }
    const normalized = normalizeRef(reference);
    const found = registryMirrorFor(sites, normalized.registry);
    if (!found || (normalized.registry === 'docker.io' && settings.registryMirror)) {
      continue; // `registryMirror` in .hpclint.yaml already speaks for Docker Hub
    }
    const mirrored = `${found.mirror}/${normalized.repository}` + (normalized.tag ? `:${normalized.tag}` : '') + (normalized.digest ? `@${normalized.digest}` : '');
    const literal = reference === stage.base.raw.trim();
    context.report({
      range: stage.base.range,
      message: onSite(found.site, `\`${reference}\` comes from ${found.upstream}, which the site mirrors: pull it as \`${mirrored}\` (no rate limits, reachable from the nodes).`),
      fixes: literal ? [safeFix(`Pull through the site mirror: \`${mirrored}\``, replace(stage.base.range, mirrored))] : [],
      site: siteFact(found.site, `registry mirror ${found.upstream} → ${found.mirror}`, 'registries.mirrors'),
    });
  }
  if (!sites.some((site) => site.profile.packageMirrors?.length) || !recipeMentions(recipe, URL_KEYWORDS)) {
    return;
  }
  const checkWord = (word: Word): void => {
    URL.lastIndex = 0;
    for (let match = URL.exec(word.text); match; match = URL.exec(word.text)) {
      const found = packageMirrorFor(sites, match[0]);
      if (!found) {
        continue;
      }
      const range = rangeInWord(recipe, word, match.index, match.index + found.upstream.length);
      context.report({
        range,
        message: onSite(found.site, `\`${found.upstream}\` has a site mirror (${found.kind}): use \`${found.mirror}\`, which the nodes reach without going to the internet.`),
        fixes: [unsafeFix(`Use the site mirror \`${found.mirror}\``, replace(range, found.mirror))],
        site: siteFact(found.site, `${found.kind} mirror ${found.upstream} → ${found.mirror}`, 'packageMirrors'),
      });
    }
  };
  for (const { script } of allScripts(recipe)) {
    for (const command of script.commands) {
      for (const word of assignmentsAndWords(command)) {
        if (word.text.includes('://')) {
          checkWord(word);
        }
      }
    }
  }
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'header' && (step.key === 'mirrorurl' || step.key === 'updateurl')) {
        checkWord(step.value);
      } else if ((step.kind === 'env' || step.kind === 'arg') && step.pairs.some((pair) => pair.value?.text.includes('://'))) {
        step.pairs.forEach((pair) => pair.value && checkWord(pair.value));
      }
    }
  }
}

const URL = /https?:\/\/[^\s"'`;|&)]+/g;
const URL_KEYWORDS = ['http://', 'https://'];

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

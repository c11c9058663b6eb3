// HPC-CACHE-004: Docker Hub bases pulled directly when the site has a pull-through mirror.
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { expandedBase, isStageReference, normalizeRef } from '../util/base-image';

export default defineRule({
  meta: {
    code: 'HPC-CACHE-004',
    name: 'use-registry-mirror',
    category: 'caching',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'safe',
    docs: {
      summary: 'Pull Docker Hub base images through the site mirror named by `registryMirror` in `.hpclint.yaml`.',
      whatItDoes:
        'When `.hpclint.yaml` sets `registryMirror` (the site\'s pull-through cache for Docker Hub, e.g. `registry.example.org/dockerhub`), reports every ' +
        '`FROM` / `From:` (docker agent) whose image comes from Docker Hub, written with or without `docker.io`. Without `registryMirror` the rule stays silent: ' +
        'hpclint does not guess a site. Definition files that set `Registry:` are left alone.',
      whyHpc:
        'Builds on a cluster start on many nodes and CI runners at once, often behind one NAT address. Docker Hub allows 10 pulls per hour per IPv4 address ' +
        '(or IPv6 /64) without login and 100 with a personal account, so a job array or a rebuild wave fails with `toomanyrequests: You have reached your pull ' +
        'rate limit`, and compute nodes without internet access cannot reach Docker Hub at all. A site mirror (pull-through cache) serves the same images ' +
        'from inside the site.',
      howToFix:
        'Write the mirror in front of the image: `FROM registry.example.org/dockerhub/library/ubuntu:24.04` (official images live under `library/`). The quick ' +
        'fix does exactly that; it is safe because the mirror serves the same image (the same digest) as Docker Hub.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN apt-get update\n', settings: { registryMirror: 'registry.example.org/dockerhub' } },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n', settings: { registryMirror: 'registry.example.org/dockerhub' } },
      ],
      good: [
        {
          format: 'dockerfile',
          code: 'FROM registry.example.org/dockerhub/library/ubuntu:24.04\nRUN apt-get update\n',
          settings: { registryMirror: 'registry.example.org/dockerhub' },
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ghcr.io/example/app:1.2\n', settings: { registryMirror: 'registry.example.org/dockerhub' } },
      ],
      exceptions: 'Images that are not on the mirror (private Docker Hub repositories the mirror has no credentials for) need `# hpclint ignore=HPC-CACHE-004`.',
      references: [
        'https://docs.docker.com/docker-hub/usage/',
        'https://docs.docker.com/docker-hub/mirror/',
        'https://distribution.github.io/distribution/recipes/mirror/',
      ],
    },
  },
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

// Base-image helpers shared by the security rules: variable expansion in FROM and registry normalisation.
import type { HeaderStep, Recipe, Stage } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { splitImageRef } from '../../recipe/image-ref';
import { resolveVariable } from '../../recipe/query';

const VARIABLE = /\$\{(\w+)(?::?[-+=?][^}]*)?\}|\$(\w+)/g;

/**
 * The stage's base reference with `$VAR`/`${VAR}` replaced by global ARG defaults (Dockerfile) or
 * `%arguments` defaults; undefined when a variable has no known value or a template remains.
 */
export function expandedBase(recipe: Recipe, stage: Stage): string | undefined {
  const raw = stage.base.raw.trim().replace(/^(["'])(.*)\1$/, '$2');
  let unknown = false;
  const expanded = raw.replace(VARIABLE, (whole, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? '';
    const fallback = /^\$\{\w+:?-([^}]*)\}$/.exec(whole)?.[1];
    const value = recipe.format === 'dockerfile' ? resolveVariable(recipe, undefined, name) : undefined;
    if (value === undefined || value === '') {
      if (fallback !== undefined && fallback !== '') {
        return fallback;
      }
      unknown = true;
      return whole;
    }
    return value;
  });
  if (unknown || expanded.includes('{{') || expanded.includes('$') || /[\s"']/.test(expanded)) {
    return undefined;
  }
  return expanded;
}

export interface NormalizedRef {
  /** Lower-case registry host with Docker Hub aliases folded into `docker.io`. */
  registry: string;
  /** Repository path; Docker Hub official images get `library/`. */
  repository: string;
  digest?: string;
  tag?: string;
}

const NO_RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** `ubuntu:24.04` → docker.io/library/ubuntu; `ghcr.io/org/x` → ghcr.io/org/x. Scheme prefixes (`docker://`) are dropped. */
export function normalizeRef(reference: string): NormalizedRef {
  const unprefixed = reference.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const split = splitImageRef(unprefixed, unprefixed, NO_RANGE);
  let registry = split.registry?.toLowerCase() ?? 'docker.io';
  let repository = split.repository;
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = 'docker.io';
    if (!repository.includes('/')) {
      repository = `library/${repository}`;
    }
  }
  return { registry, repository, digest: split.digest, tag: split.tag };
}

/** The stage's header line with this (lower-case) key, definition files only. */
export function headerOf(stage: Stage, key: string): HeaderStep | undefined {
  return stage.steps.find((step): step is HeaderStep => step.kind === 'header' && step.key === key);
}

/** Earlier stage a FROM refers to (`FROM build`), case-insensitive like Docker. */
export function isStageReference(recipe: Recipe, stage: Stage): boolean {
  if (stage.base.stageRef !== undefined) {
    return true;
  }
  return factsOf(recipe).earlierStageNamed(stage.base.raw.trim(), stage) !== undefined;
}

// Registry names: Docker Hub's aliases and how an image reference names its registry and repository.
import { splitImageRef } from '../recipe/image-ref';

/** Docker Hub's canonical host. */
export const DOCKER_HUB = 'docker.io';
/** Hosts that are Docker Hub (image references and registry mirrors may use any of them). */
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

/** True for `docker.io` and its aliases (any case). */
export function isDockerHub(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** A registry host as one name: lower case, Docker Hub's aliases folded into `docker.io`. */
export function canonicalRegistry(host: string): string {
  return isDockerHub(host) ? DOCKER_HUB : host.toLowerCase();
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

/** `ubuntu:24.04` → docker.io/library/ubuntu; `ghcr.io/org/x` → ghcr.io/org/x. Scheme prefixes (`docker://`) are dropped. */
export function normalizeRef(reference: string): NormalizedRef {
  const unprefixed = reference.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const split = splitImageRef(unprefixed, unprefixed, NO_RANGE);
  const registry = canonicalRegistry(split.registry ?? DOCKER_HUB);
  const repository = registry === DOCKER_HUB && !split.repository.includes('/') ? `library/${split.repository}` : split.repository;
  return { registry, repository, digest: split.digest, tag: split.tag };
}

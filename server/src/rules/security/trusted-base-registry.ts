// HPC-SEC-002: base images from registries or namespaces outside the project's allowlist.
import { defineRule, type RuleContext } from '../../engine/rule';
import { DOCKER_HUB, isDockerHub, type NormalizedRef, normalizeRef } from '../../knowledge/registries';
import type { Recipe, Stage } from '../../recipe/model';
import { activeSites, onSite, siteFact } from '../../site/checks';
import type { Site } from '../../site/profile';
import { expandedBase, headerOf, isStageReference } from '../util/base-image';
import docs from './trusted-base-registry.md';

/** Agents whose `From:` names an image in a registry. */
const REGISTRY_AGENTS = new Set(['docker', 'oras', 'library']);
const DEFAULT_LIBRARY = 'cloud.sylabs.io';
/**
 * Docker Hub namespaces of official-image architecture variants and well-known publishers. Without an allowlist, other
 * personal namespaces get a hint (not a warning): who maintains them is the thing to check.
 */
const KNOWN_PUBLISHERS = new Set([
  'library', 'amd64', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 's390x', 'riscv64', 'mips64le',
  'nvidia', 'intel', 'rocm', 'amd', 'continuumio', 'condaforge', 'mambaorg', 'rocker', 'bioconductor', 'biocontainers', 'jupyter',
  'tensorflow', 'pytorch', 'kitware', 'rockylinux', 'almalinux', 'opensuse', 'amazonlinux', 'redhat', 'bitnami', 'docker', 'moby',
  'nginxinc', 'ibmcom', 'gitlab', 'hashicorp', 'grafana', 'apache', 'julia', 'spack', 'ecpe4s', 'nersc', 'tacc', 'fluxrm', 'dealii',
  'openmpi', 'mpich', 'lammps', 'gromacs', 'rapidsai', 'huggingface', 'ubuntu', 'debian', 'fedora', 'centos', 'alpine', 'continuum',
  'pawsey', 'taccaci', 'nfcore', 'trinityrnaseq', 'osrf', 'poldracklab', 'nipreps', 'texlive', 'tonistiigi', 'ros', 'opensciencegrid',
]);

export default defineRule({
  meta: {
    code: 'HPC-SEC-002',
    name: 'trusted-base-registry',
    category: 'security',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const trusted = compileEntries(context.settings.trustedRegistries);
    const siteLists = siteAllowlists(activeSites(context.settings));
    for (const stage of recipe.stages) {
      if (isStageReference(recipe, stage) || stage.base.raw.trim() === '') {
        continue;
      }
      const agent = stage.base.agent;
      const registryHeader = agent === 'docker' ? headerOf(stage, 'registry') : undefined;
      if (registryHeader && /^http:\/\//i.test(registryHeader.value.value.trim())) {
        context.report({
          range: registryHeader.value.range,
          message: `\`Registry: ${registryHeader.value.value.trim()}\` uses plain HTTP: the base image can be read and replaced in transit. Use an \`https://\` registry.`,
        });
        continue;
      }
      if (!REGISTRY_AGENTS.has(agent)) {
        continue;
      }
      const ref = referenceOf(recipe, stage);
      if (!ref) {
        continue;
      }
      const full = `${ref.registry}/${ref.repository}`;
      if (siteLists.length > 0) {
        reportOnSites(context, stage, full, siteLists);
      }
      if (trusted.length === 0) {
        if (siteLists.length > 0) {
          continue; // the sites' lists answer the question the hint asks
        }
        const namespace = ref.repository.split('/')[0];
        if (ref.registry === 'docker.io' && agent === 'docker' && ref.repository.includes('/') && !KNOWN_PUBLISHERS.has(namespace.toLowerCase())) {
          context.report({
            range: stage.base.range,
            severity: 'hint',
            message: `Base \`${stage.base.raw.trim()}\` comes from the Docker Hub account \`${namespace}\` (a user or organisation, not an official image or a well-known publisher); check who maintains it, or list approved sources in \`trustedRegistries\`.`,
          });
        }
        continue;
      }
      if (trusted.some((entry) => entry.test(full))) {
        continue;
      }
      context.report({
        range: stage.base.range,
        message: `Base \`${stage.base.raw.trim()}\` comes from \`${origin(full, ref.registry)}\`, which is not in \`trustedRegistries\` (${context.settings.trustedRegistries.join(', ')}).`,
      });
    }
  },
});

/** A site's trusted registries: the profile's `registries.trusted` and the site's own registry mirrors. */
interface SiteAllowlist {
  site: Site;
  listed: string[];
  entries: RegExp[];
}

function siteAllowlists(sites: readonly Site[]): SiteAllowlist[] {
  return sites
    .filter((site) => (site.profile.registries?.trusted ?? []).length > 0)
    .map((site) => {
      const listed = site.profile.registries?.trusted ?? [];
      const mirrors = (site.profile.registries?.mirrors ?? []).map((entry) => entry.mirror);
      return { site, listed, entries: compileEntries([...listed, ...mirrors]) };
    });
}

/** One finding for the sites that do not trust the base's registry, naming each and their lists. */
function reportOnSites(context: RuleContext, stage: Stage, full: string, lists: readonly SiteAllowlist[]): void {
  const untrusting = lists.filter((list) => !list.entries.some((entry) => entry.test(full)));
  if (untrusting.length === 0) {
    return;
  }
  const sites = untrusting.map((list) => list.site);
  const listed = [...new Set(untrusting.flatMap((list) => list.listed))].join(', ');
  context.report({
    range: stage.base.range,
    message: onSite(
      sites,
      `base \`${stage.base.raw.trim()}\` comes from \`${origin(full, full.split('/')[0])}\`, which is not among the registries the site trusts (${listed}). ` +
        'Build from a trusted source or the site\'s mirror, or ask the site to review it.',
    ),
    site: siteFact(sites, `trusted registries: ${listed}`, 'registries.trusted'),
  });
}

/** `ghcr.io/org` for `ghcr.io/org/tool`; the registry alone for a one-segment repository. */
function origin(full: string, registry: string): string {
  return full.slice(0, full.lastIndexOf('/')) || registry;
}

function compileEntries(entries: readonly string[]): RegExp[] {
  return entries.map(compileEntry).filter((entry): entry is RegExp => entry !== undefined);
}

function referenceOf(recipe: Recipe, stage: Stage): NormalizedRef | undefined {
  const reference = expandedBase(recipe, stage);
  if (reference === undefined || reference.toLowerCase() === 'scratch') {
    return undefined;
  }
  if (stage.base.agent === 'library') {
    const host = headerOf(stage, 'library')?.value.value.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '') || DEFAULT_LIBRARY;
    const path = reference.replace(/^library:\/\//i, '').replace(/^\/+/, '').replace(/[:@].*$/, '');
    return { registry: host.toLowerCase(), repository: path };
  }
  if (stage.base.agent === 'docker' && recipe.format === 'apptainer') {
    const registry = headerOf(stage, 'registry')?.value.value.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    const namespace = headerOf(stage, 'namespace')?.value.value.trim().replace(/^\/+|\/+$/g, '');
    const plain = reference.replace(/^docker:\/\//i, '');
    if (registry && !hasRegistry(plain)) {
      return normalizeRef(`${registry}/${namespace ? `${namespace}/` : ''}${plain}`);
    }
    if (namespace && !hasRegistry(plain) && !plain.includes('/')) {
      return normalizeRef(`docker.io/${namespace}/${plain}`);
    }
  }
  return normalizeRef(reference);
}

function hasRegistry(reference: string): boolean {
  const slash = reference.indexOf('/');
  if (slash <= 0) {
    return false;
  }
  const first = reference.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** `docker.io/library` → matches `docker.io/library/...`; `*` matches inside one path segment. */
function compileEntry(entry: string): RegExp | undefined {
  let text = entry.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  if (text === '') {
    return undefined;
  }
  const slash = text.indexOf('/');
  const host = slash >= 0 ? text.slice(0, slash) : text;
  if (isDockerHub(host)) {
    text = `${DOCKER_HUB}${slash >= 0 ? text.slice(slash) : ''}`;
  }
  const pattern = text
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${pattern}(/|$)`, 'i');
}

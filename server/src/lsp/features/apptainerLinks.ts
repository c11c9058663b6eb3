// Definition files: links on `From:` images (the registry's page), on local bases and `%files` sources that
// exist next to the definition file, and on every http(s) URL. Nothing is fetched; files are only checked to exist.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentLink, Range } from 'vscode-languageserver';
import type { ImageRef, Recipe, Word } from '../../recipe/model';
import { LineIndex } from '../../recipe/text';
import { filePathOf } from '../uri';

const URL_PATTERN = /\bhttps?:\/\/[^\s"'`<>(){}[\]\\|^]+/g;
/** Characters that end a sentence or a shell word rather than the URL. */
const URL_TAIL = /[.,;:!?*]+$/;
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
/** Agents whose `From:` names an image in an OCI registry (Docker Hub when no registry is written; oras always names one). */
const REGISTRY_AGENTS = new Set(['docker', 'docker-daemon', 'oci', 'oras']);
/** Agents whose `From:` is a path on the build host. */
const LOCAL_AGENTS = new Set(['localimage', 'docker-archive', 'oci-archive', 'buildkit', 'dockerfile']);

export function apptainerLinks(recipe: Recipe, uri: string): DocumentLink[] {
  const directory = dirnameOf(uri);
  const links: DocumentLink[] = [];
  for (const stage of recipe.stages) {
    const image = stage.base.image;
    const agent = stage.base.agent;
    if (image && !/\{\{|\$/.test(`${image.registry ?? ''}/${image.repository}`)) {
      const target = agent === 'library' ? libraryPage(image, stage.steps) : REGISTRY_AGENTS.has(agent) ? registryPage(image) : undefined;
      if (target) {
        links.push({ range: imageRange(image), target, tooltip: 'Open the image page' });
      }
    }
    const from = stage.steps.find((step) => step.kind === 'header' && step.key === 'from');
    if (from?.kind === 'header' && LOCAL_AGENTS.has(agent) && directory) {
      pushFileLink(links, from.value, directory);
    }
    for (const step of stage.steps) {
      if (step.kind === 'copy' && !step.from && directory) {
        for (const source of step.sources) {
          pushFileLink(links, source, directory);
        }
      }
    }
  }
  links.push(...urlLinks(recipe.text, links));
  return links;
}

function dirnameOf(uri: string): string | undefined {
  const path = filePathOf(uri);
  return path ? dirname(path) : undefined;
}

/** A link to a file or directory the word names, relative to the definition file, when it exists. */
function pushFileLink(links: DocumentLink[], word: Word, directory: string): void {
  const path = word.value.trim();
  if (path.length === 0 || /[*?[{$]/.test(path) || /^[a-z][\w+.-]*:\/\//i.test(path)) {
    return;
  }
  const absolute = isAbsolute(path) ? path : resolve(directory, path);
  if (existsSync(absolute)) {
    links.push({ range: word.range, target: pathToFileURL(absolute).toString(), tooltip: 'Open the file' });
  }
}

/** The image name as written, without a `docker://` prefix, tag or digest. */
function imageRange(image: ImageRef): Range {
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(image.raw)?.[0].length ?? 0;
  const start = image.range.start.character + scheme;
  const length = (image.registry ? image.registry.length + 1 : 0) + image.repository.length;
  return { start: { line: image.range.start.line, character: start }, end: { line: image.range.start.line, character: start + length } };
}

/** The web page of an image on the registries whose page address follows from the image name. */
export function registryPage(image: ImageRef): string | undefined {
  const registry = image.registry?.toLowerCase();
  const repository = image.repository;
  if (!registry || DOCKER_HUB.has(registry)) {
    const path = repository.replace(/^library\//, '');
    return path.includes('/') ? `https://hub.docker.com/r/${path}` : `https://hub.docker.com/_/${path}`;
  }
  if (registry === 'quay.io') {
    return `https://quay.io/repository/${repository}`;
  }
  if (registry === 'nvcr.io') {
    // nvcr.io/<org>[/<team>]/<image> → the NGC catalog page.
    const parts = repository.split('/');
    if (parts.length === 2) {
      return `https://catalog.ngc.nvidia.com/orgs/${parts[0]}/containers/${parts[1]}`;
    }
    if (parts.length === 3) {
      return `https://catalog.ngc.nvidia.com/orgs/${parts[0]}/teams/${parts[1]}/containers/${parts[2]}`;
    }
    return undefined;
  }
  if (registry === 'ghcr.io' && repository.includes('/')) {
    return `https://github.com/${repository}/pkgs/container/${repository.slice(repository.lastIndexOf('/') + 1)}`;
  }
  if (registry === 'mcr.microsoft.com') {
    return `https://mcr.microsoft.com/artifact/mar/${repository}`;
  }
  return undefined;
}

/** `library://` images on the Sylabs Cloud library (only when the stage names no other library server). */
function libraryPage(image: ImageRef, steps: Recipe['stages'][number]['steps']): string | undefined {
  const library = steps.find((step) => step.kind === 'header' && step.key === 'library');
  if (library?.kind === 'header' && !/cloud\.sylabs\.io/i.test(library.value.value)) {
    return undefined;
  }
  const path = image.repository.replace(/^\/+/, '');
  return path.split('/').length === 3 ? `https://cloud.sylabs.io/library/${path}` : undefined;
}

/** Every http(s) URL in the text that no other link covers; `${…}`/`{{…}}` cut the URL short (not a real address). */
function urlLinks(text: string, existing: readonly DocumentLink[]): DocumentLink[] {
  const index = new LineIndex(text);
  const links: DocumentLink[] = [];
  URL_PATTERN.lastIndex = 0;
  for (let match = URL_PATTERN.exec(text); match; match = URL_PATTERN.exec(text)) {
    let url = match[0];
    const variable = url.search(/\$|\{\{/);
    if (variable >= 0) {
      continue;
    }
    url = url.replace(URL_TAIL, '');
    if (!/^https?:\/\/[^/]+\.[^/]/.test(url)) {
      continue;
    }
    const range = index.range(match.index, match.index + url.length);
    if (!existing.some((link) => link.range.start.line === range.start.line && overlaps(link.range, range))) {
      links.push({ range, target: url });
    }
  }
  return links;
}

function overlaps(a: Range, b: Range): boolean {
  return a.start.character < b.end.character && b.start.character < a.end.character;
}

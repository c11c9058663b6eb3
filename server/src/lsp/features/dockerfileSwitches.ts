// Which re-hosted Dockerfile editing features answer for a document. `hpclint.dockerfile.editorFeatures`
// switches them all (`auto`: off while an extension bundling the same language service is installed, so
// the user never sees two completions, hovers, formatters or syntax findings); one setting each turns
// completion, hover, formatting or syntax findings off. hpclint's own findings, hovers and fixes stay.
import type { DockerfileSettings } from '../documents/settings';
import { DOCKER_LANGUAGE_EXTENSIONS } from '../protocol';

export interface DockerfileSwitches {
  completion: boolean;
  /** The language hover (instruction docs); hovers on findings always answer. */
  hover: boolean;
  /** Document, range and on-type formatting. */
  formatting: boolean;
  /** dockerfile-utils' syntax findings and their quick fixes. */
  syntaxValidation: boolean;
  /** Symbols, folding, links, rename, highlights, definition, signature help, semantic tokens. */
  navigation: boolean;
}

export function dockerfileSwitches(settings: DockerfileSettings, neighbours: readonly string[]): DockerfileSwitches {
  const on = settings.editorFeatures === 'on' || (settings.editorFeatures === 'auto' && neighbours.length === 0);
  return {
    completion: on && settings.completion,
    hover: on && settings.hover,
    formatting: on && settings.formatting,
    syntaxValidation: on && settings.syntaxValidation,
    navigation: on,
  };
}

/** The known extensions among `ids`, e.g. `["docker.docker"]` (anything else a client sends is dropped). */
export function knownDockerExtensions(ids: unknown): string[] {
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && Object.hasOwn(DOCKER_LANGUAGE_EXTENSIONS, id)) : [];
}

/** What the output channel says about the installed Docker extensions (none: the features are back). */
export function dockerExtensionsMessage(ids: readonly string[]): string {
  if (ids.length === 0) {
    return 'hpclint: no Docker extension is installed any more; with hpclint.dockerfile.editorFeatures "auto" hpclint offers its Dockerfile editing features again.';
  }
  const names = ids.map((id) => `${DOCKER_LANGUAGE_EXTENSIONS[id] ?? id} (${id})`).join(' and ');
  return `hpclint: ${names} edits Dockerfiles too; with hpclint.dockerfile.editorFeatures "auto" hpclint gives HPC findings only there (no completion, language hover, formatting or syntax findings).`;
}

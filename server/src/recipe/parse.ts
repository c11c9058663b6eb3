// Format detection (file name first, then content) and dispatch to the two front ends.
import { parseDefinitionFile } from './apptainer';
import { parseDockerfile } from './dockerfile';
import type { Recipe, RecipeFormat } from './model';

const DOCKERFILE_NAME = /(dockerfile|containerfile)/i;
const APPTAINER_NAME = /^(singularity|apptainer)(\..+)?$/i;
const APPTAINER_WORD = /(singularity|apptainer)/i;
const SECTION_LINE = /^%(post|environment|runscript|files|labels|help|setup|test)\b/i;
const HEADER_LINE = /^\s*(bootstrap|from)\s*:/i;
const FROM_INSTRUCTION = /^\s*FROM\s+\S/i;
const LEADING_ARG = /^\s*ARG\s/i;
/** How far content sniffing looks (lines). */
const SNIFF_LINES = 200;

/** Base name of a path or URI path (handles `/` and `\`). */
export function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] ?? fileName;
}

/**
 * The recipe format of a file: by name (`Dockerfile`, `*.dockerfile`, `Singularity.*`, …), by content
 * for `*.def` and unknown names; undefined if neither tells. Names that merely contain
 * `Singularity`/`Apptainer` (`examples__mpi__Apptainer`) are sniffed and default to apptainer.
 */
export function detectFormat(fileName: string | undefined, text: string): RecipeFormat | undefined {
  const name = fileName ? baseName(fileName) : '';
  if (name.length > 0) {
    const byName = formatFromName(name);
    if (byName !== undefined) {
      return byName;
    }
  }
  return formatFromContent(text) ?? (APPTAINER_WORD.test(name) ? 'apptainer' : undefined);
}

/**
 * Format by file name alone; `*.def`, names merely containing `Singularity`/`Apptainer` (also together with
 * `Dockerfile`, as in `dockerfiles__guppy__Singularity.v5`) and unknown names give undefined (sniff content).
 */
export function formatFromName(name: string): RecipeFormat | undefined {
  if (APPTAINER_NAME.test(name)) {
    return 'apptainer';
  }
  if (/\.def$/i.test(name)) {
    return undefined;
  }
  if (DOCKERFILE_NAME.test(name) && !APPTAINER_WORD.test(name)) {
    return 'dockerfile';
  }
  return undefined;
}

/** True if a file name looks like a recipe (used when walking directories; `*.def` etc. still need content to agree). */
export function isRecipeFileName(name: string): boolean {
  return formatFromName(name) !== undefined || /\.def$/i.test(name) || APPTAINER_WORD.test(name);
}

/**
 * Format from content: the first significant line is a `Bootstrap:`/`From:` header (apptainer) or a
 * `FROM image` instruction (dockerfile, also after leading `ARG`s); otherwise any line starting with a
 * definition-file section (`%post`, `%environment`, …) makes it apptainer.
 */
export function formatFromContent(text: string): RecipeFormat | undefined {
  let start = 0;
  let decided = false;
  for (let count = 0; count < SNIFF_LINES && start <= text.length; count++) {
    let end = text.indexOf('\n', start);
    if (end < 0) {
      end = text.length;
    }
    const line = text.slice(start, end);
    start = end + 1;
    const trimmed = line.trim();
    if (SECTION_LINE.test(trimmed)) {
      return 'apptainer';
    }
    if (decided || trimmed.length === 0 || trimmed.startsWith('#')) {
      continue;
    }
    if (HEADER_LINE.test(line)) {
      return 'apptainer';
    }
    if (FROM_INSTRUCTION.test(line)) {
      return 'dockerfile';
    }
    if (!LEADING_ARG.test(line)) {
      decided = true;
    }
  }
  return undefined;
}

export function parseRecipe(text: string, format: RecipeFormat): Recipe {
  return format === 'apptainer' ? parseDefinitionFile(text) : parseDockerfile(text);
}

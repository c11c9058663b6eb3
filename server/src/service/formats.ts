// Which recipe format a text is. In an editor: the content when it is decisive (a `Bootstrap:` header, a
// `FROM image` line), else the language id; clients that send one language id for every file (eglot with
// one server entry) still get definition files linted as such. Otherwise: the file name, then the content.
import { own } from '../engine/own';
import type { RecipeFormat } from '../recipe/model';
import { detectFormat, formatFromContent } from '../recipe/parse';

const LANGUAGE_FORMATS: Record<string, RecipeFormat> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  apptainer: 'apptainer',
  singularity: 'apptainer',
};

export interface FormatInput {
  /** The editor's language id, when there is an editor. */
  languageId?: string;
  /** A path or URI; only its base name counts. */
  fileName?: string;
  text: string;
}

/** The recipe format, or undefined when neither the language id, the name nor the content tells. */
export function formatFor({ languageId, fileName, text }: FormatInput): RecipeFormat | undefined {
  const byLanguage = languageId === undefined ? undefined : own(LANGUAGE_FORMATS, languageId.toLowerCase());
  if (byLanguage !== undefined) {
    return formatFromContent(text) ?? byLanguage;
  }
  return detectFormat(fileName, text);
}

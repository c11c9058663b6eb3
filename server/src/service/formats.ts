// Which recipe format a text is: the editor's language id first, then the file name, then the content.
import { own } from '../engine/own';
import type { RecipeFormat } from '../recipe/model';
import { detectFormat } from '../recipe/parse';

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
  return byLanguage ?? detectFormat(fileName, text);
}

// Parsed recipes for the editing features that need the model on the main thread (definition-file hover,
// completion, symbols, folding). Parse only, once per document version, for a few recent documents.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, skipReason } from '../../engine/lint';
import type { Recipe, RecipeFormat } from '../../recipe/model';
import { parseRecipe } from '../../recipe/parse';

const KEPT = 8;

export class RecipeCache {
  /** Most recently used last. */
  private readonly entries = new Map<string, { version: number; recipe: Recipe }>();

  get(document: TextDocument, format: RecipeFormat): Recipe {
    const cached = this.entries.get(document.uri);
    this.entries.delete(document.uri);
    if (cached && cached.version === document.version && cached.recipe.format === format) {
      this.entries.set(document.uri, cached);
      return cached.recipe;
    }
    const text = document.getText();
    // Too big or binary: the engine's empty recipe, without parsing.
    const recipe = skipReason(text) === undefined ? parseRecipe(text, format) : lint(text, { format, rules: [] }).recipe;
    this.entries.set(document.uri, { version: document.version, recipe });
    if (this.entries.size > KEPT) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return recipe;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

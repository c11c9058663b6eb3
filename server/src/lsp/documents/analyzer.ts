// Runs the engine for open documents and keeps the latest result per document version.
import { own } from '../../engine/own';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, skipReason } from '../../engine/lint';
import type { LintResult } from '../../engine/types';
import type { Recipe, RecipeFormat } from '../../recipe/model';
import { detectFormat, parseRecipe } from '../../recipe/parse';
import type { ConfigResolver } from './configResolver';
import type { HpclintSettings, SettingsStore } from './settings';
import { baseNameOf } from '../uri';

export interface DocumentAnalysis {
  uri: string;
  version: number;
  format: RecipeFormat;
  settings: HpclintSettings;
  /** Undefined when linting is disabled for the document. */
  result?: LintResult;
}

const LANGUAGE_FORMATS: Record<string, RecipeFormat> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  apptainer: 'apptainer',
  singularity: 'apptainer',
};

/** The recipe format of a document: its language id, else its name and content. */
export function formatOf(document: TextDocument): RecipeFormat | undefined {
  return own(LANGUAGE_FORMATS, document.languageId.toLowerCase()) ?? detectFormat(baseNameOf(document.uri), document.getText());
}

export class Analyzer {
  private readonly cache = new Map<string, DocumentAnalysis>();
  /** Parsed recipes for features when no lint result is current (e.g. linting disabled). */
  private readonly recipes = new Map<string, { version: number; recipe: Recipe }>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly configs: ConfigResolver,
  ) {}

  /** The analysis of the document's current version (cached). Undefined for documents that are not recipes. */
  async analyze(document: TextDocument): Promise<DocumentAnalysis | undefined> {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version) {
      return cached;
    }
    const settings = await this.settings.get(document.uri);
    return this.analyzeWith(document, settings);
  }

  /** Synchronous analysis with known settings. */
  analyzeWith(document: TextDocument, settings: HpclintSettings): DocumentAnalysis | undefined {
    const format = formatOf(document);
    if (format === undefined) {
      return undefined;
    }
    const analysis: DocumentAnalysis = { uri: document.uri, version: document.version, format, settings };
    if (settings.enable) {
      const { config } = this.configs.resolve(document.uri, settings);
      analysis.result = lint(document.getText(), { fileName: baseNameOf(document.uri), format, config });
    }
    this.cache.set(document.uri, analysis);
    return analysis;
  }

  /** The latest analysis if it is for the document's current version. */
  current(document: TextDocument): DocumentAnalysis | undefined {
    const cached = this.cache.get(document.uri);
    return cached && cached.version === document.version ? cached : undefined;
  }

  /** The parsed recipe of the current version (from the lint result when there is one). */
  recipe(document: TextDocument, format: RecipeFormat): Recipe {
    const fromLint = this.current(document)?.result?.recipe;
    if (fromLint && fromLint.format === format) {
      return fromLint;
    }
    const cached = this.recipes.get(document.uri);
    if (cached && cached.version === document.version && cached.recipe.format === format) {
      return cached.recipe;
    }
    const text = document.getText();
    // Too big or binary: the engine returns an empty recipe without parsing.
    const recipe = skipReason(text) === undefined ? parseRecipe(text, format) : lint(text, { format }).recipe;
    this.recipes.set(document.uri, { version: document.version, recipe });
    return recipe;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.recipes.delete(uri);
  }

  /** Settings or config files changed: every cached result is stale. */
  invalidateAll(): void {
    this.cache.clear();
  }
}

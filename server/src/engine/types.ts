import type { Range, Recipe, RecipeFormat } from '../recipe/model';
import type { ScriptInputs, ScriptReader } from '../recipe/copied-scripts';
import type { Category, Fix, RuleSettings, Severity, SeveritySetting, SiteFact } from './rule';

/** One finding after severity overrides and pragmas: what the CLI prints and the server publishes. */
export interface HpcDiagnostic {
  /** `HPC-PORT-001`, `dockerfile-utils/<ValidationCode name>`, `shellcheck/SC<NNNN>`, or `hpclint/parse` for our own parse problems. */
  code: string;
  /** Rule name (`no-march-native`); for syntax and ShellCheck findings the code's last part. */
  name: string;
  category: Category | 'syntax' | 'shell';
  severity: Severity;
  message: string;
  range: Range;
  fixes: Fix[];
  /** How to fix this finding when the rule page's general advice does not fit it. */
  howToFix?: string;
  source: 'hpclint' | 'dockerfile-utils' | 'shellcheck';
  /** The site and profile fact behind a site-specific finding. */
  site?: SiteFact;
  /** Where else the finding is: for a finding inside a copied script, the script's line (`path` relative to the build context). */
  related?: RelatedLocation[];
}

export interface RelatedLocation {
  /** Build-context path (relative to the recipe's directory, `/`-separated). */
  path: string;
  range: Range;
  message: string;
}

/** Effective configuration for one recipe: VS Code settings / CLI flags merged with `.hpclint.yaml`. */
export interface ResolvedConfig {
  /** Keys are rule codes or names. */
  rules: Record<string, SeveritySetting>;
  /** Keys are category words. */
  categories: Record<string, SeveritySetting>;
  settings: RuleSettings;
  /** Merge dockerfile-utils' syntax diagnostics for Dockerfiles. */
  syntaxValidation: boolean;
  /**
   * Severities from another tool's config file (`.hadolint.yaml`: `ignored`, `override`, `label-schema`),
   * keyed by its codes (`DL3007`, `SC2086`) or hpclint codes. They apply to findings that hpclint's own
   * settings (`rules`, `categories`) leave alone; `off` drops the finding.
   */
  compat?: Array<{ key: string; setting: SeveritySetting }>;
}

export interface LintOptions {
  /** Used for format detection and messages. */
  fileName?: string;
  /** Forces the format; otherwise detected from file name and content. */
  format?: RecipeFormat;
  config?: ResolvedConfig;
  /**
   * Build-context files that the recipe copies in and runs, read by the caller (the engine reads nothing), or the
   * caller's reader, asked once for the paths the recipe wants: their findings are reported on the commands that run
   * them. Undefined: there is no build context.
   */
  scripts?: ScriptInputs | ScriptReader;
}

export interface LintResult {
  format: RecipeFormat;
  recipe: Recipe;
  diagnostics: HpcDiagnostic[];
  /** Build-context paths of the copied scripts the recipe runs (what the caller may read and pass as `scripts`). */
  wantedScripts: string[];
}

// The protocol between the hpclint client and server, declared once: custom request names with their
// parameter and result types, client command ids, the settings section and the config-file watch glob.
// The VS Code client imports this file too, so it must stay free of runtime dependencies.
import type { ConversionNote } from '../convert/dockerfileToDefinition';

/** `workspace/configuration` section and prefix of every contributed setting. */
export const SETTINGS_SECTION = 'hpclint';

/** Config files the client watches (`didChangeWatchedFiles`); matches `CONFIG_FILE_NAMES`. */
export const CONFIG_FILE_GLOB = '**/.hpclint.{yaml,yml,json}';

/** hadolint's config files, read below hpclint's (compat/hadolintConfig.ts); matches `HADOLINT_CONFIG_NAMES`. */
export const HADOLINT_CONFIG_GLOB = '**/.hadolint.{yaml,yml}';

/** `initialize` options the client may send. */
export interface InitializationOptions {
  /**
   * Whether the user trusts the workspace (VS Code's workspace trust). Extra diagnostic sources that run
   * programs the workspace configures (ShellCheck) only run when this is true. Default: false.
   */
  workspaceTrusted?: boolean;
}

/** Client → server: the user granted workspace trust (VS Code's `onDidGrantWorkspaceTrust`). */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'hpclint/didGrantWorkspaceTrust';

/** Site profile files the client watches: a change re-lints open recipes. */
export const SITE_PROFILE_GLOB = '**/*.hpclint-site.{yaml,yml,json}';

/** Code action kind of "Fix all safe hpclint problems" (`editor.codeActionsOnSave`). */
export const FIX_ALL_KIND = 'source.fixAll.hpclint';

/** Markdown documentation of a rule, or null when no rule has that code or name. */
export const RULE_DOCUMENTATION_REQUEST = 'hpclint/ruleDocumentation';
export interface RuleDocumentationParams {
  code: string;
}
export type RuleDocumentationResult = string | null;

/** Every rule, for the client's rule picker. */
export const RULE_LIST_REQUEST = 'hpclint/listRules';
export interface RuleSummary {
  code: string;
  name: string;
  summary: string;
}

/** Dockerfile text → definition-file text and its transcoding notes (HPC-BUILD-002). */
export const CONVERT_DOCKERFILE_REQUEST = 'hpclint/convertDockerfile';
export interface ConvertDockerfileParams {
  uri: string;
  text: string;
  /** Build target; default: the last stage. */
  stage?: string;
}
export type ConvertDockerfileResult =
  | { text: string; notes: ConversionNote[]; /** Suggested file name next to the Dockerfile. */ fileName: string }
  | { error: string };

/** The bundled site profiles, for the client's site picker. */
export const SITE_LIST_REQUEST = 'hpclint/listSites';
export interface SiteSummary {
  name: string;
  description: string;
  partitions: string[];
}

/** Which site profiles apply to a document, and why (status-bar entry). */
export const SITE_STATUS_REQUEST = 'hpclint/siteStatus';
export interface SiteStatusParams {
  uri: string;
}
export interface SiteStatus {
  /** Site names as findings show them; empty = no profile (generic answers). */
  sites: string[];
  /** `setting`: hpclint.site; `config`: a config file's `site:`; `none`: no profile. */
  from: 'setting' | 'config' | 'none';
  configFile?: string;
  /** A broken profile or site setting. */
  error?: string;
}
export type SiteStatusResult = SiteStatus | null;

/** Client commands the server refers to (code action commands) or the manifest contributes. */
export const SHOW_DOCUMENTATION_COMMAND = 'hpclint.showRuleDocumentation';
export const CONVERT_COMMAND = 'hpclint.convertToApptainer';
export const RESTART_SERVER_COMMAND = 'hpclint.restartServer';
export const SHOW_OUTPUT_COMMAND = 'hpclint.showOutput';
export const SELECT_SITE_COMMAND = 'hpclint.selectSite';

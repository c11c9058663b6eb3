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
  /**
   * Ids of the installed extensions that bundle the Dockerfile language service hpclint re-hosts
   * (`DOCKER_LANGUAGE_EXTENSIONS`). When one is there, `hpclint.dockerfile.editorFeatures: "auto"` leaves
   * Dockerfile completion, hover, formatting and syntax findings to it. Default: none.
   */
  dockerExtensions?: string[];
  /**
   * The `hpclint` settings section (the keys of the `hpclint.*` settings), for clients that cannot answer
   * `workspace/configuration`. Default: none.
   */
  settings?: unknown;
}

/** The keys `InitializationOptions` declares; others are reported and ignored. */
export const INITIALIZATION_OPTION_KEYS: ReadonlyArray<keyof InitializationOptions> = ['workspaceTrusted', 'dockerExtensions', 'settings'];

/**
 * Extensions that bundle rcjsuen's Dockerfile language service (completion, hover, formatting, dockerfile-utils
 * diagnostics): Microsoft's Container Tools and its predecessor Docker, and Docker Inc.'s Docker DX.
 */
export const DOCKER_LANGUAGE_EXTENSIONS: Readonly<Record<string, string>> = {
  'ms-azuretools.vscode-containers': 'Container Tools',
  'ms-azuretools.vscode-docker': 'Docker',
  'docker.docker': 'Docker DX',
};

/** Client → server: the installed `DOCKER_LANGUAGE_EXTENSIONS` changed (`{ extensions: string[] }`). */
export const DOCKER_EXTENSIONS_NOTIFICATION = 'hpclint/didChangeDockerExtensions';
export interface DockerExtensionsParams {
  extensions: string[];
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

/** What the hpclint status-bar item shows for a document (besides its findings, which the client counts). */
export const DOCUMENT_STATUS_REQUEST = 'hpclint/documentStatus';
export interface DocumentStatusParams {
  uri: string;
}
export interface DocumentStatus {
  /** `hpclint.enable` for the document. */
  enabled: boolean;
  /** The config file in use (`hpclint.configFile` or the nearest `.hpclint.yaml`); absent = settings and defaults. */
  configFile?: string;
  /** An invalid config file, site profile or `hpclint.site` setting. */
  error?: string;
  site: SiteStatus;
  /** Dockerfiles: whether the re-hosted editing features answer, and the installed extensions that offer them. */
  dockerfile?: { editorFeatures: boolean; dockerExtensions: string[] };
}
export type DocumentStatusResult = DocumentStatus | null;

/** Client commands the server refers to (code action commands) or the manifest contributes. */
export const SHOW_DOCUMENTATION_COMMAND = 'hpclint.showRuleDocumentation';
export const CONVERT_COMMAND = 'hpclint.convertToApptainer';
export const RESTART_SERVER_COMMAND = 'hpclint.restartServer';
export const SHOW_OUTPUT_COMMAND = 'hpclint.showOutput';
export const SELECT_SITE_COMMAND = 'hpclint.selectSite';

// `hpclint.*` settings per resource: requested with workspace/configuration, cached per document URI.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver';
import { isNonRuleCode, ruleByCodeOrName } from '../../engine/registry';
import { CATEGORIES, isSettingCategory, isSeveritySetting, oneOfText, SEVERITY_SETTINGS, type SeveritySetting } from '../../engine/rule';
import { allRules } from '../../rules/index';

export interface HpclintSettings {
  enable: boolean;
  /** Keys are rule codes or names. */
  rules: Record<string, SeveritySetting>;
  /** Keys are category words. */
  categories: Record<string, SeveritySetting>;
  /** Explicit config file path ('' = search for `.hpclint.yaml` above the document). */
  configFile: string;
  dockerfile: DockerfileSettings;
  /** Site profiles (bundled names or paths, `name:partition,…`); non-empty replaces config files' `site:`. */
  site: string[];
  /** ShellCheck on the recipe's scripts (trusted workspaces only); `path` '' = `shellcheck` on the PATH. */
  shellcheck: { enable: boolean; path: string };
}

/**
 * The Dockerfile editing features hpclint re-hosts from dockerfile-language-service. `editorFeatures`
 * switches them all: `auto` = on unless an extension that bundles the same service is installed (the
 * client names them, see `InitializationOptions.dockerExtensions`). The booleans switch one each off.
 */
export interface DockerfileSettings {
  editorFeatures: EditorFeaturesMode;
  completion: boolean;
  hover: boolean;
  formatting: boolean;
  /** dockerfile-utils' syntax findings (and their quick fixes). */
  syntaxValidation: boolean;
}

export type EditorFeaturesMode = 'auto' | 'on' | 'off';
export const EDITOR_FEATURES_MODES: readonly EditorFeaturesMode[] = ['auto', 'on', 'off'];
const DOCKERFILE_SWITCHES = ['completion', 'hover', 'formatting', 'syntaxValidation'] as const;

/** Keys of the `hpclint` settings section (nested, and flat as some clients send them). */
export const KNOWN_SETTINGS: ReadonlySet<string> = new Set([
  'enable',
  'rules',
  'categories',
  'configFile',
  'site',
  'dockerfile',
  'shellcheck',
  'trace',
  'dockerfile.editorFeatures',
  ...DOCKERFILE_SWITCHES.map((name) => `dockerfile.${name}`),
  'shellcheck.enable',
  'shellcheck.path',
  'trace.server',
]);

export function defaultSettings(): HpclintSettings {
  return {
    enable: true,
    rules: {},
    categories: {},
    configFile: '',
    dockerfile: { editorFeatures: 'auto', completion: true, hover: true, formatting: true, syntaxValidation: true },
    site: [],
    shellcheck: { enable: true, path: '' },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function severityMap(value: unknown): Record<string, SeveritySetting> {
  const result: Record<string, SeveritySetting> = {};
  if (!isRecord(value)) {
    return result;
  }
  for (const [key, severity] of Object.entries(value)) {
    const setting = severitySetting(severity);
    if (setting !== undefined) {
      result[key] = setting;
    }
  }
  return result;
}

/** A severity setting as clients write it (any case, `information` for `info`), or undefined. */
function severitySetting(severity: unknown): SeveritySetting | undefined {
  const normalized = typeof severity === 'string' ? severity.trim().toLowerCase() : '';
  const mapped = normalized === 'information' ? 'info' : normalized;
  return isSeveritySetting(mapped) ? mapped : undefined;
}

/**
 * What `normalizeSettings` would drop or ignore, one sentence per key: unknown settings, rule codes or
 * names and categories, bad severities, a bad `dockerfile.editorFeatures`. `where` names the source.
 */
export function settingsProblems(raw: unknown, where = 'hpclint'): string[] {
  if (!isRecord(raw)) {
    return [];
  }
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_SETTINGS.has(key)) {
      problems.push(`${where}.${key}: unknown setting is ignored (expected one of: ${[...KNOWN_SETTINGS].filter((name) => !name.includes('.')).join(', ')}).`);
    }
  }
  const rules = isRecord(raw.rules) ? raw.rules : {};
  for (const [key, severity] of Object.entries(rules)) {
    if (!ruleByCodeOrName(key, allRules) && !isNonRuleCode(key)) {
      problems.push(`${where}.rules: unknown rule "${key}" is ignored (use a code such as HPC-PORT-001 or a rule name).`);
    } else if (severitySetting(severity) === undefined) {
      problems.push(`${where}.rules: invalid severity ${JSON.stringify(severity)} for "${key}" is ignored (expected ${oneOfText(SEVERITY_SETTINGS)}).`);
    }
  }
  const categories = isRecord(raw.categories) ? raw.categories : {};
  for (const [key, severity] of Object.entries(categories)) {
    if (!isSettingCategory(key)) {
      problems.push(`${where}.categories: unknown category "${key}" is ignored (expected one of: ${CATEGORIES.join(', ')}).`);
    } else if (severitySetting(severity) === undefined) {
      problems.push(`${where}.categories: invalid severity ${JSON.stringify(severity)} for "${key}" is ignored (expected ${oneOfText(SEVERITY_SETTINGS)}).`);
    }
  }
  const dockerfile = isRecord(raw.dockerfile) ? raw.dockerfile : {};
  const mode = dockerfile.editorFeatures ?? raw['dockerfile.editorFeatures'];
  if (mode !== undefined && !(EDITOR_FEATURES_MODES as readonly unknown[]).includes(mode)) {
    problems.push(`${where}.dockerfile.editorFeatures: invalid value ${JSON.stringify(mode)} is ignored (expected ${oneOfText(EDITOR_FEATURES_MODES)}).`);
  }
  return problems;
}

/** `"lumi"`, `["lumi", "./x.hpclint-site.yaml"]` → trimmed non-empty names. */
function siteList(value: unknown): string[] {
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return items.filter((item): item is string => typeof item === 'string').map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Settings from whatever the client sent (missing or ill-typed values fall back to defaults). */
export function normalizeSettings(raw: unknown): HpclintSettings {
  const settings = defaultSettings();
  if (!isRecord(raw)) {
    return settings;
  }
  if (typeof raw.enable === 'boolean') {
    settings.enable = raw.enable;
  }
  settings.rules = severityMap(raw.rules);
  settings.categories = severityMap(raw.categories);
  if (typeof raw.configFile === 'string') {
    settings.configFile = raw.configFile.trim();
  }
  settings.site = siteList(raw.site);
  const dockerfile = isRecord(raw.dockerfile) ? raw.dockerfile : {};
  // Flat keys too, as some clients send them (`"dockerfile.syntaxValidation": false`).
  const mode = dockerfile.editorFeatures ?? raw['dockerfile.editorFeatures'];
  if ((EDITOR_FEATURES_MODES as readonly unknown[]).includes(mode)) {
    settings.dockerfile.editorFeatures = mode as EditorFeaturesMode;
  }
  for (const name of DOCKERFILE_SWITCHES) {
    const value = dockerfile[name] ?? raw[`dockerfile.${name}`];
    if (typeof value === 'boolean') {
      settings.dockerfile[name] = value;
    }
  }
  const shellcheck = isRecord(raw.shellcheck) ? raw.shellcheck : {};
  const enable = shellcheck.enable ?? raw['shellcheck.enable'];
  const path = shellcheck.path ?? raw['shellcheck.path'];
  if (typeof enable === 'boolean') {
    settings.shellcheck.enable = enable;
  }
  if (typeof path === 'string') {
    settings.shellcheck.path = path.trim();
  }
  return settings;
}

/**
 * Settings per document URI. With the workspace/configuration capability they are requested per
 * resource; without it (or when the client has no `hpclint` section), the `hpclint` section of the last
 * didChangeConfiguration is used for all, else the `settings` of the initialization options.
 */
export class SettingsStore {
  private readonly perUri = new Map<string, Promise<HpclintSettings>>();
  private global: HpclintSettings = defaultSettings();
  /** Problems already shown: each is reported once per session, not once per document. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly pullsConfiguration: () => boolean,
  ) {}

  /** The settings for a document, or without `uri` those of no particular resource (user and workspace). */
  get(uri?: string): Promise<HpclintSettings> {
    if (!this.pullsConfiguration()) {
      return Promise.resolve(this.global);
    }
    let settings = this.perUri.get(uri ?? '');
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration(uri === undefined ? { section: 'hpclint' } : { scopeUri: uri, section: 'hpclint' })
        .then((raw: unknown) => (isRecord(raw) ? this.normalize(raw) : this.global), () => this.global);
      this.perUri.set(uri ?? '', settings);
    }
    return settings;
  }

  /** didChangeConfiguration: forget everything; `pushed` is the notification's `settings` value. */
  invalidate(pushed?: unknown): void {
    this.perUri.clear();
    if (isRecord(pushed) && 'hpclint' in pushed) {
      this.global = this.normalize(pushed.hpclint);
    }
  }

  /** `initializationOptions.settings`: the settings until the client pushes or is asked for others. */
  initialize(raw: unknown): void {
    this.global = this.normalize(raw, 'hpclint: initializationOptions.settings');
  }

  /** `normalizeSettings`, with one warning per setting it had to ignore. */
  private normalize(raw: unknown, where?: string): HpclintSettings {
    for (const problem of settingsProblems(raw, where)) {
      if (!this.reported.has(problem)) {
        this.reported.add(problem);
        void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: problem });
      }
    }
    return normalizeSettings(raw);
  }

  forget(uri: string): void {
    this.perUri.delete(uri);
  }
}

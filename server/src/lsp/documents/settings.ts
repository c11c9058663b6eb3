// `hpclint.*` settings per resource: requested with workspace/configuration, cached per document URI.
import { MessageType, ShowMessageNotification, type Connection } from 'vscode-languageserver';
import { CATEGORIES } from '../../engine/config';
import { isNonRuleCode, ruleByCodeOrName } from '../../engine/registry';
import type { SeveritySetting } from '../../engine/rule';

export interface HpclintSettings {
  enable: boolean;
  /** Keys are rule codes or names. */
  rules: Record<string, SeveritySetting>;
  /** Keys are category words. */
  categories: Record<string, SeveritySetting>;
  /** Explicit config file path ('' = search for `.hpclint.yaml` above the document). */
  configFile: string;
  dockerfile: { syntaxValidation: boolean };
  /** Site profiles (bundled names or paths, `name:partition,…`); non-empty replaces config files' `site:`. */
  site: string[];
  /** ShellCheck on the recipe's scripts (trusted workspaces only); `path` '' = `shellcheck` on the PATH. */
  shellcheck: { enable: boolean; path: string };
}

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'error', 'warning', 'info', 'hint'];

export function defaultSettings(): HpclintSettings {
  return { enable: true, rules: {}, categories: {}, configFile: '', dockerfile: { syntaxValidation: true }, site: [], shellcheck: { enable: true, path: '' } };
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
    const normalized = typeof severity === 'string' ? severity.trim().toLowerCase() : '';
    const mapped = normalized === 'information' ? 'info' : normalized;
    if ((SEVERITY_SETTINGS as readonly string[]).includes(mapped)) {
      result[key] = mapped as SeveritySetting;
    }
  }
  return result;
}

function validSeverity(severity: unknown): boolean {
  const normalized = typeof severity === 'string' ? severity.trim().toLowerCase() : '';
  return (SEVERITY_SETTINGS as readonly string[]).includes(normalized === 'information' ? 'info' : normalized);
}

/**
 * What `normalizeSettings` would drop or ignore in `hpclint.rules` and `hpclint.categories`, one
 * sentence per key: unknown rule codes or names, unknown categories, bad severities.
 */
export function settingsProblems(raw: unknown): string[] {
  if (!isRecord(raw)) {
    return [];
  }
  const problems: string[] = [];
  const rules = isRecord(raw.rules) ? raw.rules : {};
  for (const [key, severity] of Object.entries(rules)) {
    if (!ruleByCodeOrName(key) && !isNonRuleCode(key)) {
      problems.push(`hpclint.rules: unknown rule "${key}" is ignored (use a code such as HPC-PORT-001 or a rule name).`);
    } else if (!validSeverity(severity)) {
      problems.push(`hpclint.rules: invalid severity ${JSON.stringify(severity)} for "${key}" is ignored (expected off, error, warning, info or hint).`);
    }
  }
  const categories = isRecord(raw.categories) ? raw.categories : {};
  for (const [key, severity] of Object.entries(categories)) {
    if (!(CATEGORIES as readonly string[]).includes(key)) {
      problems.push(`hpclint.categories: unknown category "${key}" is ignored (expected one of: ${CATEGORIES.join(', ')}).`);
    } else if (!validSeverity(severity)) {
      problems.push(`hpclint.categories: invalid severity ${JSON.stringify(severity)} for "${key}" is ignored (expected off, error, warning, info or hint).`);
    }
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
  const dockerfile = raw.dockerfile;
  if (isRecord(dockerfile) && typeof dockerfile.syntaxValidation === 'boolean') {
    settings.dockerfile.syntaxValidation = dockerfile.syntaxValidation;
  }
  // Flat keys, as some clients send them (`"dockerfile.syntaxValidation": false`).
  if (typeof raw['dockerfile.syntaxValidation'] === 'boolean') {
    settings.dockerfile.syntaxValidation = raw['dockerfile.syntaxValidation'];
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
 * resource; without it, the `hpclint` section of the last didChangeConfiguration is used for all.
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

  get(uri: string): Promise<HpclintSettings> {
    if (!this.pullsConfiguration()) {
      return Promise.resolve(this.global);
    }
    let settings = this.perUri.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'hpclint' })
        .then((raw: unknown) => this.normalize(raw), () => defaultSettings());
      this.perUri.set(uri, settings);
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

  /** `normalizeSettings`, with one warning per setting it had to ignore. */
  private normalize(raw: unknown): HpclintSettings {
    for (const problem of settingsProblems(raw)) {
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

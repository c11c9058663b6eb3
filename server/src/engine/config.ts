// `.hpclint.yaml` / `.hpclint.yml` / `.hpclint.json`: lookup, validation (errors with file:line) and merging.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { CATEGORIES, isSettingCategory, isSeveritySetting, oneOfText, SEVERITY_SETTINGS, type Rule, type RuleSettings, type SeveritySetting } from './rule';
import { isNonRuleCode, ruleByCodeOrName } from './registry';
import type { ResolvedConfig } from './types';
import { readBounded, repositoryEscape } from '../io/boundedRead';
import { resolveSiteReference, siteReferencesFromNode, YamlSource } from '../site/load';
import type { Site } from '../site/profile';

export const CONFIG_FILE_NAMES = ['.hpclint.yaml', '.hpclint.yml', '.hpclint.json'] as const;

export const TOP_LEVEL_KEYS = ['rules', 'categories', 'publish', 'trustedRegistries', 'registryMirror', 'syntaxValidation', 'ignorePaths', 'site'];

/** What a config file may set; everything optional. */
export interface ConfigOverride {
  rules?: Record<string, SeveritySetting>;
  categories?: Record<string, SeveritySetting>;
  publish?: 'public' | 'private';
  trustedRegistries?: string[];
  registryMirror?: string;
  syntaxValidation?: boolean;
  ignorePaths?: string[];
  /** Target sites (loaded profiles), replacing those of lower layers. */
  sites?: Site[];
  /** Severities from `.hadolint.yaml` (see ResolvedConfig.compat), replacing those of lower layers. */
  compat?: ResolvedConfig['compat'];
}

export interface ConfigFile extends ConfigOverride {
  path: string;
}

/** A problem in a config file, located by 1-based line. `toString()` = `path:line: message`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Today as `YYYY-MM-DD`; `HPCLINT_TODAY` overrides it (tests). */
export function today(): string {
  const fromEnv = process.env.HPCLINT_TODAY;
  if (fromEnv && /^\d{4}-\d{2}-\d{2}$/.test(fromEnv)) {
    return fromEnv;
  }
  return new Date().toISOString().slice(0, 10);
}

export function defaultSettings(): RuleSettings {
  return { trustedRegistries: [], today: today() };
}

export function defaultConfig(): ResolvedConfig {
  return { rules: {}, categories: {}, settings: defaultSettings(), syntaxValidation: true };
}

/**
 * Merges `override` onto `base` (override wins). Rule keys are normalised to rule codes when they name
 * a known rule, so `no-march-native: off` in one layer and `HPC-PORT-001: error` in another collide.
 */
export function mergeConfig(base: ResolvedConfig, override: ConfigOverride, rules: readonly Rule[]): ResolvedConfig {
  const merged: ResolvedConfig = {
    rules: normaliseRuleKeys(base.rules, rules),
    categories: { ...base.categories },
    settings: { ...base.settings, trustedRegistries: [...base.settings.trustedRegistries] },
    syntaxValidation: base.syntaxValidation,
  };
  const compat = override.compat ?? base.compat;
  if (compat !== undefined) {
    merged.compat = compat;
  }
  Object.assign(merged.rules, normaliseRuleKeys(override.rules ?? {}, rules));
  for (const [category, severity] of Object.entries(override.categories ?? {})) {
    merged.categories[category.toLowerCase()] = severity;
  }
  if (override.publish !== undefined) {
    merged.settings.publish = override.publish;
  }
  if (override.trustedRegistries !== undefined) {
    merged.settings.trustedRegistries = [...override.trustedRegistries];
  }
  if (override.registryMirror !== undefined) {
    merged.settings.registryMirror = override.registryMirror;
  }
  if (override.syntaxValidation !== undefined) {
    merged.syntaxValidation = override.syntaxValidation;
  }
  if (override.sites !== undefined) {
    merged.settings.sites = override.sites;
  }
  return merged;
}

/** Rule-setting keys → canonical rule code for known rules; other keys (e.g. `dockerfile-utils/…`) kept as written. */
export function normaliseRuleKeys(
  map: Record<string, SeveritySetting>,
  rules: readonly Rule[],
): Record<string, SeveritySetting> {
  const result: Record<string, SeveritySetting> = {};
  for (const [key, severity] of Object.entries(map)) {
    const rule = ruleByCodeOrName(key, rules);
    result[rule ? rule.meta.code : key.trim().toLowerCase()] = severity;
  }
  return result;
}

/**
 * The nearest config file in `startDir` or its ancestors. The walk stops after `stopDir`, after a
 * directory containing `.git` (the repository root), or at the filesystem root.
 */
export function findConfigFile(startDir: string, stopDir?: string, names: readonly string[] = CONFIG_FILE_NAMES): string | undefined {
  let dir = resolve(startDir);
  const stop = stopDir === undefined ? undefined : resolve(stopDir);
  for (;;) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (isFile(candidate)) {
        return candidate;
      }
    }
    const parent = dirname(dir);
    if (dir === stop || parent === dir || existsSync(join(dir, '.git'))) {
      return undefined;
    }
    dir = parent;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Config files above this size are not read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads and validates a config file; throws `ConfigError` (line 1 for an unreadable file). Only a regular
 * file of at most 1 MB is read. A `discovered` file (found by the upward search, not named by the user)
 * that is a link out of its repository is refused: a checkout must not make hpclint read, and quote in
 * error messages, files elsewhere on the machine.
 */
export function loadConfigFile(path: string, rules: readonly Rule[], { discovered = false } = {}): ConfigFile {
  const escape = discovered ? repositoryEscape(path) : undefined;
  if (escape !== undefined) {
    throw new ConfigError(path, 1, escape);
  }
  const read = readBounded(path, MAX_CONFIG_BYTES);
  if (read.kind === 'unreadable') {
    throw new ConfigError(path, 1, `cannot read config file: ${read.reason}`);
  }
  if (read.kind === 'tooLarge') {
    throw new ConfigError(path, 1, `config file is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MB`);
  }
  return { path, ...parseConfigText(read.bytes.toString('utf8'), path, rules) };
}

/** Parses config text (YAML or JSON); throws `ConfigError` on the first problem. */
export function parseConfigText(text: string, path: string, rules: readonly Rule[]): ConfigOverride {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | Pair | null | undefined): number => {
    const range = node && 'range' in node ? node.range : isPairNode(node) ? (node.key as Node | null)?.range : undefined;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const fail = (node: Node | Pair | null | undefined, message: string): never => {
    throw new ConfigError(path, lineOf(node), message);
  };

  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = syntaxError.linePos?.[0].line ?? lineCounter.linePos(syntaxError.pos[0]).line;
    throw new ConfigError(path, line, `invalid YAML: ${firstLine(syntaxError.message)}`);
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return {};
  }
  if (!isMap(root)) {
    return fail(root, `expected a mapping of settings (${TOP_LEVEL_KEYS.join(', ')})`);
  }

  const config: ConfigOverride = {};
  for (const pair of root.items) {
    const key = scalarKey(pair, fail);
    const value = pair.value as Node | null;
    switch (key) {
      case 'rules':
        config.rules = severityMap(pair, fail, (name, keyNode) => {
          if (!ruleByCodeOrName(name, rules) && !isNonRuleCode(name)) {
            fail(keyNode, `unknown rule "${name}" in rules (use a code such as HPC-PORT-001 or a rule name)`);
          }
        });
        break;
      case 'categories':
        config.categories = severityMap(pair, fail, (name, keyNode) => {
          if (!isSettingCategory(name.toLowerCase())) {
            fail(keyNode, `unknown category "${name}" (expected one of: ${CATEGORIES.join(', ')})`);
          }
        });
        break;
      case 'publish':
        if (!isScalar(value) || (value.value !== 'public' && value.value !== 'private')) {
          fail(value ?? pair, 'publish must be "public" or "private"');
        }
        config.publish = (value as { value: 'public' | 'private' }).value;
        break;
      case 'trustedRegistries':
        config.trustedRegistries = stringList(pair, 'trustedRegistries', fail);
        break;
      case 'registryMirror':
        if (!isScalar(value) || typeof value.value !== 'string' || !/^[a-z0-9.-]+(:\d+)?(\/[\w.-]+)*\/?$/i.test(value.value)) {
          fail(value ?? pair, 'registryMirror must be a registry host with an optional path, e.g. "registry.example.org/dockerhub"');
        }
        config.registryMirror = (value as { value: string }).value.replace(/\/+$/, '');
        break;
      case 'ignorePaths':
        config.ignorePaths = stringList(pair, 'ignorePaths', fail);
        break;
      case 'site': {
        const source = YamlSource.of(document, lineCounter, path);
        config.sites = siteReferencesFromNode(value, source).map(resolveSiteReference);
        break;
      }
      case 'syntaxValidation':
        if (!isScalar(value) || typeof value.value !== 'boolean') {
          fail(value ?? pair, 'syntaxValidation must be true or false');
        }
        config.syntaxValidation = (value as { value: boolean }).value;
        break;
      default:
        fail(pair, `unknown setting "${key}" (expected one of: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }
  return config;
}

type Fail = (node: Node | Pair | null | undefined, message: string) => never;

function isPairNode(node: unknown): node is Pair {
  return typeof node === 'object' && node !== null && 'key' in node && 'value' in node;
}

function scalarKey(pair: Pair, fail: Fail): string {
  const key = pair.key as Node | null;
  if (!isScalar(key) || typeof key.value !== 'string') {
    return fail(key ?? pair, 'setting names must be strings');
  }
  return key.value;
}

function severityMap(
  pair: Pair,
  fail: Fail,
  checkKey: (name: string, keyNode: Node) => void,
): Record<string, SeveritySetting> {
  const value = pair.value as Node | null;
  const section = scalarKey(pair, fail);
  if (value === null || (isScalar(value) && value.value === null)) {
    return {};
  }
  if (!isMap(value)) {
    return fail(value, `${section} must be a mapping of NAME: off|error|warning|info|hint`);
  }
  const result: Record<string, SeveritySetting> = {};
  for (const item of value.items) {
    const name = scalarKey(item, fail);
    checkKey(name, item.key as Node);
    const severity = item.value as Node | null;
    const text = isScalar(severity) ? severity.value : undefined;
    if (typeof text !== 'string' || !isSeveritySetting(text.toLowerCase())) {
      fail(severity ?? item, `invalid severity for "${name}" in ${section}: expected ${oneOfText(SEVERITY_SETTINGS)}`);
    }
    result[name] = (text as string).toLowerCase() as SeveritySetting;
  }
  return result;
}

function stringList(pair: Pair, name: string, fail: Fail): string[] {
  const value = pair.value as Node | null;
  if (isScalar(value) && typeof value.value === 'string') {
    return [value.value];
  }
  if (!isSeq(value)) {
    return fail(value ?? pair, `${name} must be a list of strings`);
  }
  return value.items.map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string') {
      return fail(item as Node, `${name} must be a list of strings`);
    }
    return item.value;
  });
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

// Configuration layering and its cache, shared by the CLI and the language server:
//   defaults < nearest `.hadolint.yaml` < editor settings < config file (`--config`, `hpclint.configFile`, or the nearest
//   `.hpclint.yaml`) < CLI flags; plus `settings.ownRepositories`, the git remotes of the checkout (ownRepository.ts).
// Lookups and loads are cached until `invalidate()`: the language server calls it on file-watcher events
// and settings changes, so a keystroke never walks directories, stats or reads a config file.
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import {
  ConfigError,
  defaultConfig,
  findConfigFile,
  loadConfigFile,
  mergeConfig,
  type ConfigFile,
  type ConfigOverride,
} from '../engine/config';
import type { Rule } from '../engine/rule';
import { findHadolintConfig, loadHadolintConfig } from '../compat/hadolintConfig';
import type { ResolvedConfig } from '../engine/types';
import { findOwnRepository, type OwnRepository } from './ownRepository';

/** Everything above the defaults. Pass the same object for the same settings: results are cached per layers object. */
export interface ConfigLayers {
  /** Editor settings (below the config file). */
  settings?: ConfigOverride;
  /** Absolute path of the config file to use instead of the nearest one. */
  configFile?: string;
  /** Command-line flags (above the config file). */
  flags?: ConfigOverride;
}

export interface DirectoryConfig {
  config: ResolvedConfig;
  /** The config file that applied (also set when it was invalid). */
  configFile?: string;
  /** Its `ignorePaths`, relative to its directory. */
  ignorePaths?: readonly string[];
  /** The config file could not be read or is invalid: `config` then has every layer but the file. */
  error?: ConfigError;
}

export interface ConfigCacheOptions {
  /** Directories where the upward search stops (workspace folders); it also stops at a `.git` directory. */
  stopAt?: () => readonly string[];
  /** Called once per load of an invalid config file (that is, once per change). */
  onInvalid?: (error: ConfigError) => void;
}

interface Loaded {
  result: ConfigFile | ConfigError;
  /** mtime and size when read (of the file and the site profiles it names), for `recheck()`. */
  stamp: string;
  /** Site profile files the config file names: a change to one of them drops this entry. */
  siteFiles: readonly string[];
}

export class ConfigCache {
  /** Directory → nearest config file (undefined = none). */
  private readonly discovered = new Map<string, string | undefined>();
  private readonly discoveredHadolint = new Map<string, string | undefined>();
  private readonly discoveredRepository = new Map<string, OwnRepository | undefined>();
  private readonly loaded = new Map<string, Loaded>();
  private resolved = new WeakMap<ConfigLayers, Map<string, DirectoryConfig>>();

  constructor(
    private readonly rules: readonly Rule[],
    private readonly options: ConfigCacheOptions = {},
  ) {}

  /** The configuration for recipes in `directory` (undefined: no file-system location, e.g. `untitled:`). */
  forDirectory(directory: string | undefined, layers: ConfigLayers): DirectoryConfig {
    const path = layers.configFile ?? (directory === undefined ? undefined : this.discover(directory));
    const hadolintPath = directory === undefined ? undefined : this.discoverHadolint(directory);
    let byPath = this.resolved.get(layers);
    if (!byPath) {
      byPath = new Map();
      this.resolved.set(layers, byPath);
    }
    const own = directory === undefined ? [] : (this.discoverRepository(directory)?.identities ?? []);
    const key = `${path ?? ''}\0${hadolintPath ?? ''}\0${own.join(' ')}`;
    let result = byPath.get(key);
    if (!result) {
      result = this.layer(path, hadolintPath, layers, own);
      byPath.set(key, result);
    }
    return result;
  }

  /**
   * A config file was created, changed or deleted (`changedPath`), or settings or workspace folders changed
   * (no path): forget lookups and resolved configurations, and the changed file's contents.
   */
  invalidate(changedPath?: string): void {
    this.discovered.clear();
    this.discoveredHadolint.clear();
    this.discoveredRepository.clear();
    this.resolved = new WeakMap();
    if (changedPath !== undefined) {
      const changed = resolve(changedPath);
      this.loaded.delete(changed);
      for (const [path, loaded] of this.loaded) {
        if (loaded.siteFiles.includes(changed)) {
          this.loaded.delete(path);
        }
      }
    }
  }

  /**
   * For clients that cannot watch files: re-stat the loaded config files (on open/save, never per keystroke).
   * True when one of them changed.
   */
  recheck(): boolean {
    let changed = false;
    for (const [path, loaded] of this.loaded) {
      if (stampOf(path, loaded.siteFiles) !== loaded.stamp) {
        this.loaded.delete(path);
        changed = true;
      }
    }
    // A new config file may have appeared between a recipe and the one that applied.
    this.discovered.clear();
    this.discoveredHadolint.clear();
    this.discoveredRepository.clear();
    if (changed) {
      this.resolved = new WeakMap();
    }
    return changed;
  }

  /** Directory → nearest `.hadolint.yaml` (a lower layer; see compat/hadolintConfig.ts). */
  private discoverHadolint(directory: string): string | undefined {
    if (!this.discoveredHadolint.has(directory)) {
      this.discoveredHadolint.set(directory, findHadolintConfig(directory, this.stopFor(directory)));
    }
    return this.discoveredHadolint.get(directory);
  }

  /** Directory → the checkout it is in and its remotes (read once per directory until `invalidate`/`recheck`). */
  private discoverRepository(directory: string): OwnRepository | undefined {
    if (!this.discoveredRepository.has(directory)) {
      this.discoveredRepository.set(directory, findOwnRepository(directory, this.stopFor(directory)));
    }
    return this.discoveredRepository.get(directory);
  }

  private discover(directory: string): string | undefined {
    if (!this.discovered.has(directory)) {
      this.discovered.set(directory, findConfigFile(directory, this.stopFor(directory)));
    }
    return this.discovered.get(directory);
  }

  /** The innermost stop directory containing `directory`. */
  private stopFor(directory: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.options.stopAt?.() ?? []) {
      const inside = directory === folder || directory.startsWith(folder.endsWith(sep) ? folder : folder + sep);
      if (inside && (best === undefined || folder.length > best.length)) {
        best = folder;
      }
    }
    return best;
  }

  private layer(path: string | undefined, hadolintPath: string | undefined, layers: ConfigLayers, ownRepositories: readonly string[]): DirectoryConfig {
    let config = defaultConfig();
    const hadolint = hadolintPath === undefined ? undefined : this.load(hadolintPath, loadHadolintConfig);
    if (hadolint && !(hadolint instanceof ConfigError)) {
      config = mergeConfig(config, hadolint, this.rules);
    }
    if (layers.settings) {
      config = mergeConfig(config, layers.settings, this.rules);
    }
    // A file found by the upward search (not named in settings or flags) must not link out of its repository.
    const discovered = layers.configFile === undefined;
    const file = path === undefined ? undefined : this.load(path, (found, rules) => loadConfigFile(found, rules, { discovered }));
    if (file && !(file instanceof ConfigError)) {
      config = mergeConfig(config, file, this.rules);
    }
    if (layers.flags) {
      config = mergeConfig(config, layers.flags, this.rules);
    }
    if (ownRepositories.length > 0) {
      config = { ...config, settings: { ...config.settings, ownRepositories } };
    }
    const result: DirectoryConfig = { config };
    if (path !== undefined) {
      result.configFile = path;
    }
    if (file instanceof ConfigError) {
      result.error = file;
    } else if (file?.ignorePaths?.length) {
      result.ignorePaths = file.ignorePaths;
    }
    if (hadolint instanceof ConfigError && !result.error) {
      result.error = hadolint;
    }
    return result;
  }

  private load(path: string, read: (path: string, rules: readonly Rule[]) => ConfigFile = loadConfigFile): ConfigFile | ConfigError {
    const absolute = resolve(path);
    const cached = this.loaded.get(absolute);
    if (cached) {
      return cached.result;
    }
    const stamp = fileStamp(absolute);
    let result: ConfigFile | ConfigError;
    try {
      result = read(absolute, this.rules);
    } catch (error) {
      result = error instanceof ConfigError ? error : new ConfigError(absolute, 1, String(error));
    }
    const siteFiles = result instanceof ConfigError ? [] : profileFiles(result, absolute);
    this.loaded.set(absolute, { result, stamp: [stamp, ...siteFiles.map(fileStamp)].join('|'), siteFiles });
    if (result instanceof ConfigError) {
      this.options.onInvalid?.(result);
    }
    return result;
  }
}

/** Profile files (not bundled, not inline in the config file itself) the config's `site:` read. */
function profileFiles(file: ConfigFile, configPath: string): string[] {
  return (file.sites ?? []).map((site) => site.origin).filter((origin) => origin !== configPath && !origin.startsWith('bundled:'));
}

function stampOf(path: string, siteFiles: readonly string[]): string {
  return [path, ...siteFiles].map(fileStamp).join('|');
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}

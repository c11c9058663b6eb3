// Effective configuration for a document: defaults, then `hpclint.*` settings, then the nearest
// `.hpclint.yaml` (or `hpclint.configFile`). Invalid config files are reported once per change.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import {
  ConfigError,
  defaultConfig,
  findConfigFile,
  loadConfigFile,
  mergeConfig,
  type ConfigFile,
  type ConfigOverride,
} from '../../engine/config';
import type { ResolvedConfig } from '../../engine/types';
import type { HpclintSettings } from './settings';
import { filePathOf } from '../uri';

export interface DocumentConfig {
  config: ResolvedConfig;
  /** The config file that applied (also set when it was invalid). */
  configFile?: string;
  error?: ConfigError;
}

interface LoadedConfig {
  /** mtime + size when read; a different stamp means the file changed. */
  stamp: string;
  result: ConfigFile | ConfigError;
}

export class ConfigResolver {
  /** Directory → config file found by walking up (undefined = none). */
  private readonly discovered = new Map<string, string | undefined>();
  private readonly loaded = new Map<string, LoadedConfig>();

  /**
   * @param workspaceFolders file-system paths of the workspace folders (walks stop there)
   * @param onInvalidConfig called once per change of an invalid config file
   */
  constructor(
    private readonly workspaceFolders: () => readonly string[],
    private readonly onInvalidConfig: (error: ConfigError) => void,
  ) {}

  resolve(uri: string, settings: HpclintSettings): DocumentConfig {
    const fromSettings = mergeConfig(defaultConfig(), settingsOverride(settings));
    const path = this.configPathFor(uri, settings);
    if (path === undefined) {
      return { config: fromSettings };
    }
    const loaded = this.load(path);
    if (loaded instanceof ConfigError) {
      return { config: fromSettings, configFile: path, error: loaded };
    }
    return { config: mergeConfig(fromSettings, loaded), configFile: path };
  }

  /** A config file was created, changed or deleted: forget discovery results (loads re-check mtimes). */
  invalidate(changedPath?: string): void {
    this.discovered.clear();
    if (changedPath !== undefined) {
      this.loaded.delete(changedPath);
    }
  }

  private configPathFor(uri: string, settings: HpclintSettings): string | undefined {
    const documentPath = filePathOf(uri);
    if (settings.configFile.length > 0) {
      if (isAbsolute(settings.configFile)) {
        return settings.configFile;
      }
      const base = (documentPath && this.folderOf(documentPath)) ?? this.workspaceFolders()[0];
      return base === undefined ? undefined : resolve(base, settings.configFile);
    }
    if (documentPath === undefined) {
      return undefined;
    }
    const directory = dirname(documentPath);
    if (!this.discovered.has(directory)) {
      this.discovered.set(directory, findConfigFile(directory, this.folderOf(documentPath)));
    }
    return this.discovered.get(directory);
  }

  private folderOf(path: string): string | undefined {
    let best: string | undefined;
    for (const folder of this.workspaceFolders()) {
      const prefix = folder.endsWith(sep) ? folder : folder + sep;
      if ((path.startsWith(prefix) || path === folder) && (best === undefined || folder.length > best.length)) {
        best = folder;
      }
    }
    return best;
  }

  private load(path: string): ConfigOverride | ConfigError {
    const stamp = fileStamp(path);
    const cached = this.loaded.get(path);
    if (cached && cached.stamp === stamp) {
      return cached.result;
    }
    let result: ConfigFile | ConfigError;
    try {
      result = loadConfigFile(path);
    } catch (error) {
      result = error instanceof ConfigError ? error : new ConfigError(path, 1, String(error));
    }
    this.loaded.set(path, { stamp, result });
    if (result instanceof ConfigError) {
      this.onInvalidConfig(result);
    }
    return result;
  }
}

function settingsOverride(settings: HpclintSettings): ConfigOverride {
  return {
    rules: settings.rules,
    categories: settings.categories,
    syntaxValidation: settings.dockerfile.syntaxValidation,
  };
}

function fileStamp(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return 'missing';
  }
}


// The configuration of an open document: the LintService's layering with the document's `hpclint.*`
// settings below its config file (`hpclint.configFile`, else the nearest `.hpclint.yaml` inside its
// workspace folder). Cached by the LintService; this only maps settings to layers once per settings object.
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { ConfigLayers, DirectoryConfig } from '../../service/configCache';
import type { LintService } from '../../service/lintService';
import { filePathOf } from '../uri';
import type { HpclintSettings } from './settings';

export class DocumentConfigs {
  private layers = new WeakMap<HpclintSettings, Map<string, ConfigLayers>>();

  constructor(
    private readonly service: LintService,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  resolve(uri: string, settings: HpclintSettings): DirectoryConfig {
    const path = filePathOf(uri);
    const folder = path === undefined ? undefined : this.folderOf(path);
    return this.service.configFor(path === undefined ? undefined : dirname(path), this.layersFor(settings, folder));
  }

  /** Settings, workspace folders or config files changed. */
  invalidate(changedConfigFile?: string): void {
    this.layers = new WeakMap();
    this.service.configs.invalidate(changedConfigFile);
  }

  private layersFor(settings: HpclintSettings, folder: string | undefined): ConfigLayers {
    let byFolder = this.layers.get(settings);
    if (!byFolder) {
      byFolder = new Map();
      this.layers.set(settings, byFolder);
    }
    const key = folder ?? '';
    let layers = byFolder.get(key);
    if (!layers) {
      layers = {
        settings: {
          rules: settings.rules,
          categories: settings.categories,
          syntaxValidation: settings.dockerfile.syntaxValidation,
        },
      };
      const configFile = this.explicitConfigFile(settings, folder);
      if (configFile !== undefined) {
        layers.configFile = configFile;
      }
      byFolder.set(key, layers);
    }
    return layers;
  }

  /** `hpclint.configFile`, absolute (relative paths resolve against the document's workspace folder). */
  private explicitConfigFile(settings: HpclintSettings, folder: string | undefined): string | undefined {
    if (settings.configFile.length === 0) {
      return undefined;
    }
    if (isAbsolute(settings.configFile)) {
      return settings.configFile;
    }
    const base = folder ?? this.workspaceFolders()[0];
    return base === undefined ? undefined : resolve(base, settings.configFile);
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
}

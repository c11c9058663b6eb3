// The configuration of an open document: the LintService's layering with the document's `hpclint.*`
// settings below its config file (`hpclint.configFile`, else the nearest `.hpclint.yaml` inside its
// workspace folder). Cached by the LintService; this only maps settings to layers once per settings object.
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { ConfigError } from '../../engine/config';
import type { ConfigLayers, DirectoryConfig } from '../../service/configCache';
import { referenceFromArgument, resolveSiteReference } from '../../site/load';
import type { LintService } from '../../service/lintService';
import { dockerfileSwitches } from '../features/dockerfileSwitches';
import { filePathOf } from '../uri';
import type { HpclintSettings } from './settings';

interface DocumentLayers {
  layers: ConfigLayers;
  /** An invalid `hpclint.site` setting (the document is then linted without it). */
  siteError?: ConfigError;
}

export class DocumentConfigs {
  private layers = new WeakMap<HpclintSettings, Map<string, DocumentLayers>>();

  constructor(
    private readonly service: LintService,
    private readonly workspaceFolders: () => readonly string[],
    /** Called once per change of an invalid `hpclint.site` setting or of a profile it names. */
    private readonly onInvalidSite: (error: ConfigError) => void = () => undefined,
    /** Installed extensions that bundle the Dockerfile language service (they may take over syntax findings). */
    private readonly dockerExtensions: () => readonly string[] = () => [],
  ) {}

  resolve(uri: string, settings: HpclintSettings): DirectoryConfig {
    const path = filePathOf(uri);
    const folder = path === undefined ? undefined : this.folderOf(path);
    const { layers, siteError } = this.layersFor(settings, folder);
    const resolved = this.service.configFor(path === undefined ? undefined : dirname(path), layers);
    return siteError && !resolved.error ? { ...resolved, error: siteError } : resolved;
  }

  /** Settings, workspace folders, config files or the installed Docker extensions changed. */
  invalidate(changedConfigFile?: string): void {
    this.layers = new WeakMap();
    this.service.configs.invalidate(changedConfigFile);
  }

  private layersFor(settings: HpclintSettings, folder: string | undefined): DocumentLayers {
    let byFolder = this.layers.get(settings);
    if (!byFolder) {
      byFolder = new Map();
      this.layers.set(settings, byFolder);
    }
    const key = folder ?? '';
    let entry = byFolder.get(key);
    if (!entry) {
      const layers: ConfigLayers = {
        settings: {
          rules: settings.rules,
          categories: settings.categories,
          syntaxValidation: dockerfileSwitches(settings.dockerfile, this.dockerExtensions()).syntaxValidation,
        },
      };
      entry = { layers };
      const configFile = this.explicitConfigFile(settings, folder);
      if (configFile !== undefined) {
        layers.configFile = configFile;
      }
      if (settings.site.length > 0) {
        // Like `--site`, the setting replaces the config files' `site:`: it is a layer above the file.
        const base = folder ?? this.workspaceFolders()[0] ?? process.cwd();
        try {
          layers.flags = { sites: settings.site.map((value) => resolveSiteReference({ ...referenceFromArgument(value, base), file: 'setting hpclint.site' })) };
        } catch (error) {
          entry.siteError = error instanceof ConfigError ? error : new ConfigError('setting hpclint.site', 1, String(error));
          this.onInvalidSite(entry.siteError);
        }
      }
      byFolder.set(key, entry);
    }
    return entry;
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

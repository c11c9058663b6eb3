// What the editor's site picker and status-bar entry need: the bundled profiles, and the sites of a document.
import { bundledProfile, bundledProfileNames } from '../../site/load';
import { siteName } from '../../site/profile';
import type { DocumentConfigs } from '../documents/documentConfigs';
import type { SettingsStore } from '../documents/settings';
import type { SiteStatus, SiteSummary } from '../protocol';

export function listSites(): SiteSummary[] {
  return bundledProfileNames().map((name) => {
    const profile = bundledProfile(name);
    return { name, description: profile?.description ?? '', partitions: profile?.partitions.map((partition) => partition.name) ?? [] };
  });
}

export async function siteStatus(uri: string, settings: SettingsStore, configs: DocumentConfigs): Promise<SiteStatus> {
  const documentSettings = await settings.get(uri);
  const resolved = configs.resolve(uri, documentSettings);
  const sites = (resolved.config.settings.sites ?? []).map(siteName);
  const from = documentSettings.site.length > 0 ? 'setting' : sites.length > 0 ? 'config' : 'none';
  const status: SiteStatus = { sites, from };
  if (resolved.configFile !== undefined) {
    status.configFile = resolved.configFile;
  }
  if (resolved.error) {
    status.error = resolved.error.message;
  }
  return status;
}

// The site-profile status-bar entry and the "Select Site Profile" command. The server says which sites
// apply to a document (`hpclint/siteStatus`); this file only shows it and writes the `hpclint.site` setting.
// The hpclint item next to it (statusItem.ts) shows the findings and links here from its tooltip.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  SELECT_SITE_COMMAND,
  SETTINGS_SECTION,
  SITE_LIST_REQUEST,
  SITE_STATUS_REQUEST,
  type SiteStatus,
  type SiteStatusParams,
  type SiteStatusResult,
  type SiteSummary,
} from '../../server/src/lsp/protocol';
import { recipeStatusRefresher, refreshWhenRunning } from './recipeStatus';

/** Status-bar text and tooltip for a document's sites. */
export function describeSites(status: SiteStatus): { text: string; tooltip: string } {
  if (status.error) {
    return { text: '$(warning) site: invalid', tooltip: `hpclint site profile problem: ${status.error}\nClick to pick a site profile.` };
  }
  if (status.sites.length === 0) {
    return { text: '$(server-environment) no site', tooltip: 'hpclint: no site profile — site-dependent rules give generic answers.\nClick to pick a site profile.' };
  }
  const where = status.from === 'setting' ? 'the hpclint.site setting' : `${status.configFile ?? 'the configuration file'}`;
  return {
    text: `$(server-environment) ${status.sites.join(', ')}`,
    tooltip: `hpclint checks this recipe against ${status.sites.join(' and ')} (from ${where}).\nClick to pick another site profile.`,
  };
}

export function registerSiteStatus(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const item = vscode.window.createStatusBarItem('hpclint.site', vscode.StatusBarAlignment.Right, 100);
  item.name = 'hpclint site profile';
  item.command = SELECT_SITE_COMMAND;

  const refresh = recipeStatusRefresher(item, getClient, async (document, client, isCurrent) => {
    const params: SiteStatusParams = { uri: document.uri.toString() };
    const status = await client.sendRequest<SiteStatusResult>(SITE_STATUS_REQUEST, params);
    if (!isCurrent() || !status) {
      return false;
    }
    const { text, tooltip } = describeSites(status);
    item.text = text;
    item.tooltip = tooltip;
    return true;
  });

  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) {
        setTimeout(() => void refresh(), 300); // after the server has seen the change
      }
    }),
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (/(^|[\\/])(\.hpclint\.(ya?ml|json)|[^\\/]*\.hpclint-site\.(ya?ml|json))$/.test(document.fileName)) {
        setTimeout(() => void refresh(), 300);
      }
    }),
    vscode.commands.registerCommand(SELECT_SITE_COMMAND, async () => {
      const changed = await selectSite(getClient());
      if (changed) {
        setTimeout(() => void refresh(), 300);
      }
    }),
  );
  refreshWhenRunning(context, getClient, refresh);
}

interface SitePick extends vscode.QuickPickItem {
  value?: string;
  browse?: boolean;
}

async function selectSite(client: LanguageClient | undefined): Promise<boolean> {
  const sites = client ? await client.sendRequest<SiteSummary[]>(SITE_LIST_REQUEST, {}) : [];
  const picks: SitePick[] = [
    { label: '$(circle-slash) No site profile', description: 'generic answers', value: '' },
    ...sites.map((site) => ({ label: site.name, description: site.partitions.join(', '), detail: site.description, value: site.name })),
    { label: '$(file) Profile file…', description: '*.hpclint-site.yaml', browse: true },
  ];
  const picked = await vscode.window.showQuickPick(picks, {
    placeHolder: 'Site to check recipes against (sets hpclint.site)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) {
    return false;
  }
  let value = picked.value;
  if (picked.browse) {
    const files = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Use site profile',
      filters: { 'Site profiles': ['yaml', 'yml', 'json'] },
    });
    if (!files || files.length === 0) {
      return false;
    }
    value = vscode.workspace.asRelativePath(files[0], false);
    if (value === files[0].fsPath || value.startsWith('..')) {
      value = files[0].fsPath;
    } else if (!/[\\/]/.test(value)) {
      value = `./${value}`;
    }
  }
  const resource = vscode.window.activeTextEditor?.document.uri;
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, resource);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await configuration.update('site', value === '' ? undefined : value, target);
  return true;
}

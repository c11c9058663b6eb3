// The hpclint status-bar item for the active recipe: its findings count, the config file and site profile
// behind them (tooltip), a click to the output channel. The site entry next to it picks the profile.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  DOCUMENT_STATUS_REQUEST,
  SELECT_SITE_COMMAND,
  SETTINGS_SECTION,
  SHOW_OUTPUT_COMMAND,
  type DocumentStatusParams,
  type DocumentStatusResult,
} from '../../server/src/lsp/protocol';
import { recipeStatusRefresher, refreshWhenRunning } from './recipeStatus';
import { describeStatus, type FindingCounts } from './statusText';

function countFindings(diagnostics: readonly vscode.Diagnostic[]): FindingCounts {
  const counts: FindingCounts = { errors: 0, warnings: 0, notes: 0 };
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === vscode.DiagnosticSeverity.Error) {
      counts.errors++;
    } else if (diagnostic.severity === vscode.DiagnosticSeverity.Warning) {
      counts.warnings++;
    } else {
      counts.notes++;
    }
  }
  return counts;
}

export function registerStatusItem(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const item = vscode.window.createStatusBarItem('hpclint.status', vscode.StatusBarAlignment.Right, 101);
  item.name = 'hpclint';
  item.command = SHOW_OUTPUT_COMMAND;

  const refresh = recipeStatusRefresher(item, getClient, async (document, client, isCurrent) => {
    const params: DocumentStatusParams = { uri: document.uri.toString() };
    const status = await client.sendRequest<DocumentStatusResult>(DOCUMENT_STATUS_REQUEST, params);
    if (!isCurrent() || !status) {
      return false;
    }
    const counts = countFindings(client.diagnostics?.get(document.uri) ?? []);
    const { text, tooltip } = describeStatus(status, counts, (path) => vscode.workspace.asRelativePath(path, true));
    item.text = text;
    const markdown = new vscode.MarkdownString(tooltip, true);
    markdown.isTrusted = { enabledCommands: [SELECT_SITE_COMMAND] };
    item.tooltip = markdown;
    item.accessibilityInformation = { label: `hpclint: ${text.replace(/\$\([a-z-]+\)\s*/g, '')}` };
    return true;
  });

  let pending: NodeJS.Timeout | undefined;
  const refreshSoon = (delay = 150): void => {
    clearTimeout(pending);
    pending = setTimeout(() => void refresh(), delay);
  };
  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(() => void refresh()),
    // Every re-lint (edits, settings, config files, site profiles, Docker extensions) ends in a publish.
    vscode.languages.onDidChangeDiagnostics((event) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active !== undefined && event.uris.some((uri) => uri.toString() === active)) {
        refreshSoon();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SETTINGS_SECTION)) {
        refreshSoon(300);
      }
    }),
    { dispose: () => clearTimeout(pending) },
  );
  refreshWhenRunning(context, getClient, refresh);
}

// What the status-bar entries share: they describe the active recipe with the server's help, hide when there
// is none (or no server), and show themselves once the server runs.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const RECIPE_LANGUAGES = new Set(['dockerfile', 'apptainer']);

/**
 * A refresh function for `item`: `describe` fills it in for the active recipe and returns false when it has
 * nothing to show. Only the newest of overlapping refreshes takes effect.
 */
export function recipeStatusRefresher(
  item: vscode.StatusBarItem,
  getClient: () => LanguageClient | undefined,
  describe: (document: vscode.TextDocument, client: LanguageClient, isCurrent: () => boolean) => Promise<boolean>,
): () => Promise<void> {
  let generation = 0;
  return async () => {
    const current = ++generation;
    const editor = vscode.window.activeTextEditor;
    const client = getClient();
    if (!editor || !RECIPE_LANGUAGES.has(editor.document.languageId) || !client?.isRunning()) {
      item.hide();
      return;
    }
    try {
      if (await describe(editor.document, client, () => current === generation)) {
        item.show();
      }
    } catch {
      item.hide();
    }
  };
}

/** Runs `refresh` once the language client is running (it starts after the extension activates). */
export function refreshWhenRunning(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined, refresh: () => Promise<void>): void {
  const started = setInterval(() => {
    if (getClient()?.isRunning()) {
      clearInterval(started);
      void refresh();
    }
  }, 250);
  context.subscriptions.push({ dispose: () => clearInterval(started) });
}

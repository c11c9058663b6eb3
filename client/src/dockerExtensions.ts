// Which extensions that bundle the Dockerfile language service hpclint re-hosts are installed and enabled.
// The server hears about them at start and on every change, and with `hpclint.dockerfile.editorFeatures`
// at "auto" leaves Dockerfile completion, hover, formatting and syntax findings to them.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DOCKER_EXTENSIONS_NOTIFICATION, DOCKER_LANGUAGE_EXTENSIONS, type DockerExtensionsParams } from '../../server/src/lsp/protocol';

/** `vscode.extensions.getExtension` only sees installed, enabled extensions. */
export function installedDockerExtensions(): string[] {
  return Object.keys(DOCKER_LANGUAGE_EXTENSIONS).filter((id) => vscode.extensions.getExtension(id) !== undefined);
}

export function watchDockerExtensions(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  let known = installedDockerExtensions().join();
  context.subscriptions.push(
    vscode.extensions.onDidChange(() => {
      const extensions = installedDockerExtensions();
      const client = getClient();
      if (extensions.join() !== known && client?.isRunning()) {
        known = extensions.join();
        const params: DockerExtensionsParams = { extensions };
        void client.sendNotification(DOCKER_EXTENSIONS_NOTIFICATION, params);
      }
    }),
  );
}

// `initialize` (client capabilities, workspace folders → server capabilities) and `initialized`
// (dynamic registrations: settings changes and config-file watching).
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  type InitializeResult,
} from 'vscode-languageserver';
import { clientSupport, serverCapabilities } from '../capabilities';
import { describeError, guardedNotification } from '../guard';
import { readInitializationOptions } from '../documents/initializationOptions';
import { dockerExtensionsMessage } from '../features/dockerfileSwitches';
import { CONFIG_FILE_GLOB, HADOLINT_CONFIG_GLOB, SETTINGS_SECTION, SITE_PROFILE_GLOB } from '../protocol';
import type { HpclintServer } from '../server';
import { filePathOf } from '../uri';
import { listenToWorkspaceFolders } from './workspaceFolders';

export function registerInitialize(server: HpclintServer): void {
  const { connection } = server;
  connection.onInitialize((params): InitializeResult => {
    const capabilities = params.capabilities;
    server.client = clientSupport(capabilities);
    const options = readInitializationOptions(params.initializationOptions);
    server.workspaceTrusted = options.workspaceTrusted;
    server.dockerExtensions = options.dockerExtensions;
    for (const problem of options.problems) {
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `hpclint: ${problem}` });
    }
    if (options.settings) {
      server.settings.initialize(options.settings);
    }
    if (options.dockerExtensions.length > 0) {
      server.logger.info(dockerExtensionsMessage(options.dockerExtensions));
    }
    server.workspaceFolders = (params.workspaceFolders ?? [])
      .map((folder) => filePathOf(folder.uri))
      .filter((path): path is string => path !== undefined);
    if (server.workspaceFolders.length === 0 && params.rootUri) {
      const root = filePathOf(params.rootUri);
      server.workspaceFolders = root ? [root] : [];
    }
    server.dockerfile.setCapabilities({
      completion: capabilities.textDocument?.completion,
      hover: capabilities.textDocument?.hover,
      foldingRange: capabilities.textDocument?.foldingRange,
    });
    return { capabilities: serverCapabilities(server.client), serverInfo: { name: 'hpclint' } };
  });

  connection.onInitialized(
    guardedNotification(server.logger, 'initialized', async () => {
      if (server.client.registersConfigurationChange) {
        await tryRegister(server, 'workspace/didChangeConfiguration', 'settings changes', () =>
          connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }),
        );
      }
      if (server.client.registersFileWatchers) {
        await tryRegister(server, 'workspace/didChangeWatchedFiles', 'edits to .hpclint.yaml and site profiles', () =>
          connection.client.register(DidChangeWatchedFilesNotification.type, {
            watchers: [{ globPattern: CONFIG_FILE_GLOB }, { globPattern: HADOLINT_CONFIG_GLOB }, { globPattern: SITE_PROFILE_GLOB }],
          }),
        );
      }
      if (server.client.workspaceFolderEvents) {
        listenToWorkspaceFolders(server);
      }
      server.updateRegistrations();
    }),
  );
}

/** A client may refuse a registration it offered (Emacs' eglot without file notifications): warn and go on. */
async function tryRegister(server: HpclintServer, method: string, missed: string, register: () => Promise<unknown>): Promise<void> {
  try {
    await register();
  } catch (error) {
    server.logger.warn(`hpclint: the client did not register ${method} (${describeError(error)}); ${missed} take effect after a server restart`);
  }
}

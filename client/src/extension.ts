// VS Code client: starts dist/server.js and adds the hpclint commands. All analysis lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  CONFIG_FILE_GLOB,
  HADOLINT_CONFIG_GLOB,
  RESTART_SERVER_COMMAND,
  RULE_DOCUMENTATION_REQUEST,
  RULE_LIST_REQUEST,
  SHOW_DOCUMENTATION_COMMAND,
  SHOW_OUTPUT_COMMAND,
  WORKSPACE_TRUSTED_NOTIFICATION,
  type InitializationOptions,
  SITE_PROFILE_GLOB,
  type RuleDocumentationParams,
  type RuleDocumentationResult,
  type RuleSummary,
} from '../../server/src/lsp/protocol';
import { registerConvertCommand } from './convert';
import { installedDockerExtensions, watchDockerExtensions } from './dockerExtensions';
import { registerSiteStatus } from './siteStatus';
import { registerStatusItem } from './statusItem';

const DOC_SCHEME = 'hpclint-doc';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel('hpclint', { log: true });
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ['dockerfile', 'apptainer'].flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]),
    synchronize: {
      fileEvents: [CONFIG_FILE_GLOB, HADOLINT_CONFIG_GLOB, SITE_PROFILE_GLOB].map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
    },
    outputChannel,
    initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted, dockerExtensions: installedDockerExtensions() }),
  };
  client = new LanguageClient('hpclint', 'hpclint', serverOptions, clientOptions);

  const documents = new RuleDocumentProvider(() => client);
  registerConvertCommand(context, () => client);
  registerStatusItem(context, () => client);
  registerSiteStatus(context, () => client);
  watchDockerExtensions(context, () => client);
  context.subscriptions.push(
    outputChannel,
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, documents),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION)),
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => outputChannel.show(true)),
    vscode.commands.registerCommand(SHOW_DOCUMENTATION_COMMAND, async (code?: unknown) => {
      const chosen = typeof code === 'string' && code.length > 0 ? code : await pickRule(client);
      if (chosen) {
        await showRuleDocumentation(chosen);
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** Rule docs as virtual documents `hpclint-doc:/HPC-PORT-001.md`, rendered by the server (offline). */
class RuleDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly getClient: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const code = path.posix.basename(uri.path).replace(/\.md$/, '');
    const languageClient = this.getClient();
    if (!languageClient) {
      return `# ${code}\n\nThe hpclint server is not running.\n`;
    }
    const params: RuleDocumentationParams = { code };
    const markdown = await languageClient.sendRequest<RuleDocumentationResult>(RULE_DOCUMENTATION_REQUEST, params);
    return markdown ?? `# ${code}\n\nhpclint has no rule with this code or name.\n`;
  }
}

async function showRuleDocumentation(code: string): Promise<void> {
  const uri = vscode.Uri.from({ scheme: DOC_SCHEME, path: `/${code}.md` });
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

async function pickRule(languageClient: LanguageClient | undefined): Promise<string | undefined> {
  if (!languageClient) {
    return undefined;
  }
  const rules = await languageClient.sendRequest<RuleSummary[]>(RULE_LIST_REQUEST, {});
  const picked = await vscode.window.showQuickPick(
    rules.map((rule) => ({ label: rule.code, description: rule.name, detail: rule.summary })),
    { placeHolder: 'Rule to show', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.label;
}

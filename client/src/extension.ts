// VS Code client: starts dist/server.js and adds the hpclint commands. All analysis lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerConvertCommand } from './convert';

const DOC_SCHEME = 'hpclint-doc';
const RULE_DOCUMENTATION_REQUEST = 'hpclint/ruleDocumentation';
const RULE_LIST_REQUEST = 'hpclint/listRules';

interface RuleSummary {
  code: string;
  name: string;
  summary: string;
}

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
      fileEvents: vscode.workspace.createFileSystemWatcher('**/.hpclint.{yaml,yml,json}'),
    },
    outputChannel,
  };
  client = new LanguageClient('hpclint', 'hpclint', serverOptions, clientOptions);

  const documents = new RuleDocumentProvider(() => client);
  registerConvertCommand(context, () => client);
  context.subscriptions.push(
    outputChannel,
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, documents),
    vscode.commands.registerCommand('hpclint.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('hpclint.showOutput', () => outputChannel.show(true)),
    vscode.commands.registerCommand('hpclint.showRuleDocumentation', async (code?: unknown) => {
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
    const markdown = await languageClient.sendRequest<string | null>(RULE_DOCUMENTATION_REQUEST, { code });
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

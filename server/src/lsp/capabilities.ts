// What the client can do (read once from `initialize`) and what the server offers in return.
import { CodeActionKind, TextDocumentSyncKind, type ClientCapabilities, type ServerCapabilities } from 'vscode-languageserver';
import { DOCKERFILE_TOKENS_LEGEND } from './features/dockerfileFeatures';
import { FIX_ALL_KIND } from './protocol';

export interface ClientSupport {
  /** `workspace/configuration` requests per resource. */
  pullsConfiguration: boolean;
  registersConfigurationChange: boolean;
  registersFileWatchers: boolean;
  /** `workspace/didChangeWorkspaceFolders` notifications. */
  workspaceFolderEvents: boolean;
  snippets: boolean;
  /** Document, range and on-type formatting can be registered per language (see formattingRegistrations.ts). */
  registersFormatting: boolean;
}

export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  return {
    pullsConfiguration: capabilities.workspace?.configuration === true,
    registersConfigurationChange: capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    registersFileWatchers: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    workspaceFolderEvents: capabilities.workspace?.workspaceFolders === true,
    snippets: capabilities.textDocument?.completion?.completionItem?.snippetSupport === true,
    registersFormatting:
      capabilities.textDocument?.formatting?.dynamicRegistration === true &&
      capabilities.textDocument?.rangeFormatting?.dynamicRegistration === true &&
      capabilities.textDocument?.onTypeFormatting?.dynamicRegistration === true,
  };
}

/** What `initialize` answers: formatting is left to dynamic registration when the client supports it. */
export function serverCapabilities(client: ClientSupport): ServerCapabilities {
  if (!client.registersFormatting) {
    return SERVER_CAPABILITIES;
  }
  const capabilities = { ...SERVER_CAPABILITIES };
  delete capabilities.documentFormattingProvider;
  delete capabilities.documentRangeFormattingProvider;
  delete capabilities.documentOnTypeFormattingProvider;
  return capabilities;
}

export const ON_TYPE_FORMATTING_TRIGGERS = { firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] };

export const SERVER_CAPABILITIES: ServerCapabilities = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
  completionProvider: { triggerCharacters: ['=', ' ', '$', '-', '%', ':'], resolveProvider: true },
  hoverProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
  documentFormattingProvider: true,
  documentRangeFormattingProvider: true,
  documentOnTypeFormattingProvider: ON_TYPE_FORMATTING_TRIGGERS,
  documentSymbolProvider: true,
  foldingRangeProvider: true,
  documentLinkProvider: { resolveProvider: true },
  renameProvider: { prepareProvider: true },
  documentHighlightProvider: true,
  definitionProvider: true,
  signatureHelpProvider: { triggerCharacters: ['-', '[', ',', ' ', '='] },
  semanticTokensProvider: { legend: DOCKERFILE_TOKENS_LEGEND, full: { delta: false }, range: false },
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};

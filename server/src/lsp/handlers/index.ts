// Every request and notification the server handles, one file each. Adding a feature = one file + one line here.
import type { HpclintServer } from '../server';
import { registerCodeAction } from './codeAction';
import { registerCompletion } from './completion';
import { registerCompletionResolve } from './completionResolve';
import { registerConfiguration } from './configuration';
import { registerConvertDockerfile } from './convertDockerfile';
import { registerDefinition } from './definition';
import { registerDockerExtensions } from './dockerExtensions';
import { registerDocumentHighlight } from './documentHighlight';
import { registerDocumentLinkResolve } from './documentLinkResolve';
import { registerDocumentLinks } from './documentLinks';
import { registerDocumentStatus } from './documentStatus';
import { registerDocumentSymbol } from './documentSymbol';
import { registerFoldingRange } from './foldingRange';
import { registerFormatting } from './formatting';
import { registerHover } from './hover';
import { registerInitialize } from './initialize';
import { registerListRules } from './listRules';
import { registerListSites } from './listSites';
import { registerOnTypeFormatting } from './onTypeFormatting';
import { registerPrepareRename } from './prepareRename';
import { registerRangeFormatting } from './rangeFormatting';
import { registerRename } from './rename';
import { registerRuleDocumentation } from './ruleDocumentation';
import { registerSemanticTokens } from './semanticTokens';
import { registerShutdown } from './shutdown';
import { registerSignatureHelp } from './signatureHelp';
import { registerSiteStatus } from './siteStatus';
import { registerTextDocumentSync } from './textDocumentSync';
import { registerWatchedFiles } from './watchedFiles';
import { registerWorkspaceTrust } from './workspaceTrust';

const HANDLERS: ReadonlyArray<(server: HpclintServer) => void> = [
  registerInitialize,
  registerShutdown,
  registerTextDocumentSync,
  registerConfiguration,
  registerWatchedFiles,
  registerWorkspaceTrust,
  registerDockerExtensions,
  registerHover,
  registerCompletion,
  registerCompletionResolve,
  registerCodeAction,
  registerFormatting,
  registerRangeFormatting,
  registerOnTypeFormatting,
  registerDocumentLinks,
  registerDocumentLinkResolve,
  registerPrepareRename,
  registerRename,
  registerDocumentHighlight,
  registerDefinition,
  registerSignatureHelp,
  registerSemanticTokens,
  registerDocumentSymbol,
  registerFoldingRange,
  registerRuleDocumentation,
  registerListRules,
  registerListSites,
  registerSiteStatus,
  registerDocumentStatus,
  registerConvertDockerfile,
];

export function registerHandlers(server: HpclintServer): void {
  for (const register of HANDLERS) {
    register(server);
  }
}

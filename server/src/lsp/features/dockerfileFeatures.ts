// Dockerfile editing features delegated to dockerfile-language-service, with Docker Hub lookups off.
import {
  DockerfileLanguageServiceFactory,
  type Capabilities,
  type DockerfileLanguageService,
  type FormatterSettings,
} from 'dockerfile-language-service';
import { DockerAssist } from 'dockerfile-language-service/lib/dockerAssist';
import type { DockerRegistryClient } from 'dockerfile-language-service/lib/dockerRegistryClient';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionItem, Position, SemanticTokensLegend } from 'vscode-languageserver';
import type { Logger } from '../guard';

/**
 * The service's own completion always creates a Docker Hub client that fetches image tags over the
 * network when the cursor is in a FROM tag. We run its completion engine with a client that knows
 * no tags, so completion never leaves the machine (HPC login nodes are often offline anyway).
 */
const OFFLINE_REGISTRY = { getTags: async (): Promise<string[]> => [] } as unknown as DockerRegistryClient;

/** dockerfile-language-service's token legend (dockerSemanticTokens.ts `TokensLegend.init`). */
export const DOCKERFILE_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: ['keyword', 'comment', 'parameter', 'property', 'namespace', 'class', 'macro', 'string', 'variable', 'operator', 'modifier'],
  tokenModifiers: ['declaration', 'definition', 'deprecated'],
};

export class DockerfileFeatures {
  readonly service: DockerfileLanguageService = DockerfileLanguageServiceFactory.createLanguageService();
  private capabilities: Capabilities = {};

  constructor(logger: Logger) {
    this.service.setLogger({ log: (message) => logger.log(message) });
  }

  setCapabilities(capabilities: Capabilities): void {
    this.capabilities = capabilities;
    this.service.setCapabilities(capabilities);
  }

  completion(content: string, position: Position): CompletionItem[] | PromiseLike<CompletionItem[]> {
    const document = TextDocument.create('', 'dockerfile', 0, content);
    const assist = new DockerAssist(document, OFFLINE_REGISTRY, this.capabilities.completion?.completionItem ?? {});
    return assist.computeProposals(position);
  }

  static formatterSettings(options: { tabSize: number; insertSpaces: boolean }): FormatterSettings {
    return { tabSize: options.tabSize, insertSpaces: options.insertSpaces };
  }
}

// The hpclint language server: the state every request handler shares. Handlers live in
// `handlers/`, one file per request or notification, and are registered by `handlers/index.ts`.
import { MessageType, ShowMessageNotification, TextDocuments, type Connection, type TextDocumentIdentifier } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { skipReason } from '../engine/lint';
import type { RecipeFormat } from '../recipe/model';
import type { ClientSupport } from './capabilities';
import { DiagnosticPublisher } from './diagnostics/publisher';
import { Analyzer, formatOf } from './documents/analyzer';
import { ConfigResolver } from './documents/configResolver';
import { SettingsStore } from './documents/settings';
import { DockerfileFeatures } from './features/dockerfileFeatures';
import type { Logger } from './guard';
import { registerHandlers } from './handlers/index';
import { createServerConnection, logProcessErrors } from './transport';

/** An open document that is a recipe, with its format. */
export interface OpenRecipe {
  document: TextDocument;
  format: RecipeFormat;
}

export class HpclintServer {
  readonly logger: Logger;
  readonly documents = new TextDocuments(TextDocument);
  /** Set by `initialize`. */
  client: ClientSupport = {
    pullsConfiguration: false,
    registersConfigurationChange: false,
    registersFileWatchers: false,
    workspaceFolderEvents: false,
    snippets: false,
  };
  /** File-system paths of the workspace folders (config-file lookups stop there). */
  workspaceFolders: string[] = [];
  readonly settings: SettingsStore;
  readonly configs: ConfigResolver;
  readonly analyzer: Analyzer;
  readonly publisher: DiagnosticPublisher;
  readonly dockerfile: DockerfileFeatures;

  constructor(readonly connection: Connection) {
    this.logger = connection.console;
    this.settings = new SettingsStore(connection, () => this.client.pullsConfiguration);
    this.configs = new ConfigResolver(
      () => this.workspaceFolders,
      (error) => {
        void connection.sendNotification(ShowMessageNotification.type, {
          type: MessageType.Error,
          message: `hpclint: invalid configuration file ${error.file}:${error.line}: ${error.detail}`,
        });
      },
    );
    this.analyzer = new Analyzer(this.settings, this.configs);
    this.publisher = new DiagnosticPublisher(connection, this.documents, this.analyzer, this.logger);
    this.dockerfile = new DockerfileFeatures(this.logger);
  }

  /** The document and its recipe format, or undefined when it is not open or is not a recipe. */
  open(identifier: TextDocumentIdentifier): OpenRecipe | undefined {
    const document = this.documents.get(identifier.uri);
    if (!document) {
      return undefined;
    }
    const format = formatOf(document);
    return format ? { document, format } : undefined;
  }

  /** An open recipe small enough for the editing features (completion, symbols, formatting…). */
  openForFeatures(identifier: TextDocumentIdentifier): OpenRecipe | undefined {
    const target = this.open(identifier);
    return target && skipReason(target.document.getText()) === undefined ? target : undefined;
  }

  /** An open Dockerfile small enough for dockerfile-language-service. */
  openDockerfile(identifier: TextDocumentIdentifier): TextDocument | undefined {
    const target = this.openForFeatures(identifier);
    return target?.format === 'dockerfile' ? target.document : undefined;
  }

  /** Settings, config files or workspace folders changed: every result is stale, lint every open document again. */
  relintAll(): void {
    this.configs.invalidate();
    this.analyzer.invalidateAll();
    this.publisher.scheduleAll();
  }

  listen(): void {
    registerHandlers(this);
    this.documents.listen(this.connection);
    this.connection.listen();
  }
}

/** Starts a server on the transport named on the command line. */
export function startServer(connection: Connection = createServerConnection()): HpclintServer {
  logProcessErrors(connection);
  const server = new HpclintServer(connection);
  server.listen();
  return server;
}

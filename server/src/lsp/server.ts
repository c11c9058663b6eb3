// The hpclint language server: the state every request handler shares. Handlers live in
// `handlers/`, one file per request or notification, and are registered by `handlers/index.ts`.
import { DidChangeWatchedFilesNotification, MessageType, ShowMessageNotification, TextDocuments, type Connection, type Disposable, type TextDocumentIdentifier } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Recipe, RecipeFormat } from '../recipe/model';
import { allRules } from '../rules/index';
import { createLinter } from '../service/linter';
import { INTERACTIVE_WORKER_YOUNG_MB, keepYoungGenerationSmall } from './memory';
import { tierUpLater } from '../service/jit';
import { LintService } from '../service/lintService';
import type { ClientSupport } from './capabilities';
import { ShellCheckProvider } from '../shellcheck/lspProvider';
import { ExtraDiagnostics } from './diagnostics/extraDiagnostics';
import { DiagnosticPublisher } from './diagnostics/publisher';
import { DocumentConfigs } from './documents/documentConfigs';
import { RecipeCache } from './documents/recipes';
import { SettingsStore } from './documents/settings';
import { DockerfileFeatures } from './features/dockerfileFeatures';
import { dockerfileSwitches, type DockerfileSwitches } from './features/dockerfileSwitches';
import { FormattingRegistrations } from './features/formattingRegistrations';
import { describeError, type Logger } from './guard';
import { registerHandlers } from './handlers/index';
import { DocumentLinter } from './linting/documentLinter';
import { ScriptWatch } from './linting/scriptWatch';
import { createServerConnection, logProcessErrors } from './transport';
import { baseNameOf } from './uri';

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
    registersFormatting: false,
  };
  /** File-system paths of the workspace folders (config-file lookups stop there). */
  workspaceFolders: string[] = [];
  /** From `initializationOptions.workspaceTrusted` and `hpclint/didGrantWorkspaceTrust`. */
  workspaceTrusted = false;
  /** Installed extensions bundling the Dockerfile language service (`initializationOptions.dockerExtensions`). */
  dockerExtensions: string[] = [];
  readonly service: LintService;
  readonly settings: SettingsStore;
  readonly configs: DocumentConfigs;
  readonly publisher: DiagnosticPublisher;
  readonly linter: DocumentLinter;
  /** Copied scripts the open recipes run (build contexts, watchers, who to lint again). */
  readonly scripts: ScriptWatch;
  private scriptWatchers?: Promise<Disposable>;
  /** Slower diagnostic sources merged into a second publish (see diagnostics/extraDiagnostics.ts). */
  readonly extraDiagnostics: ExtraDiagnostics;
  readonly recipes = new RecipeCache();
  readonly dockerfile: DockerfileFeatures;
  readonly formatting: FormattingRegistrations;

  constructor(readonly connection: Connection) {
    this.logger = connection.console;
    this.service = new LintService(
      allRules,
      {
        interactive: createLinter(allRules, { size: 1, jobTimeoutMs: 30_000, maxHeapMb: 1024, maxYoungMb: INTERACTIVE_WORKER_YOUNG_MB }),
        large: createLinter(allRules, { size: 1, jobTimeoutMs: 60_000, maxHeapMb: 2048, idleTimeoutMs: 30_000 }),
      },
      {
        stopAt: () => this.workspaceFolders,
        onInvalid: (error) => {
          void connection.sendNotification(ShowMessageNotification.type, {
            type: MessageType.Error,
            message: `hpclint: invalid configuration file ${error.file}:${error.line}: ${error.detail}`,
          });
        },
      },
    );
    this.settings = new SettingsStore(connection, () => this.client.pullsConfiguration);
    this.configs = new DocumentConfigs(this.service, () => this.workspaceFolders, (error) => {
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Error,
        message: error.file === 'setting hpclint.site' ? `hpclint: invalid setting hpclint.site: ${error.detail}` : `hpclint: invalid site profile ${error.message}`,
      });
    }, () => this.dockerExtensions);
    this.publisher = new DiagnosticPublisher(connection, this.logger);
    this.scripts = new ScriptWatch(() => this.workspaceFolders, {
      watch: (files) => void this.watchScripts(files),
    });
    this.linter = new DocumentLinter({
      documents: this.documents,
      service: this.service,
      settings: this.settings,
      configs: this.configs,
      publisher: this.publisher,
      logger: this.logger,
      scripts: this.scripts,
    });
    this.extraDiagnostics = new ExtraDiagnostics(this.publisher, this.logger, () => this.workspaceTrusted);
    this.extraDiagnostics.register(new ShellCheckProvider(this.logger));
    this.linter.onLinted((lint, text) => this.extraDiagnostics.afterPublish({ lint, text }));
    this.dockerfile = new DockerfileFeatures(this.logger);
    this.formatting = new FormattingRegistrations(connection, this.logger);
    this.service.warmUp();
  }

  /** The document and its recipe format, or undefined when it is not open or is not a recipe. */
  open(identifier: TextDocumentIdentifier): OpenRecipe | undefined {
    const document = this.documents.get(identifier.uri);
    if (!document) {
      return undefined;
    }
    const format = this.service.formatFor({ languageId: document.languageId, fileName: baseNameOf(document.uri), text: document.getText() });
    return format ? { document, format } : undefined;
  }

  /** An open recipe small enough for the editing features (completion, symbols, formatting…). */
  openForFeatures(identifier: TextDocumentIdentifier): OpenRecipe | undefined {
    const target = this.open(identifier);
    return target && this.service.skipReason(target.document.getText()) === undefined ? target : undefined;
  }

  /** `openForFeatures`, and for a Dockerfile only while the re-hosted `feature` is switched on. */
  async openForFeature(identifier: TextDocumentIdentifier, feature: keyof DockerfileSwitches): Promise<OpenRecipe | undefined> {
    const target = this.openForFeatures(identifier);
    if (target?.format !== 'dockerfile') {
      return target;
    }
    return (await this.dockerfileSwitches(target.document.uri))[feature] ? target : undefined;
  }

  /**
   * Which re-hosted Dockerfile editing features answer for this document, or without `uri` in general (its
   * settings, the Docker extensions).
   */
  async dockerfileSwitches(uri?: string): Promise<DockerfileSwitches> {
    return dockerfileSwitches((await this.settings.get(uri)).dockerfile, this.dockerExtensions);
  }

  /** Formatters registered per language follow the settings and the installed Docker extensions. */
  updateRegistrations(): void {
    if (this.client.registersFormatting) {
      void this.formatting.update(async () => (await this.dockerfileSwitches()).formatting);
    }
  }

  /** The parsed recipe of an open document's current version (main thread; for editing features). */
  recipe(target: OpenRecipe): Recipe {
    return this.recipes.get(target.document, target.format);
  }

  /** Asks the client to watch the copied scripts open recipes run (replacing the previous watchers), when it can. */
  private async watchScripts(files: ReadonlyArray<{ directory: string; name: string }>): Promise<void> {
    if (!this.client.registersFileWatchers) {
      return;
    }
    const previous = this.scriptWatchers;
    this.scriptWatchers = undefined;
    try {
      (await previous)?.dispose();
      if (files.length > 0) {
        this.scriptWatchers = this.connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: files.map(({ directory, name }) => ({ globPattern: { baseUri: directory, pattern: name } })),
        });
        await this.scriptWatchers;
      }
    } catch (error) {
      this.logger.warn(`hpclint: the client did not register watchers for copied scripts (${describeError(error)}); edits to them show after the recipe changes`);
    }
  }

  /** Settings, config files, workspace folders or trust changed: lint every open document again. */
  relintAll(changedConfigFile?: string): void {
    this.configs.invalidate(changedConfigFile);
    this.linter.requestAll();
  }

  listen(): void {
    registerHandlers(this);
    this.documents.listen(this.connection);
    this.connection.listen();
  }
}

/** Starts a server on the transport named on the command line. */
export function startServer(connection: Connection = createServerConnection()): HpclintServer {
  keepYoungGenerationSmall();
  tierUpLater();
  logProcessErrors(connection);
  const server = new HpclintServer(connection);
  server.listen();
  return server;
}

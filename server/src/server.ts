// The hpclint language server. `node dist/server.js --stdio|--node-ipc|--socket=N`, or `hpclint lsp --stdio`.
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentIdentifier,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CONFIG_FILE_NAMES } from './engine/config';
import { skipReason } from './engine/lint';
import type { RecipeFormat } from './recipe/model';
import { Analyzer, formatOf } from './lsp/analysis';
import { apptainerCompletion, apptainerFolding, apptainerHover, apptainerSymbols } from './lsp/apptainerFeatures';
import { computeCodeActions, FIX_ALL_KIND } from './lsp/codeActions';
import { ConfigResolver } from './lsp/configResolver';
import { registerConvertRequest } from './lsp/convert';
import { DiagnosticPublisher } from './lsp/diagnostics';
import { DOCKERFILE_TOKENS_LEGEND, DockerfileFeatures } from './lsp/dockerfileFeatures';
import { listRules, RULE_DOCUMENTATION_REQUEST, RULE_LIST_REQUEST, ruleDocumentation } from './lsp/documentation';
import { describeError, guarded, guardedNotification } from './lsp/guard';
import { findingsHover } from './lsp/hover';
import { SettingsStore } from './lsp/settings';
import { baseNameOf, filePathOf } from './lsp/uri';

/** Starts a server on the transport named on the command line (`--stdio`, `--node-ipc`, `--socket=N`). */
export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const logger = connection.console;
  const documents = new TextDocuments(TextDocument);

  let pullsConfiguration = false;
  let registersConfigurationChange = false;
  let registersFileWatchers = false;
  let snippetSupport = false;
  let workspaceFolderEvents = false;
  let workspaceFolders: string[] = [];

  const settings = new SettingsStore(connection, () => pullsConfiguration);
  const configs = new ConfigResolver(
    () => workspaceFolders,
    (error) => {
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Error,
        message: `hpclint: invalid configuration file ${error.file}:${error.line}: ${error.detail}`,
      });
    },
  );
  const analyzer = new Analyzer(settings, configs);
  const publisher = new DiagnosticPublisher(connection, documents, analyzer, logger);
  const dockerfile = new DockerfileFeatures(logger);

  process.on('uncaughtException', (error) => logger.error(`hpclint: uncaught exception: ${describeError(error)}`));
  process.on('unhandledRejection', (error) => logger.error(`hpclint: unhandled rejection: ${describeError(error)}`));

  /** The document and its recipe format, or undefined when it is not open or is not a recipe. */
  const open = (identifier: TextDocumentIdentifier): { document: TextDocument; format: RecipeFormat } | undefined => {
    const document = documents.get(identifier.uri);
    if (!document) {
      return undefined;
    }
    const format = formatOf(document);
    return format ? { document, format } : undefined;
  };
  /** An open Dockerfile small enough for dockerfile-language-service. */
  const openDockerfile = (identifier: TextDocumentIdentifier): TextDocument | undefined => {
    const target = open(identifier);
    return target?.format === 'dockerfile' && skipReason(target.document.getText()) === undefined ? target.document : undefined;
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    pullsConfiguration = capabilities.workspace?.configuration === true;
    registersConfigurationChange = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    registersFileWatchers = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    snippetSupport = capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    workspaceFolderEvents = capabilities.workspace?.workspaceFolders === true;
    workspaceFolders = (params.workspaceFolders ?? [])
      .map((folder) => filePathOf(folder.uri))
      .filter((path): path is string => path !== undefined);
    if (workspaceFolders.length === 0 && params.rootUri) {
      const root = filePathOf(params.rootUri);
      workspaceFolders = root ? [root] : [];
    }
    dockerfile.setCapabilities({
      completion: capabilities.textDocument?.completion,
      hover: capabilities.textDocument?.hover,
      foldingRange: capabilities.textDocument?.foldingRange,
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['=', ' ', '$', '-', '%', ':'], resolveProvider: true },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        documentOnTypeFormattingProvider: { firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentLinkProvider: { resolveProvider: true },
        renameProvider: { prepareProvider: true },
        documentHighlightProvider: true,
        definitionProvider: true,
        signatureHelpProvider: { triggerCharacters: ['-', '[', ',', ' ', '='] },
        semanticTokensProvider: { legend: DOCKERFILE_TOKENS_LEGEND, full: { delta: false }, range: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'hpclint' },
    };
  });

  connection.onInitialized(
    guardedNotification(logger, 'initialized', async () => {
      if (registersConfigurationChange) {
        await connection.client.register(DidChangeConfigurationNotification.type, { section: 'hpclint' });
      }
      if (registersFileWatchers) {
        await connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: [{ globPattern: '**/.hpclint.{yaml,yml,json}' }],
        });
      }
      if (!workspaceFolderEvents) {
        return;
      }
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((folder) => filePathOf(folder.uri)));
        workspaceFolders = workspaceFolders.filter((folder) => !removed.has(folder));
        for (const folder of event.added) {
          const path = filePathOf(folder.uri);
          if (path) {
            workspaceFolders.push(path);
          }
        }
        configs.invalidate();
        analyzer.invalidateAll();
        publisher.scheduleAll();
      });
    }),
  );

  // ------------------------------------------------------------ documents and diagnostics

  const justOpened = new Set<string>();
  documents.onDidOpen((event) => {
    justOpened.add(event.document.uri);
    publisher.schedule(event.document.uri, 0);
  });
  documents.onDidChangeContent((event) => {
    if (justOpened.delete(event.document.uri)) {
      return;
    }
    publisher.schedule(event.document.uri);
  });
  documents.onDidClose((event) => {
    justOpened.delete(event.document.uri);
    publisher.clear(event.document.uri);
    analyzer.forget(event.document.uri);
    settings.forget(event.document.uri);
  });

  connection.onDidChangeConfiguration(
    guardedNotification(logger, 'didChangeConfiguration', (params) => {
      settings.invalidate(params.settings);
      configs.invalidate();
      analyzer.invalidateAll();
      publisher.scheduleAll();
    }),
  );

  connection.onDidChangeWatchedFiles(
    guardedNotification(logger, 'didChangeWatchedFiles', (params) => {
      const configChanges = params.changes.filter((change) =>
        (CONFIG_FILE_NAMES as readonly string[]).includes(baseNameOf(change.uri)),
      );
      if (configChanges.length === 0) {
        return;
      }
      for (const change of configChanges) {
        configs.invalidate(filePathOf(change.uri));
      }
      analyzer.invalidateAll();
      publisher.scheduleAll();
    }),
  );

  // ------------------------------------------------------------ hover, completion, code actions

  connection.onHover(
    guarded(logger, 'hover', null, async (params) => {
      const target = open(params.textDocument);
      if (!target) {
        return null;
      }
      const { document, format } = target;
      const analysis = await analyzer.analyze(document);
      const small = skipReason(document.getText()) === undefined;
      const languageHover = !small
        ? null
        : format === 'dockerfile'
          ? dockerfile.service.computeHover(document.getText(), params.position)
          : apptainerHover(document, params.position, () => analyzer.recipe(document, 'apptainer'));
      return findingsHover(analysis?.result?.diagnostics ?? [], params.position, languageHover);
    }),
  );

  connection.onCompletion(
    guarded(logger, 'completion', [], async (params) => {
      const target = open(params.textDocument);
      if (!target || skipReason(target.document.getText()) !== undefined) {
        return [];
      }
      return target.format === 'dockerfile'
        ? await dockerfile.completion(target.document.getText(), params.position)
        : apptainerCompletion(target.document, params.position, {
            recipe: () => analyzer.recipe(target.document, 'apptainer'),
            snippets: snippetSupport,
          });
    }),
  );

  connection.onCompletionResolve(
    guarded(logger, 'completionResolve', null as never, (item) => (item.documentation ? item : dockerfile.service.resolveCompletionItem(item))),
  );

  connection.onCodeAction(
    guarded(logger, 'codeAction', [], async (params) => {
      const target = open(params.textDocument);
      if (!target) {
        return [];
      }
      const analysis = await analyzer.analyze(target.document);
      const { config } = configs.resolve(target.document.uri, analysis?.settings ?? (await settings.get(target.document.uri)));
      return computeCodeActions(params, {
        document: target.document,
        format: target.format,
        recipe: analyzer.recipe(target.document, target.format),
        config,
        dockerfile,
        findings: analysis?.result?.diagnostics,
      });
    }),
  );

  // ------------------------------------------------------------ Dockerfile features (dockerfile-language-service)

  connection.onDocumentFormatting(
    guarded(logger, 'formatting', [], (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.format(document.getText(), DockerfileFeatures.formatterSettings(params.options)) : [];
    }),
  );
  connection.onDocumentRangeFormatting(
    guarded(logger, 'rangeFormatting', [], (params) => {
      const document = openDockerfile(params.textDocument);
      return document
        ? dockerfile.service.formatRange(document.getText(), params.range, DockerfileFeatures.formatterSettings(params.options))
        : [];
    }),
  );
  connection.onDocumentOnTypeFormatting(
    guarded(logger, 'onTypeFormatting', [], (params) => {
      const document = openDockerfile(params.textDocument);
      return document
        ? dockerfile.service.formatOnType(document.getText(), params.position, params.ch, DockerfileFeatures.formatterSettings(params.options))
        : [];
    }),
  );
  connection.onDocumentLinks(
    guarded(logger, 'documentLinks', [], (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.computeLinks(document.getText()) : [];
    }),
  );
  connection.onDocumentLinkResolve(guarded(logger, 'documentLinkResolve', null as never, (link) => dockerfile.service.resolveLink(link)));
  connection.onPrepareRename(
    guarded(logger, 'prepareRename', null, (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.prepareRename(document.getText(), params.position) : null;
    }),
  );
  connection.onRenameRequest(
    guarded(logger, 'rename', null, (params) => {
      const document = openDockerfile(params.textDocument);
      if (!document) {
        return null;
      }
      const edits = dockerfile.service.computeRename(params.textDocument, document.getText(), params.position, params.newName);
      return { changes: { [document.uri]: edits } };
    }),
  );
  connection.onDocumentHighlight(
    guarded(logger, 'documentHighlight', [], (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.computeHighlightRanges(document.getText(), params.position) : [];
    }),
  );
  connection.onDefinition(
    guarded(logger, 'definition', null, (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.computeDefinition(params.textDocument, document.getText(), params.position) : null;
    }),
  );
  connection.onSignatureHelp(
    guarded(logger, 'signatureHelp', null, (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.computeSignatureHelp(document.getText(), params.position) : null;
    }),
  );
  connection.languages.semanticTokens.on(
    guarded(logger, 'semanticTokens', { data: [] }, (params) => {
      const document = openDockerfile(params.textDocument);
      return document ? dockerfile.service.computeSemanticTokens(document.getText()) : { data: [] };
    }),
  );

  // ------------------------------------------------------------ symbols and folding (both formats)

  connection.onDocumentSymbol(
    guarded(logger, 'documentSymbol', [], (params) => {
      const target = open(params.textDocument);
      if (!target || skipReason(target.document.getText()) !== undefined) {
        return [];
      }
      return target.format === 'dockerfile'
        ? dockerfile.service.computeSymbols(params.textDocument, target.document.getText())
        : apptainerSymbols(analyzer.recipe(target.document, 'apptainer'));
    }),
  );
  connection.onFoldingRanges(
    guarded(logger, 'foldingRanges', [], (params) => {
      const target = open(params.textDocument);
      if (!target || skipReason(target.document.getText()) !== undefined) {
        return [];
      }
      return target.format === 'dockerfile'
        ? dockerfile.service.computeFoldingRanges(target.document.getText())
        : apptainerFolding(analyzer.recipe(target.document, 'apptainer'), target.document);
    }),
  );

  // ------------------------------------------------------------ rule documentation (client viewer)

  connection.onRequest(
    RULE_DOCUMENTATION_REQUEST,
    guarded(logger, 'ruleDocumentation', null, (params: { code?: unknown }) =>
      typeof params?.code === 'string' ? ruleDocumentation(params.code) : null,
    ),
  );
  connection.onRequest(RULE_LIST_REQUEST, guarded(logger, 'listRules', [], () => listRules()));
  registerConvertRequest(connection, logger);

  documents.listen(connection);
  connection.listen();
  return connection;
}

// Start only when this file is the program (dist/server.js, or server.ts under tsx) — not when the
// CLI bundle (dist/cli.js, where `require.main === module` also holds) contains it.
if (require.main === module && /[\\/]server\.[cm]?[jt]s$/.test(require.main.filename)) {
  startServer();
}

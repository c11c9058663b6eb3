// A tiny LSP client for tests: spawns the server over stdio and records what it sends.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type ClientCapabilities,
  type ConfigurationItem,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Registration,
  type ShowMessageParams,
} from 'vscode-languageserver/node';

export const ROOT = join(__dirname, '..', '..');
export const TODAY = '2026-01-15';
const BUNDLE = join(ROOT, 'dist', 'server.js');

/** `HPCLINT_LSP_FROM_SOURCE=1` runs server/src/server.ts through tsx instead of the bundle. */
function serverCommand(): string[] {
  if (process.env.HPCLINT_LSP_FROM_SOURCE === '1' || !existsSync(BUNDLE)) {
    return ['--import', join(ROOT, 'scripts', 'text-loader.mjs'), '--import', 'tsx', join(ROOT, 'server', 'src', 'server.ts'), '--stdio'];
  }
  return [BUNDLE, '--stdio'];
}

export const CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
  },
  textDocument: {
    publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
    },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    foldingRange: { lineFoldingOnly: true },
  },
};

export function fileUri(path: string): string {
  return pathToFileURL(path).toString();
}

export interface StartOptions {
  /** Node arguments that start the server (default: the bundle or, see serverCommand, the sources). */
  command?: string[];
  /** Workspace folder (file-system path). */
  workspaceFolder?: string;
  /** Answers workspace/configuration for section `hpclint` (default: empty settings). */
  settings?: (scopeUri: string | undefined) => unknown;
  /** Client capabilities sent with initialize (default: CAPABILITIES). */
  capabilities?: ClientCapabilities;
  /** Working directory of the server process (default: the repository root). */
  cwd?: string;
  /** Extra environment of the server process (e.g. a PATH with or without shellcheck). */
  env?: NodeJS.ProcessEnv;
  /** `initializationOptions` sent with initialize (e.g. `{ workspaceTrusted: true }`). */
  initializationOptions?: unknown;
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly messages: ShowMessageParams[] = [];
  readonly logs: string[] = [];
  readonly configurationRequests: ConfigurationItem[] = [];
  /** Capabilities the server registered dynamically and has not unregistered, by registration id. */
  readonly registrations = new Map<string, Registration>();
  /** Every byte the server wrote to stdout. */
  readonly stdout: Buffer[] = [];
  initializeResult?: InitializeResult;
  settings: (scopeUri: string | undefined) => unknown;
  private readonly waiters: Array<() => void> = [];
  private versions = new Map<string, number>();

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? (() => ({}));
  }

  static async start(options: StartOptions = {}): Promise<TestClient> {
    // A fixed "today" keeps date-dependent rules (end-of-life bases) stable.
    const env = { ...process.env, HPCLINT_TODAY: TODAY, ...options.env };
    const child = spawn(process.execPath, options.command ?? serverCommand(), { cwd: options.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const tee = new PassThrough();
    const client: { value?: TestClient } = {};
    child.stdout!.on('data', (chunk: Buffer) => {
      client.value?.stdout.push(Buffer.from(chunk));
      tee.write(chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => client.value?.logs.push(`stderr: ${chunk.toString()}`));
    const connection = createProtocolConnection(new StreamMessageReader(tee), new StreamMessageWriter(child.stdin!));
    const self = new TestClient(child, connection, options);
    client.value = self;

    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      const list = self.diagnostics.get(params.uri) ?? [];
      list.push(params);
      self.diagnostics.set(params.uri, list);
      self.notify();
    });
    connection.onNotification('window/showMessage', (params: ShowMessageParams) => {
      self.messages.push(params);
      self.notify();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      self.logs.push(params.message);
    });
    connection.onRequest('workspace/configuration', (params: { items: ConfigurationItem[] }) => {
      self.configurationRequests.push(...params.items);
      return params.items.map((item) => (item.section === 'hpclint' ? self.settings(item.scopeUri) : null));
    });
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => {
      for (const registration of params.registrations) {
        self.registrations.set(registration.id, registration);
      }
      self.notify();
      return null;
    });
    connection.onRequest('client/unregisterCapability', (params: { unregisterations: Array<{ id: string }> }) => {
      for (const unregistration of params.unregisterations) {
        self.registrations.delete(unregistration.id);
      }
      self.notify();
      return null;
    });
    connection.onRequest('window/showMessageRequest', () => null);
    connection.listen();

    const folder = options.workspaceFolder;
    self.initializeResult = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folder ? fileUri(folder) : null,
      workspaceFolders: folder ? [{ uri: fileUri(folder), name: 'test' }] : null,
      capabilities: options.capabilities ?? CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return self;
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter();
    }
  }

  /** Resolves with the first value `probe` returns (checked on every notification), or rejects after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  /** The next publishDiagnostics for `uri` (after `after` earlier ones) that satisfies `predicate`. */
  async nextDiagnostics(
    uri: string,
    after: number,
    predicate: (params: PublishDiagnosticsParams) => boolean = () => true,
  ): Promise<PublishDiagnosticsParams> {
    return this.waitFor(() => (this.diagnostics.get(uri) ?? []).slice(after).find(predicate), `diagnostics for ${uri}`);
  }

  publishedCount(uri: string): number {
    return this.diagnostics.get(uri)?.length ?? 0;
  }

  async open(uri: string, languageId: string, text: string): Promise<PublishDiagnosticsParams> {
    const before = this.publishedCount(uri);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return this.nextDiagnostics(uri, before);
  }

  async change(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const before = this.publishedCount(uri);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return this.nextDiagnostics(uri, before, (params) => params.version === undefined || params.version === version);
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.process.exitCode !== null) {
        resolve(this.process.exitCode);
      } else {
        this.process.once('exit', (code) => resolve(code));
      }
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** Splits raw stdout into LSP messages; throws if anything but `Content-Length` framed JSON-RPC appears. */
export function parseFramedMessages(chunks: readonly Buffer[]): unknown[] {
  const data = Buffer.concat(chunks);
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < data.length) {
    const headerEnd = data.indexOf('\r\n\r\n', offset);
    if (headerEnd < 0) {
      throw new Error(`stray output on stdout: ${JSON.stringify(data.subarray(offset, offset + 80).toString())}`);
    }
    const header = data.subarray(offset, headerEnd).toString('ascii');
    const length = /^Content-Length: (\d+)$/im.exec(header);
    if (!length || !/^(Content-(Length|Type): [^\r\n]+\r\n)*Content-(Length|Type): [^\r\n]+$/.test(header)) {
      throw new Error(`bad header on stdout: ${JSON.stringify(header.slice(0, 80))}`);
    }
    const bodyStart = headerEnd + 4;
    const bodyEnd = bodyStart + Number(length[1]);
    const body = JSON.parse(data.subarray(bodyStart, bodyEnd).toString('utf8')) as { jsonrpc?: string };
    if (body.jsonrpc !== '2.0') {
      throw new Error('message without jsonrpc 2.0');
    }
    messages.push(body);
    offset = bodyEnd;
  }
  return messages;
}

// A byte-level LSP client for abuse and soak tests: it writes whatever it is told (also broken frames)
// to the server's stdin and parses what comes back on stdout itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'server.js');

export interface JsonRpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export function frame(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

export function fileUri(path: string): string {
  return pathToFileURL(path).toString();
}

export interface RawClientOptions {
  env?: Record<string, string>;
  /** Node options before the bundle (e.g. `--require` a probe). */
  nodeArgs?: string[];
  /** The `hpclint` settings section the client answers `workspace/configuration` with. */
  settings?: object;
}

export class RawClient {
  readonly received: JsonRpcMessage[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiters = new Set<() => void>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    private readonly settings: object,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.exitCode = code;
        this.wake();
        resolve(code);
      }),
    );
  }

  /** Requests the server sends (configuration, registrations) get a plain answer. */
  private answerServerRequest(message: JsonRpcMessage): void {
    if (message.method && message.id !== undefined && message.id !== null) {
      const items = (message.params as { items?: unknown[] } | undefined)?.items ?? [];
      this.sendMessage({ jsonrpc: '2.0', id: message.id, result: message.method === 'workspace/configuration' ? items.map(() => this.settings) : null });
    }
  }

  static start(options: RawClientOptions = {}): RawClient {
    const command = existsSync(BUNDLE) ? [BUNDLE, '--stdio'] : ['--import', './scripts/text-loader.mjs', '--import', 'tsx', 'server/src/server.ts', '--stdio'];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...command], {
      cwd: ROOT,
      env: { ...process.env, HPCLINT_TODAY: '2026-01-15', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new RawClient(child, options.settings ?? {});
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  sendRaw(bytes: string | Buffer): void {
    this.child.stdin!.write(bytes);
  }

  sendMessage(message: JsonRpcMessage): void {
    this.sendRaw(frame(JSON.stringify(message)));
  }

  notify(method: string, params: unknown): void {
    this.sendMessage({ jsonrpc: '2.0', method, params });
  }

  /** Sends a request and resolves with the whole response (result or error). */
  async request(method: string, params: unknown, timeoutMs = 20_000): Promise<JsonRpcMessage> {
    const id = this.nextId++;
    this.sendMessage({ jsonrpc: '2.0', id, method, params });
    return this.response(id, timeoutMs);
  }

  /** Sends a request without waiting; `response(id)` collects the answer. */
  send(method: string, params: unknown): number {
    const id = this.nextId++;
    this.sendMessage({ jsonrpc: '2.0', id, method, params });
    return id;
  }

  async response(id: number | string, timeoutMs = 20_000): Promise<JsonRpcMessage> {
    const found = await this.waitFor((m) => m.id === id && m.method === undefined, timeoutMs, `a response to request ${id}`);
    return found;
  }

  /** Waits until a received message matches (also one received before the call). */
  async waitFor(match: (message: JsonRpcMessage) => boolean, timeoutMs: number, what: string): Promise<JsonRpcMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(match);
      if (found) {
        return found;
      }
      if (!this.alive) {
        throw new Error(`server exited (${this.exitCode}) while waiting for ${what}; stderr: ${this.stderr.slice(-500)}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${what} within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiters.delete(wake);
          resolve();
        }, left);
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  /** Diagnostics published for `uri`, oldest first. */
  diagnostics(uri: string): Array<{ version?: number; diagnostics: Array<{ code?: string | number; message: string }> }> {
    return this.received
      .filter((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri)
      .map((m) => m.params as { version?: number; diagnostics: Array<{ code?: string | number; message: string }> });
  }

  async initialize(rootPath: string = ROOT, initializationOptions?: object): Promise<JsonRpcMessage> {
    const response = await this.request('initialize', {
      processId: process.pid,
      initializationOptions,
      rootUri: fileUri(rootPath),
      workspaceFolders: [{ uri: fileUri(rootPath), name: 'root' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown', 'plaintext'] } },
      },
    });
    this.notify('initialized', {});
    return response;
  }

  open(uri: string, languageId: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  async exit(): Promise<number | null> {
    if (this.alive) {
      this.child.kill('SIGKILL');
    }
    return this.exited;
  }

  /** Resolves when the process has exited (with its code). */
  get whenExited(): Promise<number | null> {
    return this.exited;
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) {
        return;
      }
      const length = Number(/content-length:\s*(\d+)/i.exec(this.buffer.subarray(0, end).toString('ascii'))?.[1]);
      if (this.buffer.length < end + 4 + length) {
        return;
      }
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      const message = JSON.parse(body) as JsonRpcMessage;
      this.received.push(message);
      this.answerServerRequest(message);
      this.wake();
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      waiter();
    }
  }
}

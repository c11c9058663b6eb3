// A raw JSON-RPC client for the bench: spawns the language server, frames messages, answers the
// server's requests like VS Code (settings: defaults), records publishDiagnostics with arrival times.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class LspClient {
  static async start(serverPath, { rootUri = null, env = {} } = {}) {
    const client = new LspClient(spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } }));
    await client.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
        textDocument: {
          publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } }, isPreferredSupport: true },
          hover: { contentFormat: ['markdown'] },
        },
      },
    }, 60_000);
    client.notify('initialized', {});
    return client;
  }

  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    /** uri → [{ version, diagnostics, at }] */
    this.published = new Map();
    this.waiters = new Set();
    /** window/logMessage texts (with HPCLINT_TIMING=1, the server's timing lines). */
    this.logs = [];
    this.buffer = Buffer.alloc(0);
    child.stderr.on('data', () => {});
    child.stdout.on('data', (chunk) => this.read(chunk));
  }

  read(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        return;
      }
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) {
        return;
      }
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.handle(message, performance.now());
    }
  }

  handle(message, at) {
    if (message.id !== undefined && message.method === undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiting?.resolve({ ...message, at });
    } else if (message.id !== undefined) {
      const result = message.method === 'workspace/configuration' ? (message.params?.items ?? []).map(() => ({})) : null;
      this.send({ id: message.id, result });
    } else if (message.method === 'window/logMessage') {
      this.logs.push(message.params.message);
    } else if (message.method === 'textDocument/publishDiagnostics') {
      const { uri, version, diagnostics } = message.params;
      const list = this.published.get(uri) ?? [];
      list.push({ version, diagnostics, at });
      this.published.set(uri, list);
      for (const waiter of [...this.waiters]) {
        waiter();
      }
    }
  }

  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  notify(method, params) {
    this.send({ method, params });
  }

  /** Resolves with the response (plus `at`, its arrival time); rejects after `timeoutMs`. */
  request(method, params, timeoutMs = 30_000) {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, { resolve: (value) => (clearTimeout(timer), resolve(value)) });
    });
  }

  /** Sends a request and returns its id (for $/cancelRequest) and the response promise. */
  requestWithId(method, params, timeoutMs = 30_000) {
    const id = this.nextId;
    return { id, response: this.request(method, params, timeoutMs) };
  }

  cancel(id) {
    this.notify('$/cancelRequest', { id });
  }

  /** The first publication for `uri` with `version` (or any version when undefined). */
  waitForPublish(uri, version, timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = (this.published.get(uri) ?? []).find((p) => version === undefined || p.version === version);
        if (found) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no diagnostics for ${uri} version ${version}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  rssMb() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]) / 1024;
  }

  async stop() {
    try {
      await this.request('shutdown', null, 10_000);
      this.notify('exit');
    } catch {
      // killed below
    }
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill();
        resolve();
      }, 2000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

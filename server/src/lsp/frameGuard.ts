// Protects the JSON-RPC reader from what a broken or hostile client can send over a byte stream.
// vscode-jsonrpc's reader stops for good at the first frame without a usable `Content-Length` (the
// server stays alive but deaf); this guard sits in front of it, passes well-formed frames through
// unchanged, skips malformed ones up to the next `Content-Length:` header, and drops bodies too large
// to hold. It also answers what the protocol says for requests before `initialize` (-32002) and after
// `shutdown` (-32600), so the handlers only ever see a running session.
import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n', 'ascii');
const CONTENT_LENGTH = /content-length:/i;
/** A header block larger than this is garbage, not a header. */
const MAX_HEADER_BYTES = 8 * 1024;
/** Bodies above this are discarded as they arrive instead of being buffered (a document is at most a few MB). */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export const SERVER_NOT_INITIALIZED = -32002;
export const INVALID_REQUEST = -32600;

type Lifecycle = 'uninitialized' | 'running' | 'shutDown';

export interface FrameGuardOptions {
  /** Writes a complete JSON-RPC message (an error response) back to the client. */
  reply: (message: object) => void;
  /** Reports what was skipped (the connection's log, once it exists). */
  log: (message: string) => void;
}

export class FrameGuard extends Transform {
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of the current body still to pass on (`pass`) or to throw away (`discard`). */
  private body: { remaining: number; discard: boolean; header: Buffer; chunks: Buffer[]; tail: Buffer } | undefined;
  private lifecycle: Lifecycle = 'uninitialized';

  constructor(private readonly options: FrameGuardOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      this.drain();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private drain(): void {
    for (;;) {
      if (this.body) {
        if (!this.takeBody()) {
          return;
        }
        continue;
      }
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > MAX_HEADER_BYTES) {
          this.resync('a header block without an end');
        }
        return;
      }
      const header = this.buffer.subarray(0, end + HEADER_END.length);
      const length = contentLength(header.subarray(0, end).toString('ascii'));
      if (length === undefined) {
        this.resync(`a frame without a valid Content-Length (${JSON.stringify(header.subarray(0, Math.min(end, 120)).toString('latin1'))})`);
        continue;
      }
      this.buffer = this.buffer.subarray(header.length);
      const discard = length > MAX_MESSAGE_BYTES;
      if (discard) {
        this.options.log(`hpclint: dropped a ${length}-byte message (more than ${MAX_MESSAGE_BYTES} bytes)`);
      }
      this.body = { remaining: length, discard, header: Buffer.from(header), chunks: [], tail: Buffer.alloc(0) };
    }
  }

  /** Moves body bytes on; true when the body is complete (or turned out to be cut short). */
  private takeBody(): boolean {
    const body = this.body!;
    const taken = this.buffer.subarray(0, Math.min(body.remaining, this.buffer.length));
    this.buffer = this.buffer.subarray(taken.length);
    body.remaining -= taken.length;
    if (!body.discard) {
      if (this.cutShort(body, taken)) {
        return true;
      }
      body.chunks.push(Buffer.from(taken));
      body.tail = Buffer.concat([body.tail, taken]).subarray(-256);
    }
    if (body.remaining > 0) {
      return false;
    }
    this.body = undefined;
    if (!body.discard) {
      const content = Buffer.concat(body.chunks);
      if (this.admit(content)) {
        this.push(body.header);
        this.push(content);
      }
    }
    return true;
  }

  /**
   * A raw `Content-Length: N` line ending a header block inside a body means the body was shorter than
   * its Content-Length said (JSON has no raw CR/LF inside strings): drop the cut message and go on with
   * the next frame instead of waiting for bytes that will never come.
   */
  private cutShort(body: NonNullable<FrameGuard['body']>, taken: Buffer): boolean {
    const window = Buffer.concat([body.tail, taken]);
    const end = window.indexOf(HEADER_END, Math.max(0, body.tail.length - HEADER_END.length + 1));
    if (end < 0) {
      return false;
    }
    const from = Math.max(0, end - 256);
    const header = /content-length:[ \t]*\d+[ \t]*(?:\r\n[^\r\n]*)*$/i.exec(window.subarray(from, end).toString('latin1'));
    if (!header) {
      return false;
    }
    this.options.log('hpclint: dropped a message shorter than its Content-Length');
    this.buffer = Buffer.concat([window.subarray(from + header.index), this.buffer]);
    this.body = undefined;
    return true;
  }

  /** Skips to the next `Content-Length:` after the start of the buffer (keeping a possible partial one). */
  private resync(what: string): void {
    this.options.log(`hpclint: skipped ${what} from the client`);
    const text = this.buffer.toString('latin1');
    const next = text.slice(1).search(CONTENT_LENGTH);
    if (next >= 0) {
      this.buffer = this.buffer.subarray(next + 1);
    } else {
      this.buffer = this.buffer.subarray(Math.max(1, this.buffer.length - 'content-length:'.length));
    }
  }

  /**
   * The session's lifecycle: before `initialize` only `initialize` and `exit` get through, after
   * `shutdown` only `exit`; other requests get the protocol's error, other notifications are dropped.
   * Bodies are parsed only while that matters or when they may be `initialize`/`shutdown`.
   */
  private admit(content: Buffer): boolean {
    if (this.lifecycle === 'running' && content.indexOf('"shutdown"') < 0 && content.indexOf('"initialize"') < 0) {
      return true;
    }
    const message = parse(content);
    if (!message || typeof message.method !== 'string') {
      return true; // a response, or a message vscode-jsonrpc will report as malformed
    }
    const isRequest = message.id !== undefined && message.id !== null;
    const method = message.method;
    if (method === 'exit') {
      return true;
    }
    if (this.lifecycle === 'uninitialized') {
      if (method === 'initialize') {
        this.lifecycle = 'running';
        return true;
      }
      if (isRequest) {
        this.refuse(message.id, SERVER_NOT_INITIALIZED, `"${method}" before "initialize"`);
      }
      return false;
    }
    if (this.lifecycle === 'shutDown' || method === 'initialize') {
      if (isRequest) {
        this.refuse(message.id, INVALID_REQUEST, this.lifecycle === 'shutDown' ? `"${method}" after "shutdown"` : '"initialize" sent twice');
      }
      return false;
    }
    if (method === 'shutdown') {
      this.lifecycle = 'shutDown';
    }
    return true;
  }

  private refuse(id: unknown, code: number, message: string): void {
    this.options.reply({ jsonrpc: '2.0', id, error: { code, message: `hpclint: ${message}` } });
  }
}

/** The Content-Length of a header block, or undefined when the block is not a valid LSP header. */
function contentLength(block: string): number | undefined {
  let length: number | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      return undefined;
    }
    if (line.slice(0, colon).trim().toLowerCase() === 'content-length') {
      const value = line.slice(colon + 1).trim();
      if (!/^\d{1,12}$/.test(value)) {
        return undefined;
      }
      length = Number(value);
    }
  }
  return length;
}

function parse(content: Buffer): { id?: unknown; method?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(content.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { id?: unknown; method?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** One framed JSON-RPC message, as vscode-jsonrpc writes them. */
export function frame(message: object): Buffer {
  const content = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${content.length}\r\n\r\n`, 'ascii'), content]);
}

// The frame guard in front of vscode-jsonrpc's reader: well-formed frames pass unchanged however the
// bytes are chunked; malformed ones are skipped; the lifecycle errors are answered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameGuard, frame, MAX_MESSAGE_BYTES } from '../../server/src/lsp/frameGuard';

function run(input: Buffer, chunkSize: number): { passed: string[]; replies: object[]; logs: string[] } {
  const replies: object[] = [];
  const logs: string[] = [];
  const guard = new FrameGuard({ reply: (message) => replies.push(message), log: (message) => logs.push(message) });
  const out: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => out.push(chunk));
  for (let i = 0; i < input.length; i += chunkSize) {
    guard.write(input.subarray(i, i + chunkSize));
  }
  const bytes = Buffer.concat(out);
  const passed: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf('\r\n\r\n', at);
    const length = Number(/^Content-Length: (\d+)$/.exec(bytes.subarray(at, end).toString('ascii'))?.[1]);
    passed.push(bytes.subarray(end + 4, end + 4 + length).toString('utf8'));
    at = end + 4 + length;
  }
  return { passed, replies, logs };
}

const request = (id: number, method: string): string => JSON.stringify({ jsonrpc: '2.0', id, method, params: {} });

test('frames pass unchanged and in order, in chunks of any size; broken ones are skipped', () => {
  const input = Buffer.concat([
    frame({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }),
    Buffer.from('Content-Type: x\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"a"}'),
    Buffer.from(`Content-Length: 5\r\n\r\n${request(2, 'b')}`),
    Buffer.from(`Content-Length: 9999\r\n\r\n${request(3, 'c').slice(0, 10)}`),
    frame({ jsonrpc: '2.0', id: 4, method: 'd', params: { text: 'Content-Length: 3\\r\\n\\r\\n é' } }),
    Buffer.from('\r\n\u0000garbage'),
    frame({ jsonrpc: '2.0', id: 5, method: 'e', params: {} }),
  ]);
  for (const size of [1, 3, 7, 64, input.length]) {
    const { passed, logs } = run(input, size);
    // A too-short Content-Length cuts its body (vscode-jsonrpc reports that one); the rest is skipped.
    assert.deepEqual(
      passed.map((body) => (body.startsWith('{"jsonrpc":"2.0","id":') ? (JSON.parse(body) as { id: number }).id : body)),
      [0, '{"jso', 4, 5],
      `chunks of ${size}`,
    );
    assert.equal(passed[2], JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'd', params: { text: 'Content-Length: 3\\r\\n\\r\\n é' } }));
    assert.ok(logs.length >= 4, logs.join('\n'));
  }
});

test('the lifecycle: -32002 before initialize, -32600 after shutdown and for a second initialize', () => {
  const input = Buffer.concat(
    [request(1, 'textDocument/hover'), request(2, 'initialize'), request(3, 'initialize'), request(4, 'shutdown'), request(5, 'textDocument/hover')]
      .map((body) => frame(JSON.parse(body) as object))
      .concat(frame({ jsonrpc: '2.0', method: 'exit' })),
  );
  const { passed, replies } = run(input, 11);
  assert.deepEqual(
    passed.map((body) => (JSON.parse(body) as { method: string }).method),
    ['initialize', 'shutdown', 'exit'],
  );
  assert.deepEqual(
    replies.map((reply) => [(reply as { id: number }).id, (reply as { error: { code: number } }).error.code]),
    [
      [1, -32002],
      [3, -32600],
      [5, -32600],
    ],
  );
});

test('a body larger than the limit is dropped as it arrives, and the next frame is read', () => {
  const guard = new FrameGuard({ reply: () => undefined, log: () => undefined });
  const out: Buffer[] = [];
  guard.on('data', (chunk: Buffer) => out.push(chunk));
  guard.write(frame({ jsonrpc: '2.0', id: 0, method: 'initialize', params: {} }));
  guard.write(Buffer.from(`Content-Length: ${MAX_MESSAGE_BYTES + 1}\r\n\r\n`));
  const block = Buffer.alloc(1024 * 1024, 0x20);
  for (let sent = 0; sent <= MAX_MESSAGE_BYTES; sent += block.length) {
    guard.write(block.subarray(0, Math.min(block.length, MAX_MESSAGE_BYTES + 1 - sent)));
  }
  guard.write(frame({ jsonrpc: '2.0', id: 1, method: 'after' }));
  const text = Buffer.concat(out).toString('utf8');
  assert.match(text, /"method":"initialize"/);
  assert.match(text, /"method":"after"/);
  assert.ok(text.length < 1000);
});

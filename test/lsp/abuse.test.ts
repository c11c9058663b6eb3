// The server survives anything a client sends: each probe below is followed by a normal hover on a
// known document, which must still explain its HPC-PORT-001 finding.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { fileUri, frame, RawClient, ROOT } from './rawClient';

const KNOWN = fileUri(`${ROOT}/test/abuse/Dockerfile`);
const KNOWN_TEXT = 'FROM ubuntu:24.04\nRUN gcc -O3 -march=native -o /usr/local/bin/app /src/app.c\n';

let client: RawClient;

before(() => {
  client = RawClient.start();
});
after(async () => {
  await client.exit();
});

async function hoverStillAnswers(probe: string): Promise<void> {
  const response = await client.request('textDocument/hover', { textDocument: { uri: KNOWN }, position: { line: 1, character: 20 } }, 30_000);
  const value = (response.result as { contents?: { value?: string } } | null)?.contents?.value ?? '';
  assert.match(value, /HPC-PORT-001/, `after ${probe}: ${JSON.stringify(response).slice(0, 300)}`);
  assert.ok(client.alive, `after ${probe}: the server exited`);
}

test('before initialize: requests get -32002, notifications are dropped', async () => {
  const early = await client.request('textDocument/hover', { textDocument: { uri: KNOWN }, position: { line: 0, character: 0 } });
  assert.equal(early.error?.code, -32002);
  client.open(`${KNOWN}.early`, 'dockerfile', KNOWN_TEXT);
  const init = await client.initialize();
  assert.ok((init.result as { capabilities?: object }).capabilities);
  client.open(KNOWN, 'dockerfile', KNOWN_TEXT);
  await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === KNOWN, 20_000, 'diagnostics');
  const dropped = await client.request('textDocument/hover', { textDocument: { uri: `${KNOWN}.early` }, position: { line: 1, character: 20 } });
  assert.equal(dropped.result, null, 'a didOpen before initialize must not have opened the document');
  await hoverStillAnswers('initialize');
  const again = await client.request('initialize', { processId: null, rootUri: null, capabilities: {} });
  assert.equal(again.error?.code, -32600);
  await hoverStillAnswers('a second initialize');
});

test('malformed frames are skipped and the next message is read', async () => {
  const hover = (id: number): string =>
    JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: KNOWN }, position: { line: 1, character: 20 } } });
  const probes: Array<[string, Buffer | string]> = [
    ['a frame without Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":901,"method":"shutdown"}'],
    ['a non-numeric Content-Length', 'Content-Length: twelve\r\n\r\n{"jsonrpc":"2.0","method":"exit"}'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
    ['a header line without a colon', 'Content-Length 20\r\n\r\n{"jsonrpc":"2.0"}'],
    ['garbage bytes between frames', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0x7b])],
    ['a stray line break', '\r\n'],
    ['a Content-Length shorter than the body', `Content-Length: 10\r\n\r\n${hover(902)}`],
    ['a Content-Length longer than the body', `Content-Length: 100000\r\n\r\n${hover(903).slice(0, 40)}`],
    ['a body that is not JSON', frame('{not json')],
    ['a JSON array', frame('[1,2,3]')],
    ['a request without a method', frame('{"jsonrpc":"2.0","id":904}')],
    ['params of the wrong types', frame('{"jsonrpc":"2.0","id":905,"method":"textDocument/hover","params":{"textDocument":{"uri":42},"position":{"line":"a"}}}')],
    ['a didOpen with numeric text', frame('{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x","languageId":"dockerfile","version":1,"text":12345}}}')],
  ];
  for (const [probe, bytes] of probes) {
    client.sendRaw(bytes);
    await hoverStillAnswers(probe);
  }
  assert.equal(
    client.received.some((m) => m.id === 901),
    false,
    'the request inside the frame without Content-Length must not have been run',
  );
});

test('unknown methods, out-of-range positions, and requests on documents that are not open', async () => {
  assert.equal((await client.request('hpclint/noSuchRequest', {})).error?.code, -32601);
  client.notify('hpclint/noSuchNotification', { x: 1 });
  client.notify('$/setTrace', { value: 'verbose' });
  await hoverStillAnswers('unknown methods');
  for (const position of [
    { line: 1_000_000, character: 0 },
    { line: 1, character: 1_000_000 },
    { line: -1, character: -1 },
    { line: 0.5, character: 2.5 },
  ]) {
    const response = await client.request('textDocument/hover', { textDocument: { uri: KNOWN }, position });
    assert.equal(response.error, undefined, JSON.stringify(position));
  }
  for (const method of ['textDocument/completion', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/formatting']) {
    const response = await client.request(method, {
      textDocument: { uri: 'file:///not/open/Dockerfile' },
      position: { line: 0, character: 0 },
      range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } },
      context: { diagnostics: [] },
      options: { tabSize: 2, insertSpaces: true },
    });
    assert.equal(response.error, undefined, method);
  }
  const other = fileUri(`${ROOT}/test/abuse/other/Dockerfile`);
  client.open(other, 'dockerfile', 'FROM ubuntu:24.04\n');
  client.notify('textDocument/didChange', {
    textDocument: { uri: other, version: 2 },
    contentChanges: [{ range: { start: { line: 99, character: 99 }, end: { line: 120, character: 0 } }, text: 'RUN echo beyond the end\n' }],
  });
  client.notify('textDocument/didChange', { textDocument: { uri: 'file:///never/opened', version: 2 }, contentChanges: [{ text: 'x' }] });
  client.notify('textDocument/didClose', { textDocument: { uri: 'file:///never/opened' } });
  await hoverStillAnswers('out-of-range edits');
});

test('huge and binary documents are skipped with one finding, quickly', async () => {
  const huge = fileUri(`${ROOT}/test/abuse/huge/Dockerfile`);
  client.open(huge, 'dockerfile', 'FROM ubuntu:24.04\n' + 'RUN echo padding padding padding padding\n'.repeat(80_000));
  const binary = fileUri(`${ROOT}/test/abuse/binary/Dockerfile`);
  client.open(binary, 'dockerfile', 'FROM \u0000\u0001\u0002\uffff'.repeat(1000));
  for (const uri of [huge, binary]) {
    const published = await client.waitFor(
      (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri,
      30_000,
      `diagnostics for ${uri}`,
    );
    const diagnostics = (published.params as { diagnostics: Array<{ code: string }> }).diagnostics;
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['hpclint/skipped'],
    );
  }
  await hoverStillAnswers('huge and binary documents');
});

test('a document closed while it is analysed, cancelled requests and a burst of edits', async () => {
  const slow = fileUri(`${ROOT}/test/abuse/slow/Dockerfile`);
  const slowText = 'FROM ubuntu:24.04\n' + 'RUN gcc -march=native -c x.c && echo done\n'.repeat(6000);
  client.open(slow, 'dockerfile', slowText);
  const pending = client.send('textDocument/hover', { textDocument: { uri: slow }, position: { line: 1, character: 10 } });
  client.notify('$/cancelRequest', { id: pending });
  client.notify('textDocument/didClose', { textDocument: { uri: slow } });
  const cancelled = await client.response(pending, 30_000);
  assert.ok(cancelled.error === undefined || cancelled.error.code === -32800, JSON.stringify(cancelled.error));
  await hoverStillAnswers('close and cancel during analysis');
  const last = client.diagnostics(slow).at(-1);
  assert.ok(last === undefined || last.diagnostics.length === 0, 'a closed document keeps no diagnostics');

  const burst = fileUri(`${ROOT}/test/abuse/burst/Dockerfile`);
  client.open(burst, 'dockerfile', 'FROM ubuntu:24.04\n');
  for (let version = 2; version <= 201; version++) {
    client.notify('textDocument/didChange', {
      textDocument: { uri: burst, version },
      contentChanges: [{ text: version === 201 ? 'FROM ubuntu:24.04\nRUN gcc -march=native x.c\n' : `FROM ubuntu:24.04\nRUN echo ${version}\n` }],
    });
  }
  const final = await client.waitFor(
    (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === burst && (m.params as { version?: number }).version === 201,
    30_000,
    'diagnostics for the last edit',
  );
  assert.ok((final.params as { diagnostics: Array<{ code: string }> }).diagnostics.some((d) => d.code === 'HPC-PORT-001'));
  assert.ok(client.diagnostics(burst).length < 50, `${client.diagnostics(burst).length} publishes for 200 edits: edits are not debounced`);
  await hoverStillAnswers('a burst of 200 edits');
});

test('after shutdown: requests get -32600, notifications are dropped, exit ends the process with 0', async () => {
  const shutdown = await client.request('shutdown', null);
  assert.equal(shutdown.error, undefined);
  const late = await client.request('textDocument/hover', { textDocument: { uri: KNOWN }, position: { line: 1, character: 20 } });
  assert.equal(late.error?.code, -32600);
  client.notify('textDocument/didOpen', { textDocument: { uri: `${KNOWN}.late`, languageId: 'dockerfile', version: 1, text: KNOWN_TEXT } });
  client.notify('exit', null);
  assert.equal(await client.whenExited, 0);
  assert.equal(client.diagnostics(`${KNOWN}.late`).length, 0);
});

test('the socket transport goes through the same guard', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const child = spawn(process.execPath, [`${ROOT}/dist/server.js`, `--socket=${port}`], { stdio: 'ignore' });
  try {
    const socket = await new Promise<Socket>((resolve) => server.once('connection', resolve));
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.write('Content-Length: nope\r\n\r\n{}');
    socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} })));
    socket.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } })));
    const deadline = Date.now() + 20_000;
    while (!/"id":2,"result"/.test(received) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(received, /"id":1,"error":\{"code":-32002/);
    assert.match(received, /"id":2,"result":\{"capabilities"/);
    socket.destroy();
  } finally {
    child.kill('SIGKILL');
    server.close();
  }
});

test('a worker crash while linting one document never takes the others down', async () => {
  const faulty = RawClient.start({ env: { HPCLINT_FAULT_INJECTION: '1' } });
  try {
    await faulty.initialize();
    const good = fileUri(`${ROOT}/test/abuse/fault/good/Dockerfile`);
    faulty.open(good, 'dockerfile', KNOWN_TEXT);
    await faulty.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === good, 30_000, 'diagnostics');
    // Twice: the replacement worker must survive and be replaceable too.
    for (const [marker, version] of [
      ['HPCLINT-FAULT-EXIT', 1],
      ['HPCLINT-FAULT-EXIT again', 2],
    ] as const) {
      const bad = fileUri(`${ROOT}/test/abuse/fault/bad/Dockerfile`);
      const text = `FROM ubuntu:24.04\n# ${marker}\nRUN make\n`;
      if (version === 1) {
        faulty.open(bad, 'dockerfile', text);
      } else {
        faulty.notify('textDocument/didChange', { textDocument: { uri: bad, version }, contentChanges: [{ text }] });
      }
      const published = await faulty.waitFor(
        (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === bad && (m.params as { version?: number }).version === version,
        30_000,
        `diagnostics after ${marker}`,
      );
      const codes = (published.params as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code);
      assert.deepEqual(codes, ['hpclint/internal'], marker);
      // The other document is still served, and a new version of it is linted by the replacement worker.
      const hover = await faulty.request('textDocument/hover', { textDocument: { uri: good }, position: { line: 1, character: 20 } });
      assert.match(JSON.stringify(hover.result), /HPC-PORT-001/, marker);
      faulty.notify('textDocument/didChange', { textDocument: { uri: good, version: version + 1 }, contentChanges: [{ text: `${KNOWN_TEXT}RUN gcc -march=native b.c\n` }] });
      const relinted = await faulty.waitFor(
        (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string; version?: number }).uri === good && (m.params as { version?: number }).version === version + 1,
        30_000,
        `diagnostics of the other document after ${marker}`,
      );
      assert.equal((relinted.params as { diagnostics: Array<{ code: string }> }).diagnostics.filter((d) => d.code === 'HPC-PORT-001').length, 2);
    }
    assert.ok(faulty.alive);
  } finally {
    await faulty.exit();
  }
});

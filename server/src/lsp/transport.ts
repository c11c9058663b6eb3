// The connection to the client. The transport comes from the command line (`--stdio`, `--node-ipc`,
// `--socket=N`, `--pipe=NAME`), as vscode-languageserver reads it. Byte-stream transports go through
// the FrameGuard (malformed frames, lifecycle errors). Everything about framing, the process and its
// error hooks lives here, apart from the request handlers.
import { createConnection as connectSocket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { format } from 'node:util';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { FrameGuard, frame } from './frameGuard';
import { describeError } from './guard';

type Transport = { kind: 'stdio' } | { kind: 'socket'; port: number } | { kind: 'pipe'; name: string } | { kind: 'library' };

/** The transport named on the command line, read the way vscode-languageserver reads it. */
export function transportFromArgs(argv: readonly string[]): Transport {
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[i + 1];
    if (name === '--stdio') {
      return { kind: 'stdio' };
    }
    if (name === '--socket' && Number.isInteger(Number(value)) && Number(value) > 0) {
      return { kind: 'socket', port: Number(value) };
    }
    if (name === '--pipe' && value) {
      return { kind: 'pipe', name: value };
    }
    if (name === '--node-ipc') {
      break;
    }
  }
  // --node-ipc (messages, not bytes) and anything the library knows better.
  return { kind: 'library' };
}

export function createServerConnection(argv: readonly string[] = process.argv.slice(2)): Connection {
  const transport = transportFromArgs(argv);
  switch (transport.kind) {
    case 'stdio':
      return guardedConnection(process.stdin, process.stdout, true);
    case 'socket': {
      // The client listens; the server connects back to it on the loopback interface.
      const socket = connectSocket({ port: transport.port, host: '127.0.0.1' });
      return guardedConnection(socket, socket, false);
    }
    case 'pipe': {
      const socket = connectSocket(transport.name);
      return guardedConnection(socket, socket, false);
    }
    default:
      return createConnection(ProposedFeatures.all);
  }
}

/**
 * A connection whose reader only ever sees well-formed frames. The guarded stream ends when the input
 * does, and vscode-languageserver then ends the process (exit code 0 after `shutdown`, else 1).
 */
function guardedConnection(input: Readable, output: Writable, stdio: boolean): Connection {
  const log: { to?: Connection } = {};
  const guard = new FrameGuard({
    reply: (message) => output.write(frame(message)),
    log: (message) => log.to?.console.warn(message),
  });
  input.on('error', () => guard.end());
  // A client that went away cannot be told anything: stop instead of logging into a closed pipe.
  output.on('error', () => process.exit(1));
  const connection = createConnection(ProposedFeatures.all, input.pipe(guard), output);
  log.to = connection;
  if (stdio) {
    redirectConsole(connection);
  }
  return connection;
}

/** Over stdio, stdout is the protocol: what any code prints goes to the client's log instead. */
function redirectConsole(connection: Connection): void {
  const logger = connection.console;
  /* eslint-disable no-console -- this is where console output is taken off the protocol stream */
  console.log = (...args: unknown[]) => logger.log(format(...args));
  console.info = (...args: unknown[]) => logger.info(format(...args));
  console.warn = (...args: unknown[]) => logger.warn(format(...args));
  console.error = (...args: unknown[]) => logger.error(format(...args));
  console.debug = (...args: unknown[]) => logger.log(format(...args));
  /* eslint-enable no-console */
}

/** A bug in one handler must not end the process: log it to the client's output instead. */
export function logProcessErrors(connection: Connection): void {
  const logger = connection.console;
  process.on('uncaughtException', (error) => logger.error(`hpclint: uncaught exception: ${describeError(error)}`));
  process.on('unhandledRejection', (error) => logger.error(`hpclint: unhandled rejection: ${describeError(error)}`));
}

// The connection to the client. The transport comes from the command line (`--stdio`, `--node-ipc`,
// `--socket=N`, `--pipe=NAME`), as vscode-languageserver reads it. Everything about framing, the
// process and its error hooks lives here, apart from the request handlers.
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { describeError } from './guard';

export function createServerConnection(): Connection {
  return createConnection(ProposedFeatures.all);
}

/** A bug in one handler must not end the process: log it to the client's output instead. */
export function logProcessErrors(connection: Connection): void {
  const logger = connection.console;
  process.on('uncaughtException', (error) => logger.error(`hpclint: uncaught exception: ${describeError(error)}`));
  process.on('unhandledRejection', (error) => logger.error(`hpclint: unhandled rejection: ${describeError(error)}`));
}

// Every request handler goes through `guarded`: an exception is logged and answered with an empty result.
import type { Connection } from 'vscode-languageserver';

export type Logger = Pick<Connection['console'], 'error' | 'warn' | 'info' | 'log'>;

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.stack ?? `${error.name}: ${error.message}`;
  }
  return String(error);
}

/** Wraps a (sync or async) handler so that it never throws: failures log to `logger` and yield `fallback`. */
export function guarded<P extends unknown[], R>(
  logger: Logger,
  name: string,
  fallback: R,
  handler: (...params: P) => R | Promise<R>,
): (...params: P) => Promise<R> {
  return async (...params: P) => {
    try {
      return await handler(...params);
    } catch (error) {
      logger.error(`hpclint: ${name} failed: ${describeError(error)}`);
      return fallback;
    }
  };
}

/** Same for notification handlers (no result). */
export function guardedNotification<P extends unknown[]>(
  logger: Logger,
  name: string,
  handler: (...params: P) => void | Promise<void>,
): (...params: P) => void {
  return (...params: P) => {
    void guarded(logger, name, undefined, handler)(...params);
  };
}

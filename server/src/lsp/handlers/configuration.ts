// `workspace/didChangeConfiguration`: settings may differ for every document.
import { guardedNotification } from '../guard';
import type { HpclintServer } from '../server';

export function registerConfiguration(server: HpclintServer): void {
  server.connection.onDidChangeConfiguration(
    guardedNotification(server.logger, 'didChangeConfiguration', (params) => {
      server.settings.invalidate(params.settings);
      server.relintAll();
      server.updateRegistrations();
    }),
  );
}

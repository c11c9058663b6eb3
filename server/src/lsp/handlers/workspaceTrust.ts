// `hpclint/didGrantWorkspaceTrust`: extra diagnostic sources that need trust may run from now on.
import { guardedNotification } from '../guard';
import { WORKSPACE_TRUSTED_NOTIFICATION } from '../protocol';
import type { HpclintServer } from '../server';

export function registerWorkspaceTrust(server: HpclintServer): void {
  server.connection.onNotification(
    WORKSPACE_TRUSTED_NOTIFICATION,
    guardedNotification(server.logger, 'didGrantWorkspaceTrust', () => {
      if (!server.workspaceTrusted) {
        server.workspaceTrusted = true;
        server.linter.requestAll();
      }
    }),
  );
}

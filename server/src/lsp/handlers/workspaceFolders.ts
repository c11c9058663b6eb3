// `workspace/didChangeWorkspaceFolders`: config-file lookups stop at the folders, so every result is stale.
// Subscribed from `initialized` (the feature only exists once the client's capabilities are known).
import { guardedNotification } from '../guard';
import type { HpclintServer } from '../server';
import { filePathOf } from '../uri';

export function listenToWorkspaceFolders(server: HpclintServer): void {
  server.connection.workspace.onDidChangeWorkspaceFolders(
    guardedNotification(server.logger, 'didChangeWorkspaceFolders', (event) => {
      const removed = new Set(event.removed.map((folder) => filePathOf(folder.uri)));
      server.workspaceFolders = server.workspaceFolders.filter((folder) => !removed.has(folder));
      for (const folder of event.added) {
        const path = filePathOf(folder.uri);
        if (path) {
          server.workspaceFolders.push(path);
        }
      }
      server.relintAll();
    }),
  );
}

// `workspace/didChangeWatchedFiles`: a `.hpclint.yaml` or a `*.hpclint-site.yaml` profile was created, changed or deleted.
import { CONFIG_FILE_NAMES } from '../../engine/config';
import { isSiteProfileName } from '../../site/load';
import { guardedNotification } from '../guard';
import type { HpclintServer } from '../server';
import { baseNameOf, filePathOf } from '../uri';

export function registerWatchedFiles(server: HpclintServer): void {
  server.connection.onDidChangeWatchedFiles(
    guardedNotification(server.logger, 'didChangeWatchedFiles', (params) => {
      const changed = params.changes
        .filter((change) => (CONFIG_FILE_NAMES as readonly string[]).includes(baseNameOf(change.uri)) || isSiteProfileName(baseNameOf(change.uri)))
        .map((change) => filePathOf(change.uri));
      if (changed.length === 0) {
        return;
      }
      for (const path of changed) {
        server.configs.invalidate(path);
      }
      server.relintAll();
    }),
  );
}

// `workspace/didChangeWatchedFiles`: a `.hpclint.yaml`, a `.hadolint.yaml` or a `*.hpclint-site.yaml` profile, or a
// script copied in and run by an open recipe, was created, changed or deleted.
import { HADOLINT_CONFIG_NAMES } from '../../compat/hadolintConfig';
import { CONFIG_FILE_NAMES } from '../../engine/config';
import { isSiteProfileName } from '../../site/load';
import { guardedNotification } from '../guard';
import type { HpclintServer } from '../server';
import { baseNameOf, filePathOf } from '../uri';

/** hpclint's config files and `.hadolint.yaml`, which is read below them. */
const WATCHED_NAMES = new Set<string>([...CONFIG_FILE_NAMES, ...HADOLINT_CONFIG_NAMES]);

export function registerWatchedFiles(server: HpclintServer): void {
  server.connection.onDidChangeWatchedFiles(
    guardedNotification(server.logger, 'didChangeWatchedFiles', (params) => {
      // A copied script that an open recipe runs: lint that recipe again.
      for (const change of params.changes) {
        const path = filePathOf(change.uri);
        for (const uri of path === undefined ? [] : server.scripts.documentsUsing(path)) {
          server.linter.request(uri);
        }
      }
      const changed = params.changes
        .filter((change) => WATCHED_NAMES.has(baseNameOf(change.uri)) || isSiteProfileName(baseNameOf(change.uri)))
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

// `textDocument/prepareRename`: ARG/ENV variables and stage names in Dockerfiles.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerPrepareRename(server: HpclintServer): void {
  server.connection.onPrepareRename(
    guarded(server.logger, 'prepareRename', null, (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.prepareRename(document.getText(), params.position) : null;
    }),
  );
}

// `textDocument/rename`: ARG/ENV variables and stage names in Dockerfiles.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerRename(server: HpclintServer): void {
  server.connection.onRenameRequest(
    guarded(server.logger, 'rename', null, (params) => {
      const document = server.openDockerfile(params.textDocument);
      if (!document) {
        return null;
      }
      const edits = server.dockerfile.service.computeRename(params.textDocument, document.getText(), params.position, params.newName);
      return { changes: { [document.uri]: edits } };
    }),
  );
}

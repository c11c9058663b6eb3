// `textDocument/documentLink`: image names in Dockerfiles link to their registry pages.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentLinks(server: HpclintServer): void {
  server.connection.onDocumentLinks(
    guarded(server.logger, 'documentLinks', [], (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.computeLinks(document.getText()) : [];
    }),
  );
}

// `textDocument/documentHighlight`: other uses of the variable or stage under the cursor in Dockerfiles.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentHighlight(server: HpclintServer): void {
  server.connection.onDocumentHighlight(
    guarded(server.logger, 'documentHighlight', [], (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.computeHighlightRanges(document.getText(), params.position) : [];
    }),
  );
}

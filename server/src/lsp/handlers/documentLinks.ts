// `textDocument/documentLink`: base images link to their registry pages (both languages); in definition files
// also URLs and the local files `%files` and local bootstraps name.
import { apptainerLinks } from '../features/apptainerLinks';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentLinks(server: HpclintServer): void {
  server.connection.onDocumentLinks(
    guarded(server.logger, 'documentLinks', [], (params) => {
      const target = server.openForFeatures(params.textDocument);
      if (!target) {
        return [];
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeLinks(target.document.getText())
        : apptainerLinks(server.recipe(target), target.document.uri);
    }),
  );
}

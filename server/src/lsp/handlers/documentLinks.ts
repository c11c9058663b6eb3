// `textDocument/documentLink`: base images link to their registry pages (both languages); in definition files
// also URLs and the local files `%files` and local bootstraps name.
import { apptainerLinks } from '../features/apptainerLinks';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentLinks(server: HpclintServer): void {
  server.connection.onDocumentLinks(
    guarded(server.logger, 'documentLinks', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeLinks(target.document.getText())
        : apptainerLinks(server.recipe(target), target.document.uri);
    }),
  );
}

// `textDocument/documentHighlight`: other uses of the variable or stage under the cursor (Dockerfile), of the
// build argument or stage name (definition file).
import { apptainerHighlights } from '../features/apptainerNavigation';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentHighlight(server: HpclintServer): void {
  server.connection.onDocumentHighlight(
    guarded(server.logger, 'documentHighlight', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeHighlightRanges(target.document.getText(), params.position)
        : apptainerHighlights(server.recipe(target), params.position);
    }),
  );
}

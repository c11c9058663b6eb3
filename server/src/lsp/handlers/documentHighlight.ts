// `textDocument/documentHighlight`: other uses of the variable or stage under the cursor (Dockerfile), of the
// build argument or stage name (definition file).
import { apptainerHighlights } from '../features/apptainerNavigation';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentHighlight(server: HpclintServer): void {
  server.connection.onDocumentHighlight(
    guarded(server.logger, 'documentHighlight', [], (params) => {
      const target = server.openForFeatures(params.textDocument);
      if (!target) {
        return [];
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeHighlightRanges(target.document.getText(), params.position)
        : apptainerHighlights(server.recipe(target), params.position);
    }),
  );
}

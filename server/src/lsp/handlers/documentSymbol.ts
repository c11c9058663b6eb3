// `textDocument/documentSymbol`: instructions (Dockerfile), stages → header and sections (definition file).
import { apptainerSymbols } from '../features/apptainerFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentSymbol(server: HpclintServer): void {
  server.connection.onDocumentSymbol(
    guarded(server.logger, 'documentSymbol', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeSymbols(params.textDocument, target.document.getText())
        : apptainerSymbols(server.recipe(target));
    }),
  );
}

// `textDocument/foldingRange`: continuation lines (Dockerfile), stages and sections (definition file).
import { apptainerFolding } from '../features/apptainerFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerFoldingRange(server: HpclintServer): void {
  server.connection.onFoldingRanges(
    guarded(server.logger, 'foldingRanges', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeFoldingRanges(target.document.getText())
        : apptainerFolding(server.recipe(target), target.document);
    }),
  );
}

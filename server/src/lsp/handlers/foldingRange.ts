// `textDocument/foldingRange`: continuation lines (Dockerfile), stages and sections (definition file).
import { apptainerFolding } from '../features/apptainerFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerFoldingRange(server: HpclintServer): void {
  server.connection.onFoldingRanges(
    guarded(server.logger, 'foldingRanges', [], (params) => {
      const target = server.openForFeatures(params.textDocument);
      if (!target) {
        return [];
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeFoldingRanges(target.document.getText())
        : apptainerFolding(server.recipe(target), target.document);
    }),
  );
}

// `textDocument/prepareRename`: ARG/ENV variables and stage names (Dockerfile); build arguments and stage names
// (definition file).
import { apptainerPrepareRename } from '../features/apptainerNavigation';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerPrepareRename(server: HpclintServer): void {
  server.connection.onPrepareRename(
    guarded(server.logger, 'prepareRename', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.prepareRename(target.document.getText(), params.position)
        : apptainerPrepareRename(server.recipe(target), params.position);
    }),
  );
}

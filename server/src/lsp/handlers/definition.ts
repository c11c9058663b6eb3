// `textDocument/definition`: Dockerfile variables and `COPY --from` stages; definition-file `{{ arguments }}`
// (their `%arguments` entry) and `%files from` stages (their `Stage:` line).
import { apptainerDefinition } from '../features/apptainerNavigation';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDefinition(server: HpclintServer): void {
  server.connection.onDefinition(
    guarded(server.logger, 'definition', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      if (target.format === 'dockerfile') {
        return server.dockerfile.service.computeDefinition(params.textDocument, target.document.getText(), params.position);
      }
      const locations = apptainerDefinition(server.recipe(target), target.document.uri, params.position);
      return locations.length > 0 ? locations : null;
    }),
  );
}

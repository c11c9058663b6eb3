// `textDocument/completion`: dockerfile-language-service (offline) for Dockerfiles, ours for definition files.
import { apptainerCompletion } from '../features/apptainerFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerCompletion(server: HpclintServer): void {
  server.connection.onCompletion(
    guarded(server.logger, 'completion', [], async (params) => {
      const target = await server.openForFeature(params.textDocument, 'completion');
      if (!target) {
        return [];
      }
      return target.format === 'dockerfile'
        ? await server.dockerfile.completion(target.document.getText(), params.position)
        : apptainerCompletion(target.document, params.position, {
            recipe: () => server.recipe(target),
            snippets: server.client.snippets,
          });
    }),
  );
}

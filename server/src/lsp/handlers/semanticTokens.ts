// `textDocument/semanticTokens/full`: dockerfile-language-service's tokens for Dockerfiles, ours for definition files.
import { apptainerSemanticTokens } from '../features/apptainerSemanticTokens';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerSemanticTokens(server: HpclintServer): void {
  server.connection.languages.semanticTokens.on(
    guarded(server.logger, 'semanticTokens', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      return target.format === 'dockerfile'
        ? server.dockerfile.service.computeSemanticTokens(target.document.getText())
        : apptainerSemanticTokens(server.recipe(target));
    }),
  );
}

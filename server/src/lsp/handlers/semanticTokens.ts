// `textDocument/semanticTokens/full`: dockerfile-language-service's tokens for Dockerfiles.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerSemanticTokens(server: HpclintServer): void {
  server.connection.languages.semanticTokens.on(
    guarded(server.logger, 'semanticTokens', { data: [] }, (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.computeSemanticTokens(document.getText()) : { data: [] };
    }),
  );
}

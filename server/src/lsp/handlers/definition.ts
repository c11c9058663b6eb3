// `textDocument/definition`: where a Dockerfile variable or `COPY --from` stage is defined.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDefinition(server: HpclintServer): void {
  server.connection.onDefinition(
    guarded(server.logger, 'definition', null, (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.computeDefinition(params.textDocument, document.getText(), params.position) : null;
    }),
  );
}

// `textDocument/formatting`: dockerfile-language-service's formatter for Dockerfiles.
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerFormatting(server: HpclintServer): void {
  server.connection.onDocumentFormatting(
    guarded(server.logger, 'formatting', [], (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.format(document.getText(), DockerfileFeatures.formatterSettings(params.options)) : [];
    }),
  );
}

// `textDocument/rangeFormatting`: dockerfile-language-service's formatter for Dockerfiles.
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerRangeFormatting(server: HpclintServer): void {
  server.connection.onDocumentRangeFormatting(
    guarded(server.logger, 'rangeFormatting', [], (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document
        ? server.dockerfile.service.formatRange(document.getText(), params.range, DockerfileFeatures.formatterSettings(params.options))
        : [];
    }),
  );
}

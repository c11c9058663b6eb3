// `textDocument/onTypeFormatting`: dockerfile-language-service indents after `\` and `` ` `` in Dockerfiles.
// Definition files have no on-type formatting (a client without per-language registration gets no edits).
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerOnTypeFormatting(server: HpclintServer): void {
  server.connection.onDocumentOnTypeFormatting(
    guarded(server.logger, 'onTypeFormatting', [], (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document
        ? server.dockerfile.service.formatOnType(
            document.getText(),
            params.position,
            params.ch,
            DockerfileFeatures.formatterSettings(params.options),
          )
        : [];
    }),
  );
}

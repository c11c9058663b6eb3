// `textDocument/onTypeFormatting`: dockerfile-language-service indents after `\` and `` ` `` in Dockerfiles.
// Definition files have no on-type formatting (a client without per-language registration gets no edits).
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerOnTypeFormatting(server: HpclintServer): void {
  server.connection.onDocumentOnTypeFormatting(
    guarded(server.logger, 'onTypeFormatting', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'formatting');
      return target?.format === 'dockerfile'
        ? server.dockerfile.service.formatOnType(
            target.document.getText(),
            params.position,
            params.ch,
            DockerfileFeatures.formatterSettings(params.options),
          )
        : null;
    }),
  );
}

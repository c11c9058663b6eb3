// `textDocument/formatting`: dockerfile-language-service's formatter for Dockerfiles, ours for definition files.
import { formatEdits } from '../features/apptainerFormat';
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerFormatting(server: HpclintServer): void {
  server.connection.onDocumentFormatting(
    guarded(server.logger, 'formatting', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'formatting');
      if (!target) {
        return null;
      }
      const text = target.document.getText();
      return target.format === 'dockerfile'
        ? server.dockerfile.service.format(text, DockerfileFeatures.formatterSettings(params.options))
        : formatEdits(text, server.recipe(target), params.options);
    }),
  );
}

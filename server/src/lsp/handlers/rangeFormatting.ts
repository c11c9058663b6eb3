// `textDocument/rangeFormatting`: the formatters of both languages, restricted to the lines of the range.
import { formatEdits } from '../features/apptainerFormat';
import { DockerfileFeatures } from '../features/dockerfileFeatures';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerRangeFormatting(server: HpclintServer): void {
  server.connection.onDocumentRangeFormatting(
    guarded(server.logger, 'rangeFormatting', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'formatting');
      if (!target) {
        return null;
      }
      const text = target.document.getText();
      return target.format === 'dockerfile'
        ? server.dockerfile.service.formatRange(text, params.range, DockerfileFeatures.formatterSettings(params.options))
        : formatEdits(text, server.recipe(target), params.options, { start: params.range.start.line, end: params.range.end.line });
    }),
  );
}

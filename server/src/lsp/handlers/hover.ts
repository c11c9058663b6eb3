// `textDocument/hover`: the explanation of every finding under the cursor, then the language's own hover.
import { guarded } from '../guard';
import { apptainerHover } from '../features/apptainerFeatures';
import { findingsHover } from '../features/findingsHover';
import type { HpclintServer } from '../server';

export function registerHover(server: HpclintServer): void {
  server.connection.onHover(
    guarded(server.logger, 'hover', null, async (params) => {
      const target = server.open(params.textDocument);
      if (!target) {
        return null;
      }
      const { document, format } = target;
      const analysis = await server.analyzer.analyze(document);
      const languageHover = !server.openForFeatures(params.textDocument)
        ? null
        : format === 'dockerfile'
          ? server.dockerfile.service.computeHover(document.getText(), params.position)
          : apptainerHover(document, params.position, () => server.analyzer.recipe(document, 'apptainer'));
      return findingsHover(analysis?.result?.diagnostics ?? [], params.position, languageHover);
    }),
  );
}

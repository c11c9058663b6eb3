// `textDocument/hover`: the explanation of every finding under the cursor (from the document's lint
// result, never a new lint), then the language's own hover.
import { apptainerHover } from '../features/apptainerFeatures';
import { findingsHover } from '../features/findingsHover';
import { withoutSecretValues } from '../features/secretHover';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerHover(server: HpclintServer): void {
  server.connection.onHover(
    guarded(server.logger, 'hover', null, async (params, token) => {
      const target = server.open(params.textDocument);
      if (!target) {
        return null;
      }
      const { document, format } = target;
      const lint = await server.linter.resultFor(document.uri, document.version, token);
      if (token.isCancellationRequested) {
        return null;
      }
      const languageHover = !(await server.openForFeature(params.textDocument, 'hover'))
        ? null
        : format === 'dockerfile'
          ? server.dockerfile.service.computeHover(document.getText(), params.position)
          : apptainerHover(document, params.position, () => server.recipe(target));
      const findings = lint?.diagnostics ?? [];
      return findingsHover(findings, params.position, withoutSecretValues(languageHover, findings, document, params.position));
    }),
  );
}

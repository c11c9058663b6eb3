// `textDocument/rename`: ARG/ENV variables and stage names (Dockerfile); build arguments and stage names
// (definition file: `%arguments` entry and every `{{ }}` use, `Stage:` value and every `%files from`).
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import { apptainerRename, InvalidNameError } from '../features/apptainerNavigation';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerRename(server: HpclintServer): void {
  server.connection.onRenameRequest(
    guarded(server.logger, 'rename', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      if (!target) {
        return null;
      }
      const { document } = target;
      if (target.format === 'dockerfile') {
        const edits = server.dockerfile.service.computeRename(params.textDocument, document.getText(), params.position, params.newName);
        return { changes: { [document.uri]: edits } };
      }
      try {
        const edits = apptainerRename(server.recipe(target), params.position, params.newName);
        return edits ? { changes: { [document.uri]: edits } } : null;
      } catch (error) {
        if (error instanceof InvalidNameError) {
          return new ResponseError(ErrorCodes.InvalidParams, error.message);
        }
        throw error;
      }
    }),
  );
}

// `textDocument/codeAction`: rule fixes, ignore pragmas, rule documentation, fix-all, dockerfile-language-service
// fixes. Quick fixes come from the document's lint result (the fixes travel with the findings); only
// fix-all runs the engine, on a worker.
import { computeCodeActions, wantsFixAll } from '../features/codeActions';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerCodeAction(server: HpclintServer): void {
  server.connection.onCodeAction(
    guarded(server.logger, 'codeAction', [], async (params, token) => {
      const target = server.open(params.textDocument);
      if (!target) {
        return [];
      }
      const { document, format } = target;
      const version = document.version;
      const lint = await server.linter.resultFor(document.uri, version, token);
      const fixedText = wantsFixAll(params.context.only) ? await server.linter.fixAll(target, token) : undefined;
      if (token.isCancellationRequested || document.version !== version) {
        return [];
      }
      return computeCodeActions(params, {
        document,
        format,
        statements: lint?.version === version ? lint.statements : undefined,
        dockerfile: server.dockerfile,
        findings: lint?.version === version ? lint.diagnostics : undefined,
        fixedText,
      });
    }),
  );
}

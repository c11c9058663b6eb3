// `textDocument/codeAction`: rule fixes, ignore pragmas, rule documentation, fix-all, dockerfile-language-service fixes.
import { computeCodeActions } from '../features/codeActions';
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerCodeAction(server: HpclintServer): void {
  server.connection.onCodeAction(
    guarded(server.logger, 'codeAction', [], async (params) => {
      const target = server.open(params.textDocument);
      if (!target) {
        return [];
      }
      const analysis = await server.analyzer.analyze(target.document);
      const { config } = server.configs.resolve(target.document.uri, analysis?.settings ?? (await server.settings.get(target.document.uri)));
      return computeCodeActions(params, {
        document: target.document,
        format: target.format,
        recipe: server.analyzer.recipe(target.document, target.format),
        config,
        dockerfile: server.dockerfile,
        findings: analysis?.result?.diagnostics,
      });
    }),
  );
}

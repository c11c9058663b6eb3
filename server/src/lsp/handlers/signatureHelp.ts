// `textDocument/signatureHelp`: Dockerfile instruction and flag signatures. Definition files have none
// (a client without per-language registration gets null).
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerSignatureHelp(server: HpclintServer): void {
  server.connection.onSignatureHelp(
    guarded(server.logger, 'signatureHelp', null, async (params) => {
      const target = await server.openForFeature(params.textDocument, 'navigation');
      return target?.format === 'dockerfile' ? server.dockerfile.service.computeSignatureHelp(target.document.getText(), params.position) : null;
    }),
  );
}

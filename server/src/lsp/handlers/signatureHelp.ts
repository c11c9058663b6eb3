// `textDocument/signatureHelp`: Dockerfile instruction and flag signatures. Definition files have none
// (a client without per-language registration gets null).
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerSignatureHelp(server: HpclintServer): void {
  server.connection.onSignatureHelp(
    guarded(server.logger, 'signatureHelp', null, (params) => {
      const document = server.openDockerfile(params.textDocument);
      return document ? server.dockerfile.service.computeSignatureHelp(document.getText(), params.position) : null;
    }),
  );
}

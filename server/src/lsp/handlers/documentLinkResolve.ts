// `documentLink/resolve`: dockerfile-language-service fills in the registry URL.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerDocumentLinkResolve(server: HpclintServer): void {
  server.connection.onDocumentLinkResolve(
    guarded(server.logger, 'documentLinkResolve', null as never, (link) => server.dockerfile.service.resolveLink(link)),
  );
}

// `hpclint/listSites`: the bundled site profiles, for the client's site picker.
import { listSites } from '../features/sites';
import { guarded } from '../guard';
import { SITE_LIST_REQUEST } from '../protocol';
import type { HpclintServer } from '../server';

export function registerListSites(server: HpclintServer): void {
  server.connection.onRequest(SITE_LIST_REQUEST, guarded(server.logger, 'listSites', [], () => listSites()));
}

// `hpclint/listRules`: every rule, for the client's rule picker.
import { listRules } from '../features/documentation';
import { guarded } from '../guard';
import { RULE_LIST_REQUEST } from '../protocol';
import type { HpclintServer } from '../server';

export function registerListRules(server: HpclintServer): void {
  server.connection.onRequest(RULE_LIST_REQUEST, guarded(server.logger, 'listRules', [], () => listRules()));
}

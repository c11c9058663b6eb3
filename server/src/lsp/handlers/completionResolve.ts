// `completionItem/resolve`: our items carry their documentation already; dockerfile-language-service resolves its own.
import { guarded } from '../guard';
import type { HpclintServer } from '../server';

export function registerCompletionResolve(server: HpclintServer): void {
  server.connection.onCompletionResolve(
    guarded(server.logger, 'completionResolve', null as never, (item) =>
      item.documentation ? item : server.dockerfile.service.resolveCompletionItem(item),
    ),
  );
}

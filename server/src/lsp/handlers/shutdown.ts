// `shutdown`: stop the lint workers (the `exit` notification then ends the process).
import type { HpclintServer } from '../server';

export function registerShutdown(server: HpclintServer): void {
  server.connection.onShutdown(async () => {
    await server.service.close();
  });
}

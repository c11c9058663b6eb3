// `hpclint/documentStatus`: the configuration behind a document's findings (the client's status-bar item).
import { siteStatus } from '../features/sites';
import { guarded } from '../guard';
import { DOCUMENT_STATUS_REQUEST, type DocumentStatus, type DocumentStatusParams, type DocumentStatusResult } from '../protocol';
import type { HpclintServer } from '../server';

export function registerDocumentStatus(server: HpclintServer): void {
  server.connection.onRequest(
    DOCUMENT_STATUS_REQUEST,
    guarded(server.logger, 'documentStatus', null as DocumentStatusResult, async (params: DocumentStatusParams) => {
      if (typeof params?.uri !== 'string') {
        return null;
      }
      const settings = await server.settings.get(params.uri);
      const resolved = server.configs.resolve(params.uri, settings);
      const status: DocumentStatus = { enabled: settings.enable, site: await siteStatus(params.uri, server.settings, server.configs) };
      if (resolved.configFile !== undefined) {
        status.configFile = resolved.configFile;
      }
      if (resolved.error) {
        status.error = resolved.error.message;
      }
      if (server.open({ uri: params.uri })?.format === 'dockerfile') {
        const switches = await server.dockerfileSwitches(params.uri);
        status.dockerfile = { editorFeatures: switches.navigation, dockerExtensions: [...server.dockerExtensions] };
      }
      return status;
    }),
  );
}

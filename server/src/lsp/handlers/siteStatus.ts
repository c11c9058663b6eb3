// `hpclint/siteStatus`: which site profiles apply to a document (the client's status-bar entry).
import { siteStatus } from '../features/sites';
import { guarded } from '../guard';
import { SITE_STATUS_REQUEST, type SiteStatusParams, type SiteStatusResult } from '../protocol';
import type { HpclintServer } from '../server';

export function registerSiteStatus(server: HpclintServer): void {
  server.connection.onRequest(
    SITE_STATUS_REQUEST,
    guarded(server.logger, 'siteStatus', null as SiteStatusResult, (params: SiteStatusParams) =>
      typeof params?.uri === 'string' ? siteStatus(params.uri, server.settings, server.configs) : null,
    ),
  );
}

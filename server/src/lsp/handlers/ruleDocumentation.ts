// `hpclint/ruleDocumentation`: a rule's Markdown page for the client's offline viewer.
import { ruleDocumentation } from '../features/documentation';
import { guarded } from '../guard';
import { RULE_DOCUMENTATION_REQUEST, type RuleDocumentationParams, type RuleDocumentationResult } from '../protocol';
import type { HpclintServer } from '../server';

export function registerRuleDocumentation(server: HpclintServer): void {
  server.connection.onRequest(
    RULE_DOCUMENTATION_REQUEST,
    guarded(server.logger, 'ruleDocumentation', null, (params: Partial<RuleDocumentationParams> | null): RuleDocumentationResult =>
      typeof params?.code === 'string' ? ruleDocumentation(params.code) : null,
    ),
  );
}

// Rule documentation: links to the bundled docs/rules/<CODE>.md and markdown for the client's viewer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleByCodeOrName } from '../../engine/registry';
import type { RuleMeta } from '../../engine/rule';
import { allRules } from '../../rules/index';
import { renderRuleDoc } from '../../docs/render';
import { isShellCheckKey, shellcheckWikiUrl } from '../../shellcheck/codes';
import type { RuleSummary } from '../protocol';


let docsDirectory: string | null | undefined;

/**
 * `docs/rules` next to the bundle (dist/../docs/rules) or, when running from sources
 * (server/src/lsp/features), at the repository root. Null when it is not there.
 */
function rulesDocsDirectory(): string | null {
  if (docsDirectory === undefined) {
    const candidates = [join(__dirname, '..', 'docs', 'rules'), join(__dirname, '..', '..', '..', '..', 'docs', 'rules')];
    docsDirectory = candidates.find((candidate) => existsSync(candidate)) ?? null;
  }
  return docsDirectory;
}

const hrefs = new Map<string, string | undefined>();

/** `file:` URI of the bundled doc of a rule code, if the file exists (looked up once per code). */
export function ruleDocHref(code: string): string | undefined {
  if (!hrefs.has(code)) {
    hrefs.set(code, findRuleDoc(code));
  }
  return hrefs.get(code);
}

function findRuleDoc(code: string): string | undefined {
  if (isShellCheckKey(code)) {
    return shellcheckWikiUrl(code);
  }
  const directory = rulesDocsDirectory();
  if (directory === null || !/^HPC-[A-Z]+-\d+$/.test(code)) {
    return undefined;
  }
  const file = join(directory, `${code}.md`);
  return existsSync(file) ? pathToFileURL(file).toString() : undefined;
}

export function ruleMeta(codeOrName: string): RuleMeta | undefined {
  return ruleByCodeOrName(codeOrName, allRules)?.meta;
}

/** Markdown documentation of a rule (code or name), rendered from its metadata; null if unknown. */
export function ruleDocumentation(codeOrName: string): string | null {
  const meta = ruleMeta(codeOrName);
  return meta ? renderRuleDoc(meta) : null;
}

export function listRules(): RuleSummary[] {
  return allRules.map(({ meta }) => ({ code: meta.code, name: meta.name, summary: meta.docs.summary }));
}

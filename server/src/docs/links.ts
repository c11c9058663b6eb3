// Public links, all derived from package.json `repository` (the project's one canonical home).
import packageJson from '../../../package.json';
import { ruleByCodeOrName } from '../engine/registry';
import { isShellCheckKey, shellcheckWikiUrl } from '../shellcheck/codes';
import { ruleSourcePagePath } from './render';
import { allRules } from '../rules/index';

/** `https://host/owner/name` from `git+https://host/owner/name.git` (or '' without a repository). */
export function repositoryBrowseUrl(repository: unknown = packageJson.repository): string {
  const url = typeof repository === 'string' ? repository : String((repository as { url?: unknown } | undefined)?.url ?? '');
  return url.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}

/** The project's home page (README on the repository host). */
export function homepageUrl(): string {
  return packageJson.homepage || repositoryBrowseUrl();
}

/** Published page of a rule's documentation: its page beside the rule (`server/src/rules/<category>/<name>.md`) on the default branch. */
export function ruleDocUrl(code: string, browse = repositoryBrowseUrl()): string {
  if (isShellCheckKey(code)) {
    return shellcheckWikiUrl(code);
  }
  const meta = ruleByCodeOrName(code, allRules)?.meta;
  return browse && meta ? `${browse}/blob/main/${ruleSourcePagePath(meta)}` : '';
}

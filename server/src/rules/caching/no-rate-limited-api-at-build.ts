// HPC-CACHE-007: unauthenticated GitHub REST API calls at build time (`api.github.com/…/releases/latest`).
import { defineRule } from '../../engine/rule';
import type { ShellCommand } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { commandText } from '../util/entry';
import { rangeInWord, withShellCScripts } from '../util/source';
import docs from './no-rate-limited-api-at-build.md';

const FETCHERS = new Set(['curl', 'wget']);
const GITHUB_API = /(?:https?:\/\/)?api\.github\.com\/[^\s"'|;&)]*/;
/** A token or credentials on the request: the limit is per account then, not per address. */
const AUTHENTICATED = /authorization|token|--user\b|(^|\s)-u\s|\/run\/secrets\/|--netrc|GH_TOKEN|GITHUB_TOKEN/i;

function unauthenticatedApiCall(text: string, command: ShellCommand): boolean {
  return FETCHERS.has(effectiveName(command)) && !AUTHENTICATED.test(text);
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-007',
    name: 'no-rate-limited-api-at-build',
    category: 'caching',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: ['api.github.com'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind !== 'run') {
        continue; // at start-up this is HPC-CACHE-001's download-at-start
      }
      for (const command of withShellCScripts(recipe, script.commands)) {
        const text = commandText(recipe, command);
        if (!unauthenticatedApiCall(text, command)) {
          continue;
        }
        for (const word of effectiveWords(command).slice(1)) {
          const match = GITHUB_API.exec(word.text);
          if (!match) {
            continue;
          }
          const latest = /\/releases\/latest\b/.test(match[0]);
          context.report({
            range: rangeInWord(recipe, word, match.index, match.index + match[0].length),
            message:
              `Unauthenticated GitHub API call${latest ? ' resolving the latest release' : ''} at build time: GitHub allows 60 such requests an hour per IP address, and a whole site's builders share one NAT address, ` +
              `so builds fail with \`API rate limit exceeded\` (HTTP 403) when others build too${latest ? ', and each rebuild may get a different release' : ''}. ` +
              'Pin the version in an `ARG` and download the release asset URL directly; if the API is needed, pass a token as a build secret (`RUN --mount=type=secret,id=gh_token`).',
          });
          break;
        }
      }
    }
  },
});

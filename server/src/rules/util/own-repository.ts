// The recipe's own repository: identities (`github.com/owner/name`) of the git remotes of the checkout the recipe
// lives in (the service reads them, see service/ownRepository.ts), and whether a fetched URL is one of them.
import type { Finding, Fix, RuleSettings } from '../../engine/rule';
import type { Range } from '../../recipe/model';

/** Hosts that serve a GitHub repository's files under `<host>/<owner>/<name>/…` (`api.github.com/repos/…`). */
const GITHUB_ALIASES: Record<string, string> = {
  'raw.githubusercontent.com': '',
  'codeload.github.com': '',
  'api.github.com': 'repos/',
};

/** `${GITHUB_REPOSITORY}`, `$GITHUB_REPOSITORY_OWNER` … in a URL. */
const GITHUB_VARIABLE = /\$\{(GITHUB_REPOSITORY(?:_OWNER)?)\}|\$(GITHUB_REPOSITORY(?:_OWNER)?)\b/;
const GITHUB_VARIABLES = new RegExp(GITHUB_VARIABLE.source, 'g');

/**
 * `host/path` of a remote URL, the host lowercased, without credentials, port, `www.`, `.git` and trailing slashes:
 * `https://user:token@GitHub.com/Foo/Bar.git`, `git@github.com:Foo/Bar` and `ssh://git@github.com:22/Foo/Bar/`
 * are all `github.com/Foo/Bar`. Paths keep their case (GitHub and GitLab compare them without case, so does `ownRepositoryOf`). Undefined for local paths
 * and URLs with fewer than two path segments.
 */
export function repositoryIdentity(url: string): string | undefined {
  let rest = url.trim().replace(/^git\+/i, '');
  let host: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(rest);
  if (scheme) {
    if (scheme[1].toLowerCase() === 'file') {
      return undefined;
    }
    host = scheme[2].slice(scheme[2].lastIndexOf('@') + 1);
    rest = scheme[3];
  } else {
    // scp-like `[user@]host:path` (a `:` before any `/`).
    const scp = /^(?:[^@/:\s]+@)?([^/:\s]+):(?!\/\/)(.*)$/.exec(rest);
    if (!scp || !scp[1].includes('.')) {
      return undefined;
    }
    host = scp[1];
    rest = scp[2];
  }
  host = host.replace(/:\d*$/, '').replace(/^www\./i, '').toLowerCase();
  const path = rest
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/^\/+/, '');
  if (host === '' || path.split('/').filter(Boolean).length < 2) {
    return undefined;
  }
  return `${host}/${path}`;
}

/**
 * The own repository a fetched URL belongs to (a clone URL, `git+https://…@ref`, a branch archive, a raw file,
 * a Go module path), or undefined. A URL belongs to `github.com/foo/bar` when its host and path start with it
 * (`github.com/foo/bar/archive/main.tar.gz`, `raw.githubusercontent.com/foo/bar/main/x`), never `…/foo/bar-extra`.
 */
export function ownRepositoryOf(url: string, settings: RuleSettings): string | undefined {
  const own = settings.ownRepositories;
  if (!own || own.length === 0) {
    return undefined;
  }
  if (GITHUB_VARIABLE.test(url)) {
    // GitHub Actions' `GITHUB_REPOSITORY` (`owner/name`) and `GITHUB_REPOSITORY_OWNER` name the repository the workflow
    // runs in: with each own GitHub repository put in, is the URL that repository?
    return own.find((repository) => {
      const [host, owner, ...name] = repository.split('/');
      if (host.toLowerCase() !== 'github.com') {
        return false;
      }
      const expanded = url.replace(GITHUB_VARIABLES, (_match, braced: string | undefined, bare: string | undefined) =>
        (braced ?? bare) === 'GITHUB_REPOSITORY' ? [owner, ...name].join('/') : owner,
      );
      return !GITHUB_VARIABLE.test(expanded) && ownRepositoryOf(expanded, { ...settings, ownRepositories: [repository] }) !== undefined;
    });
  }
  // Without quotes, query, fragment and a `@ref` at the end (pip's `…/bar.git@main`, Go's `…/cmd/x@latest`).
  const bare = url
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .replace(/[?#].*$/, '')
    .replace(/@[^/@:]*$/, '');
  // A URL with a scheme, an scp-like remote, or a bare `host.domain/path` (Go module paths, `wget github.com/…`).
  const identity = repositoryIdentity(bare) ?? (/^[\w-]+(?:\.[\w-]+)+\//.test(bare) ? repositoryIdentity(`https://${bare}`) : undefined);
  if (identity === undefined) {
    return undefined;
  }
  const slash = identity.indexOf('/');
  const host = identity.slice(0, slash);
  let path = identity.slice(slash + 1);
  const alias = GITHUB_ALIASES[host];
  const candidates = [`${host}/${path}`];
  if (alias !== undefined && path.startsWith(alias)) {
    path = path.slice(alias.length);
    candidates.push(`github.com/${path}`);
  }
  return own.find((repository) => {
    const wanted = repository.toLowerCase();
    return candidates.some((candidate) => {
      const lower = candidate.toLowerCase();
      return lower === wanted || lower.startsWith(`${wanted}/`);
    });
  });
}

/**
 * The message for a fetch of the recipe's own repository at a moving ref (`fetch` is the start of a sentence ending
 * in what it takes: "This clones the default branch"). Which version that is stays its author's choice (the checkout
 * is the pin), so it is advice (info), not a reproducibility warning.
 */
export function ownRepositoryMessage(fetch: string, repository: string): string {
  return (
    `${fetch} of this recipe's own repository (\`${repository}\`, a remote of the checkout it is in): the image gets what was ` +
    'pushed, not the files you build from. Its author chooses that version, so this is advice; `COPY` the files from the build ' +
    'context to build your checkout.'
  );
}

/** A fetch of the recipe's own repository at a moving ref, as info (see `ownRepositoryMessage`). */
export function ownRepositoryFinding(range: Range, fetch: string, repository: string, fixes?: Fix[]): Finding {
  return {
    range,
    severity: 'info',
    message: ownRepositoryMessage(fetch, repository),
    howToFix:
      '`COPY` the files from the build context, which is the checkout you build from (`COPY . /src`), instead of fetching ' +
      'the repository again; to build a release, fetch its tag or commit.',
    ...(fixes ? { fixes } : {}),
  };
}

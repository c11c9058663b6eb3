// The repository a recipe lives in, from the git remotes of its checkout: HPC-MAINT-001/002 report a fetch of the
// recipe's own repository as info (see rules/util/own-repository.ts). Read as data, never through `git`: the
// nearest `.git` above the recipe (not above the stop directory), then its `config`, or for a `.git` file
// (worktrees, submodules) the gitdir it names and that gitdir's `commondir`. Every file is read by its real path,
// only when that lies inside the root (the workspace folder, else the directory holding `.git`), at most 64 KB.
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isInside, readBounded, statOrUndefined } from '../io/boundedRead';
import { repositoryIdentity } from '../rules/util/own-repository';

export interface OwnRepository {
  /** The directory holding `.git`. */
  root: string;
  /** Identities of its remotes (`github.com/foo/bar`), without repeats (ignoring case); empty when none could be read. */
  identities: readonly string[];
}

const MAX_GIT_FILE_BYTES = 64 * 1024;

/** The checkout `directory` is in (searching up to `stopDir` when given) and its remotes, or undefined without one. */
export function findOwnRepository(directory: string, stopDir?: string): OwnRepository | undefined {
  const root = checkoutRoot(resolve(directory), stopDir === undefined ? undefined : resolve(stopDir));
  if (root === undefined) {
    return undefined;
  }
  const boundary = realPath(stopDir ?? root);
  const config = boundary === undefined ? undefined : gitConfigPath(root, boundary);
  const text = config === undefined || boundary === undefined ? undefined : readInside(config, boundary);
  const identities = new Map<string, string>();
  for (const url of text === undefined ? [] : remoteUrls(text)) {
    const identity = repositoryIdentity(url);
    if (identity !== undefined && !identities.has(identity.toLowerCase())) {
      identities.set(identity.toLowerCase(), identity);
    }
  }
  return { root, identities: [...identities.values()] };
}

/** The nearest directory from `start` up to `stop` (inclusive) with a `.git` entry of any kind. */
function checkoutRoot(start: string, stop: string | undefined): string | undefined {
  for (let dir = start; ; ) {
    if (lstatOrUndefined(join(dir, '.git')) !== undefined) {
      return dir;
    }
    const parent = dirname(dir);
    if (dir === stop || parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** `.git/config`, or for a `.git` file `<gitdir>/config` (`<gitdir>/<commondir>/config` for a worktree). */
function gitConfigPath(root: string, boundary: string): string | undefined {
  const dotGit = join(root, '.git');
  let gitDir: string | undefined;
  if (statOrUndefined(dotGit)?.isDirectory()) {
    gitDir = dotGit;
  } else {
    const pointer = readInside(dotGit, boundary);
    const named = pointer === undefined ? undefined : /^gitdir:[ \t]*(.+?)[ \t]*$/m.exec(pointer)?.[1];
    gitDir = named === undefined ? undefined : resolve(root, named);
  }
  if (gitDir === undefined) {
    return undefined;
  }
  const commonDir = readInside(join(gitDir, 'commondir'), boundary)?.trim();
  return join(commonDir ? resolve(gitDir, commonDir) : gitDir, 'config');
}

/** The text of a regular file whose real path lies inside `boundary` (a real path), or undefined. */
function readInside(path: string, boundary: string): string | undefined {
  const real = realPath(path);
  if (real === undefined || !isInside(real, boundary)) {
    return undefined;
  }
  const read = readBounded(real, MAX_GIT_FILE_BYTES);
  return read.kind === 'bytes' ? read.bytes.toString('utf8') : undefined;
}

/** `url` and `pushurl` values of `[remote "…"]` sections of a git config file. */
export function remoteUrls(text: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const section = /^\[\s*([A-Za-z0-9.-]+)/.exec(line);
    if (section) {
      inRemote = section[1].toLowerCase() === 'remote';
      continue;
    }
    const entry = inRemote ? /^(?:url|pushurl)\s*=\s*(.*)$/i.exec(line) : null;
    if (entry) {
      urls.push(configValue(entry[1]));
    }
  }
  return urls;
}

/** A git config value: quotes removed, a `#` or `;` comment outside quotes dropped. */
function configValue(text: string): string {
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      quoted = !quoted;
    } else if (char === '\\' && i + 1 < text.length) {
      value += text[++i];
    } else if (!quoted && (char === '#' || char === ';')) {
      break;
    } else {
      value += char;
    }
  }
  return value.trim();
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

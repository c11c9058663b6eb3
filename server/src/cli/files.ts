// Finding recipes: explicitly named files, and recipe-named files under directories.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isRecipeFileName } from '../recipe/parse';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export interface FoundFile {
  path: string;
  /** True when named on the command line (always linted); false when found by walking a directory. */
  explicit: boolean;
}

/** Expands the command-line paths; throws `NodeJS.ErrnoException` for a path that does not exist. */
export function collectFiles(paths: readonly string[]): FoundFile[] {
  const found: FoundFile[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      walk(path, found);
    } else {
      found.push({ path, explicit: true });
    }
  }
  return found;
}

function walk(dir: string, found: FoundFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) {
        walk(path, found);
      }
    } else if (isRecipeFileName(entry.name) && (entry.isFile() || isFileLink(path))) {
      found.push({ path, explicit: false });
    }
  }
}

function isFileLink(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Compiles `ignorePaths` globs (`*`, `**`, `?`) into one predicate over `/`-separated paths relative to
 * the config file's directory. A pattern without `/` matches a file or directory name at any depth.
 */
export function ignoreMatcher(patterns: readonly string[]): (relativePath: string) => boolean {
  const regexes = patterns.map(globToRegExp);
  return (relativePath) => regexes.some((regex) => regex.test(relativePath));
}

function globToRegExp(pattern: string): RegExp {
  const withoutTrailingSlash = pattern.trim().replace(/\\/g, '/').replace(/\/+$/, '');
  const anchored = withoutTrailingSlash.includes('/');
  const glob = withoutTrailingSlash.replace(/^\.\//, '').replace(/^\//, '');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // Matches the path itself or anything below it.
  return new RegExp(`${anchored ? '^' : '(?:^|/)'}${source}(?:/.*)?$`);
}

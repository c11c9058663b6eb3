// Finding and reading recipes: explicitly named paths and recipe-like files under directories, read
// with bounded reads (io/boundedRead.ts) that never block on a FIFO or swallow a device.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { MAX_RECIPE_BYTES } from '../engine/lint';
import type { HpcDiagnostic } from '../engine/types';
import type { RecipeFormat } from '../recipe/model';
import { formatFromContent, formatFromName } from '../recipe/parse';
import { decodeRecipe, type RecipeEncoding } from './recipeBytes';
import { describeFileError, isInside, kindOf, notRegularReason, readBounded, realpathOrSelf, statOrUndefined } from '../io/boundedRead';

export { describeFileError, isInside, readBounded, type BoundedRead } from '../io/boundedRead';

/** Directories never walked: version control, dependency and tool caches. */
const SKIPPED_DIRECTORIES = new Set(['.git', '.hg', '.svn', '.bzr', 'node_modules', '__pycache__', '.venv', '.tox']);

/** Editor and merge leftovers: `Dockerfile~`, `#Dockerfile#`, `Dockerfile.bak`, `Singularity.orig`, `.swp`. */
const BACKUP_NAME = /(~|^#.*#)$|\.(bak|orig|rej|swp|swo|swn|save|dpkg-(old|new|dist)|rpmnew|rpmsave)$/i;

/** Files that are never recipes themselves: BuildKit's per-Dockerfile ignore file. */
const NEVER_RECIPE_NAME = /\.dockerignore$/i;

/**
 * Extensions of documentation, data, source and binary files. Walking skips them, except that a name
 * with a recipe word in it is linted when the content starts like a recipe: `Singularity.tex` (a TeX
 * Live image) is, `SingularityTests.md` (a README) is not.
 */
const NON_RECIPE_EXTENSIONS = new Set(
  (
    'md markdown mdx rst txt text adoc asciidoc org html htm xhtml pdf tex ipynb ' +
    'json jsonc yaml yml toml ini xml csv tsv lock log patch diff ' +
    'sh bash zsh csh tcsh fish ps1 bat cmd py pyc r rb pl pm lua js mjs cjs ts tsx jsx go rs java kt scala ' +
    'c h cc cpp cxx hh hpp f f77 f90 f95 cu ' +
    'png jpg jpeg gif svg ico bmp webp tif tiff mp4 zip gz tgz bz2 xz zst tar whl jar o a so dylib dll exe sif simg img iso'
  ).split(' '),
);

const RECIPE_WORD = /(singularity|apptainer|dockerfile|containerfile)/i;

/** Bytes read to decide whether a file of unknown name is a recipe. */
const SNIFF_BYTES = 16 * 1024;

export const UNREADABLE_CODE = 'hpclint/unreadable';

/** How a walked file is confirmed to be a recipe before it is linted. */
export type Discovery =
  /** Named on the command line, or a recipe name (`Dockerfile`, `Singularity.gpu`): always linted. */
  | 'name'
  /** `*.def`, `*.docker` and names containing Singularity/Apptainer/Dockerfile: linted when hpclint's format detection agrees. */
  | 'content'
  /** Any other name: linted only when the file starts like a recipe (`FROM image` or `Bootstrap:`). */
  | 'strict';

export interface FoundFile {
  kind: 'file';
  path: string;
  /** True when named on the command line (always linted); false when found by walking a directory. */
  explicit: boolean;
  discovery: Discovery;
  /** Index of the command-line path it came from. */
  origin: number;
}

/** A path that cannot be read (missing, no permission, not a regular file, link out of the tree). */
export interface PathProblem {
  kind: 'problem';
  path: string;
  explicit: boolean;
  directory: boolean;
  reason: string;
  origin: number;
}

export type FoundPath = FoundFile | PathProblem;

export interface CollectOptions {
  cwd?: string;
  /** Named files are treated like walked ones: skipped unless named or started like a recipe (pre-commit). */
  ignoreUnknown?: boolean;
}

export interface Collected {
  found: FoundPath[];
  /** Indexes of the command-line paths that are directories. */
  directories: number[];
}

/**
 * Expands the command-line paths, in order, directories walked in name order. Never throws for a
 * file-system problem: each bad path becomes one `PathProblem`, everything else is still found.
 */
export function collectFiles(paths: readonly string[], { cwd = process.cwd(), ignoreUnknown = false }: CollectOptions = {}): Collected {
  const found: FoundPath[] = [];
  const directories: number[] = [];
  paths.forEach((path, origin) => {
    const discovery = ignoreUnknown ? discoveryByName(basename(path)) : 'name';
    const absolute = resolve(cwd, path);
    let stats: Stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      if (discovery !== undefined) {
        found.push({ kind: 'problem', path, explicit: true, directory: false, reason: describeFileError(error), origin });
      }
      return;
    }
    if (stats.isDirectory()) {
      directories.push(origin);
      const walker = new Walker(found, origin, walkRoot(absolute, cwd));
      walker.walk(path, absolute, true);
    } else if (discovery !== undefined) {
      found.push({ kind: 'file', path, explicit: !ignoreUnknown, discovery, origin });
    }
  });
  return { found, directories };
}

/**
 * Symbolic links met while walking are followed only to files inside this root: the walked directory,
 * or the working directory when the walked directory lies inside it (a monorepo's shared Dockerfile).
 */
function walkRoot(directory: string, cwd: string): string {
  const real = realpathOrSelf(directory);
  const realCwd = realpathOrSelf(cwd);
  return isInside(real, realCwd) ? realCwd : real;
}

class Walker {
  constructor(
    private readonly found: FoundPath[],
    private readonly origin: number,
    private readonly root: string,
  ) {}

  walk(path: string, absolute: string, explicit: boolean): void {
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      this.problem(path, explicit, true, describeFileError(error));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const childPath = join(path, entry.name);
      const childAbsolute = join(absolute, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) {
          this.walk(childPath, childAbsolute, false);
        }
        continue;
      }
      const discovery = discoveryByName(entry.name);
      if (discovery === undefined) {
        continue;
      }
      // Only files that would be linted by name are worth an error when they cannot be read; a FIFO
      // or a dangling link with an arbitrary name is simply not a recipe.
      const reportable = discovery !== 'strict';
      if (entry.isFile()) {
        this.file(childPath, discovery);
      } else if (entry.isSymbolicLink()) {
        this.link(childPath, childAbsolute, discovery, reportable);
      } else if (reportable) {
        this.problem(childPath, false, false, notRegularReason(statOrUndefined(childAbsolute)));
      }
    }
  }

  private link(path: string, absolute: string, discovery: Discovery, reportable: boolean): void {
    let target: Stats;
    try {
      target = statSync(absolute);
    } catch (error) {
      if (reportable) {
        this.problem(path, false, false, `broken symbolic link (${describeFileError(error)})`);
      }
      return;
    }
    if (target.isDirectory()) {
      return; // Linked directories are not followed (no cycles, no escapes).
    }
    if (!target.isFile()) {
      if (reportable) {
        this.problem(path, false, false, `symbolic link to something that is not a regular file (${kindOf(target)})`);
      }
      return;
    }
    const real = realpathOrSelf(absolute);
    if (!isInside(real, this.root)) {
      if (reportable) {
        this.problem(path, false, false, `symbolic link to ${real}, outside ${this.root}; not followed (name it on the command line to lint it)`);
      }
      return;
    }
    this.file(path, discovery);
  }

  private file(path: string, discovery: Discovery): void {
    this.found.push({ kind: 'file', path, explicit: false, discovery, origin: this.origin });
  }

  private problem(path: string, explicit: boolean, directory: boolean, reason: string): void {
    this.found.push({ kind: 'problem', path, explicit, directory, reason, origin: this.origin });
  }
}

/** How a file met while walking is confirmed as a recipe, or undefined when it is skipped by name. */
export function discoveryByName(name: string): Discovery | undefined {
  if (BACKUP_NAME.test(name) || NEVER_RECIPE_NAME.test(name)) {
    return undefined;
  }
  const recipeWord = RECIPE_WORD.test(name);
  if (NON_RECIPE_EXTENSIONS.has(extname(name).slice(1).toLowerCase())) {
    return recipeWord ? 'strict' : undefined;
  }
  if (formatFromName(name) !== undefined) {
    return 'name';
  }
  return recipeWord || /\.(def|docker)$/i.test(name) ? 'content' : 'strict';
}

/**
 * The format a file's start announces, or undefined: after blank lines, comments (not a `#!` shebang)
 * and a Dockerfile's leading `ARG`s, the first line is `FROM <image>` (upper case, as written in
 * practice; `from x import y` is Python) or a `Bootstrap:` header.
 */
export function formatFromRecipeStart(text: string): RecipeFormat | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 200);
  let sawArg = false;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.length === 0) {
      continue;
    }
    if (trimmed.startsWith('#')) {
      if (trimmed.startsWith('#!') && !sawArg) {
        return undefined;
      }
      continue;
    }
    if (/^ARG\s+\S/.test(trimmed)) {
      sawArg = true;
      continue;
    }
    if (/^FROM\s+\S/.test(trimmed)) {
      return 'dockerfile';
    }
    if (!sawArg && /^bootstrap\s*:/i.test(trimmed)) {
      return 'apptainer';
    }
    return undefined;
  }
  return undefined;
}

export type ReadOutcome =
  | { kind: 'text'; text: string; encoding: RecipeEncoding }
  /** A walked file whose content is not a recipe (e.g. `exports.def`, a README). */
  | { kind: 'notRecipe' }
  | { kind: 'tooLarge'; bytes: number }
  | { kind: 'unreadable'; reason: string };

/** Reads a found file (bounded) and confirms a walked file is a recipe as its discovery requires. */
export function readFoundFile(file: FoundFile, absolute: string, limit: number = MAX_RECIPE_BYTES): ReadOutcome {
  if (file.discovery === 'strict') {
    const head = readBounded(absolute, SNIFF_BYTES, { truncate: true });
    if (head.kind !== 'bytes') {
      return head.kind === 'unreadable' && !file.explicit ? { kind: 'notRecipe' } : head;
    }
    if (formatFromRecipeStart(head.bytes.toString('utf8')) === undefined) {
      return { kind: 'notRecipe' };
    }
  }
  const read = readBounded(absolute, limit);
  if (read.kind !== 'bytes') {
    return read;
  }
  const { text, encoding } = decodeRecipe(read.bytes);
  if (file.discovery === 'content' && formatFromContent(text) === undefined) {
    return { kind: 'notRecipe' };
  }
  return { kind: 'text', text, encoding };
}

const FILE_START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The one error reported for a path that could not be read. Not subject to severity overrides. */
export function unreadableDiagnostic(problem: Pick<PathProblem, 'directory' | 'reason'>): HpcDiagnostic {
  return {
    code: UNREADABLE_CODE,
    name: 'unreadable',
    category: 'syntax',
    severity: 'error',
    message: `Cannot read this ${problem.directory ? 'directory' : 'file'}: ${problem.reason}. hpclint did not lint it.`,
    range: FILE_START,
    fixes: [],
    source: 'hpclint',
  };
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

// Reading files that may be hostile: only regular files, never more than a limit, and never through a
// link that leaves a given tree. Used for recipes (CLI) and config files (CLI and server).
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

export type BoundedRead = { kind: 'bytes'; bytes: Buffer; truncated: boolean } | { kind: 'tooLarge'; bytes: number } | { kind: 'unreadable'; reason: string };

/**
 * Reads a regular file, at most `limit` bytes. Anything else (directory, FIFO, socket, device) is
 * refused from its `stat` before it is opened; the open never blocks (O_NONBLOCK) and the opened
 * descriptor is checked again, so a file swapped for a FIFO in between cannot hang the run either.
 * With `truncate`, a longer file yields its first `limit` bytes instead of `tooLarge`.
 */
export function readBounded(path: string, limit: number, { truncate = false } = {}): BoundedRead {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return { kind: 'unreadable', reason: describeFileError(error) };
  }
  if (!stats.isFile()) {
    return { kind: 'unreadable', reason: notRegularReason(stats) };
  }
  if (!truncate && stats.size > limit) {
    return { kind: 'tooLarge', bytes: stats.size };
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    return { kind: 'unreadable', reason: describeFileError(error) };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) {
      return { kind: 'unreadable', reason: notRegularReason(opened) };
    }
    // Sizes can lie (/proc files say 0, files grow): read until EOF or one byte past the limit.
    const buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(opened.size + 1, 64 * 1024)));
    let length = 0;
    let chunk = buffer;
    for (;;) {
      if (length === chunk.length) {
        if (chunk.length > limit) {
          break;
        }
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, chunk.length * 2));
        chunk.copy(grown, 0, 0, length);
        chunk = grown;
      }
      const count = readSync(fd, chunk, length, chunk.length - length, null);
      if (count === 0) {
        break;
      }
      length += count;
    }
    if (length > limit) {
      return truncate
        ? { kind: 'bytes', bytes: chunk.subarray(0, limit), truncated: true }
        : { kind: 'tooLarge', bytes: Math.max(length, opened.size) };
    }
    return { kind: 'bytes', bytes: chunk.subarray(0, length), truncated: false };
  } catch (error) {
    return { kind: 'unreadable', reason: describeFileError(error) };
  } finally {
    closeSync(fd);
  }
}

export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function notRegularReason(stats: Stats | undefined): string {
  if (stats?.isDirectory()) {
    return 'is a directory';
  }
  return `not a regular file (${stats ? kindOf(stats) : 'special file'}); hpclint reads only regular files (pipe text in with --stdin)`;
}

export function kindOf(stats: Stats): string {
  if (stats.isFIFO()) {
    return 'a FIFO';
  }
  if (stats.isSocket()) {
    return 'a socket';
  }
  if (stats.isCharacterDevice()) {
    return 'a character device';
  }
  if (stats.isBlockDevice()) {
    return 'a block device';
  }
  if (stats.isDirectory()) {
    return 'a directory';
  }
  return 'a special file';
}

/** A file-system error as a short reason without the path: `permission denied`, `no such file or directory`. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENXIO':
      return 'no such device or address (a socket or a device without a driver)';
    case 'EIO':
      return 'input/output error';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** True when `path` is `root` or lies below it (both absolute and resolved). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Why `path` must not be read on behalf of `anchor` (a file found in or named by a checkout): it resolves,
 * through links, outside the anchor's repository (the nearest directory with `.git`, else the anchor's
 * own directory). Undefined when it stays inside.
 */
export function repositoryEscape(path: string, anchor: string = path): string | undefined {
  const root = repositoryRoot(dirname(resolve(anchor)));
  const real = realpathOrSelf(path);
  const realRoot = realpathOrSelf(root);
  return isInside(real, realRoot) ? undefined : `${real} is outside ${realRoot}; not read`;
}

/** The repository of the files in `directory`: the nearest directory from it upwards with `.git`, else `directory`. */
export function repositoryRoot(directory: string): string {
  const own = resolve(directory);
  for (let dir = own; ; ) {
    if (existsSync(join(dir, '.git'))) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      return own;
    }
    dir = parent;
  }
}

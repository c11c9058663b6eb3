// Reading the scripts a recipe copies in from its build context (#12 item 10, #15 item 4): read-only,
// regular files only, at most MAX_SCRIPT_BYTES, inside the build context by path and inside the
// workspace root by real path, so no link leads a read out of the workspace.
import { posix, resolve } from 'node:path';
import type { ScriptInput } from '../recipe/copied-scripts';
import { isInside, readBounded, realpathOrSelf } from './boundedRead';

/** Scripts above this size are not read (the info finding says so). */
export const MAX_SCRIPT_BYTES = 256 * 1024;

/** Where a recipe's copied scripts may be read from. */
export interface ScriptContext {
  /** The build context: the recipe's directory (absolute). */
  directory: string;
  /** Reads never leave this directory, through links either: the workspace folder (LSP) or the repository (CLI). */
  root: string;
}

/** Reads one build-context path (relative, `/`-separated, as the engine names it). */
export function readScript(context: ScriptContext, path: string): ScriptInput {
  const normal = posix.normalize(path);
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) {
    return { unreadable: `${path} is outside the build context` };
  }
  const directory = resolve(context.directory);
  const absolute = resolve(directory, ...normal.split('/'));
  if (!isInside(absolute, directory)) {
    return { unreadable: `${path} is outside the build context` };
  }
  const root = realpathOrSelf(resolve(context.root));
  const real = realpathOrSelf(absolute);
  if (!isInside(real, root)) {
    return { unreadable: `${path} leads outside the workspace` };
  }
  const read = readBounded(real, MAX_SCRIPT_BYTES);
  if (read.kind === 'tooLarge') {
    return { unreadable: `${path} is larger than ${MAX_SCRIPT_BYTES / 1024} KB` };
  }
  if (read.kind === 'unreadable') {
    return { unreadable: read.reason === 'no such file or directory' ? `${path} is not in the build context` : `${path}: ${read.reason}` };
  }
  const text = read.bytes.toString('utf8');
  if (text.slice(0, 8192).includes('\0')) {
    return { unreadable: `${path} is a binary file` };
  }
  return { text };
}

/** The absolute path of a build-context path (for related locations and file watching). */
export function scriptPath(context: ScriptContext, path: string): string {
  return resolve(context.directory, ...posix.normalize(path).split('/').filter((part) => part !== ''));
}

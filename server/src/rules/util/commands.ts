// Per-command caches of the query helpers every rule calls: a recipe is immutable once parsed, so the
// effective words of a command are computed once per lint instead of once per rule. Never mutate the results.
import type { ShellCommand, Word } from '../../recipe/model';
import * as query from '../../recipe/query';

const wordsCache = new WeakMap<ShellCommand, Word[]>();
const nameCache = new WeakMap<ShellCommand, string>();
const pipCache = new WeakMap<ShellCommand, boolean>();

/** `effectiveWords` from recipe/query, cached per command (shared array: read only). */
export function effectiveWords(command: ShellCommand): Word[] {
  let words = wordsCache.get(command);
  if (words === undefined) {
    words = query.effectiveWords(command);
    wordsCache.set(command, words);
  }
  return words;
}

/** `effectiveName` from recipe/query, cached per command. */
export function effectiveName(command: ShellCommand): string {
  let name = nameCache.get(command);
  if (name === undefined) {
    name = query.effectiveName(command);
    nameCache.set(command, name);
  }
  return name;
}

/** `isPipCommand` from recipe/query, cached per command. */
export function isPipCommand(command: ShellCommand): boolean {
  let pip = pipCache.get(command);
  if (pip === undefined) {
    pip = query.isPipCommand(command);
    pipCache.set(command, pip);
  }
  return pip;
}

// Per-command caches of the query helpers every rule calls: a recipe is immutable once parsed, so the
// effective words of a command are computed once per lint instead of once per rule. Never mutate the results.
import type { ShellCommand, Word } from '../../recipe/model';
import * as query from '../../recipe/query';

interface CommandFacts {
  words?: Word[];
  name?: string;
  pip?: boolean;
}

/**
 * The facts live on the command object under a non-enumerable symbol (invisible to JSON, `Object.keys` and
 * deep equality): a property read is several times cheaper than a WeakMap lookup, and rules ask tens of
 * times per command.
 */
const FACTS = Symbol('hpclint.commandFacts');

type WithFacts = ShellCommand & { [FACTS]?: CommandFacts };

function factsOf(command: ShellCommand): CommandFacts {
  const holder = command as WithFacts;
  let facts = holder[FACTS];
  if (facts === undefined) {
    facts = {};
    Object.defineProperty(holder, FACTS, { value: facts, enumerable: false, writable: false, configurable: false });
  }
  return facts;
}

/** `effectiveWords` from recipe/query, cached per command (shared array: read only). */
export function effectiveWords(command: ShellCommand): Word[] {
  const facts = factsOf(command);
  return (facts.words ??= query.effectiveWords(command));
}

/** `effectiveName` from recipe/query, cached per command. */
export function effectiveName(command: ShellCommand): string {
  const facts = factsOf(command);
  return (facts.name ??= query.effectiveName(command));
}

/** `isPipCommand` from recipe/query, cached per command. */
export function isPipCommand(command: ShellCommand): boolean {
  const facts = factsOf(command);
  return (facts.pip ??= query.isPipCommand(command));
}

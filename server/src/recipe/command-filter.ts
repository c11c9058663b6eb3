// The commands of a script a rule looks at, picked by a test of one command alone (its own fields and the text at its
// range), for a rule that walks every command of the recipe on every lint but acts on few. In a Dockerfile's lint with
// a memo the pick is kept with the script (recipe/script-table.ts). Elsewhere each command is tested on each lint: the
// tests are a few name comparisons, cheaper than a table lookup per command (a CommandTable of them made the 4,000-line
// definition file's keystroke slower).
import { EMPTY_LIST, type ShellCommand } from './model';
import { ScriptTable } from './script-table';

/** `reader(recipe)(script)`: the wanted commands of a script, in order (shared: never mutate). */
export class CommandFilter extends ScriptTable<readonly ShellCommand[]> {
  /** `wanted` must hold for every command the rule would act on, or that changes what it does with a later one. */
  constructor(wanted: (command: ShellCommand) => boolean) {
    super((script) => pick(script.commands, wanted));
  }
}

function pick(commands: readonly ShellCommand[], wanted: (command: ShellCommand) => boolean): readonly ShellCommand[] {
  let picked: ShellCommand[] | undefined;
  for (const command of commands) {
    if (wanted(command)) {
      (picked ??= []).push(command);
    }
  }
  return picked ?? EMPTY_LIST;
}

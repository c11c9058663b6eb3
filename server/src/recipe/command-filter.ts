// The commands of a script a rule looks at, picked by a test of one command alone (its own fields and the text at its
// range), for a rule that walks every command of the recipe on every lint but acts on few. In a Dockerfile's lint with
// a memo the pick is kept with the script (a step the parse memo reused keeps its script and commands). Elsewhere each
// command is tested on each lint: the tests are a few name comparisons, cheaper than a table lookup per command (a
// CommandTable of them made the 4,000-line definition file's keystroke slower).
import { factsOf } from './facts';
import { EMPTY_LIST, type Recipe, type ShellCommand, type ShellScript } from './model';

export class CommandFilter {
  private readonly byScript = new WeakMap<ShellScript, readonly ShellCommand[]>();

  /** `wanted` must hold for every command the rule would act on, or that changes what it does with a later one. */
  constructor(private readonly wanted: (command: ShellCommand) => boolean) {}

  /** How the recipe's lint gets the wanted commands of a script, in order (shared: never mutate). */
  reader(recipe: Recipe): (script: ShellScript) => readonly ShellCommand[] {
    if (!factsOf(recipe).stepsReused) {
      return (script) => pick(script.commands, this.wanted);
    }
    return (script) => {
      let picked = this.byScript.get(script);
      if (picked === undefined) {
        picked = pick(script.commands, this.wanted);
        this.byScript.set(script, picked);
      }
      return picked;
    };
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

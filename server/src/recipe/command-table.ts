// A fact of one shell command that depends on nothing but the command's own fields (and the text at its range), kept
// with the command object for the next lint of the same document: the parse memos reuse unchanged commands as the same
// objects (a Dockerfile's with its unchanged steps, a definition file's inside a changed `%post`). Kept only in a lint
// with a memo (RecipeFacts `commandsKept`): the CLI computes each fact without a table.
import { factsOf } from './facts';
import type { Recipe, ShellCommand } from './model';

export class CommandTable<T> {
  private readonly table = new WeakMap<ShellCommand, T>();

  constructor(private readonly compute: (command: ShellCommand, recipe: Recipe) => T) {}

  /** How the recipe's lint gets the fact of a command: from the table when it has a memo, else computed. */
  reader(recipe: Recipe): (command: ShellCommand) => T {
    if (!factsOf(recipe).commandsKept) {
      return (command) => this.compute(command, recipe);
    }
    return (command) => {
      let fact = this.table.get(command);
      if (fact === undefined) {
        fact = this.compute(command, recipe);
        this.table.set(command, fact);
      }
      return fact;
    };
  }

  /**
   * How a fact of a script kept in a `ScriptTable` gets the facts of its commands: in a Dockerfile's lint with a memo a
   * script computed again is a new step's, whose commands are new objects too, so they are computed without the table.
   */
  readerInScript(recipe: Recipe): (command: ShellCommand) => T {
    return factsOf(recipe).stepsReused ? (command) => this.compute(command, recipe) : this.reader(recipe);
  }
}

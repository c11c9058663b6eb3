// A fact of one shell command, kept with the command object for the next lint of the same document (recipe/kept-table.ts):
// the parse memos reuse unchanged commands as the same objects (a Dockerfile's with its unchanged steps, a definition
// file's inside a changed `%post`). Kept only in a lint with a memo (RecipeFacts `commandsKept`).
import { factsOf } from './facts';
import { KeptTable } from './kept-table';
import type { Recipe, ShellCommand } from './model';

export class CommandTable<T> extends KeptTable<ShellCommand, T> {
  constructor(compute: (command: ShellCommand, recipe: Recipe) => T) {
    super(compute, (facts) => facts.commandsKept);
  }

  /**
   * How a fact of a script kept in a `ScriptTable` gets the facts of its commands: in a Dockerfile's lint with a memo a
   * script computed again is a new step's, whose commands are new objects too, so they are computed without the table.
   */
  readerInScript(recipe: Recipe): (command: ShellCommand) => T {
    return factsOf(recipe).stepsReused ? (command) => this.compute(command, recipe) : this.reader(recipe);
  }
}

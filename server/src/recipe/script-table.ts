// A fact of one shell script that depends on nothing but the script's own commands (and the text at their ranges),
// kept with the script object for the next lint of the same Dockerfile: the parse memo reuses an unchanged step as the
// same object, with its script. Kept only in a Dockerfile's lint with a memo (RecipeFacts `stepsReused`): a definition
// file's scripts are new objects on every lint (their unchanged commands are kept, recipe/command-table.ts), and the
// CLI computes each fact without a table. One lookup per script instead of one per command.
import { factsOf } from './facts';
import type { Recipe, ShellScript } from './model';

export class ScriptTable<T> {
  private readonly table = new WeakMap<ShellScript, T>();

  constructor(private readonly compute: (script: ShellScript, recipe: Recipe) => T) {}

  /** How the recipe's lint gets the fact of a script: from the table when its steps are reused, else computed. */
  reader(recipe: Recipe): (script: ShellScript) => T {
    if (!factsOf(recipe).stepsReused) {
      return (script) => this.compute(script, recipe);
    }
    return (script) => {
      let fact = this.table.get(script);
      if (fact === undefined) {
        fact = this.compute(script, recipe);
        this.table.set(script, fact);
      }
      return fact;
    };
  }
}

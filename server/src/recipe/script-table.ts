// A fact of one shell script, kept with the script object for the next lint of the same Dockerfile (recipe/kept-table.ts):
// the parse memo reuses an unchanged step as the same object, with its script. Kept only in a Dockerfile's lint with a
// memo (RecipeFacts `stepsReused`): a definition file's scripts are new objects on every lint (their unchanged commands
// are kept, recipe/command-table.ts). One lookup per script instead of one per command.
import { KeptTable } from './kept-table';
import type { Recipe, ShellScript } from './model';

export class ScriptTable<T> extends KeptTable<ShellScript, T> {
  constructor(compute: (script: ShellScript, recipe: Recipe) => T) {
    super(compute, (facts) => facts.stepsReused);
  }
}

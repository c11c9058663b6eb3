// A fact of one object of a recipe's model (a shell command, a script) that depends on nothing but the object's own
// fields and the text at its ranges, kept with the object for the next lint of the same document: the parse memos reuse
// unchanged objects (recipe/dockerfile-memo.ts, recipe/definition-memo.ts). Kept only in a lint whose objects may be
// reused (`kept`: a lint with a memo); the CLI computes each fact without a table.
import { factsOf, type RecipeFacts } from './facts';
import type { Recipe } from './model';

export class KeptTable<K extends object, T> {
  private readonly table = new WeakMap<K, T>();

  constructor(
    protected readonly compute: (key: K, recipe: Recipe) => T,
    private readonly kept: (facts: RecipeFacts) => boolean,
  ) {}

  /** How the recipe's lint gets the fact of an object: from the table when the lint's objects may be reused, else computed. */
  reader(recipe: Recipe): (key: K) => T {
    if (!this.kept(factsOf(recipe))) {
      return (key) => this.compute(key, recipe);
    }
    return (key) => {
      let fact = this.table.get(key);
      if (fact === undefined) {
        fact = this.compute(key, recipe);
        this.table.set(key, fact);
      }
      return fact;
    };
  }
}

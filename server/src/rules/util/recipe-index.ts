// Keyword prefilters for rules: the recipe's keyword haystack lives in RecipeFacts (recipe/keywords.ts).
import { factsOf } from '../../recipe/facts';
import { mentions } from '../../recipe/keywords';
import type { Recipe } from '../../recipe/model';

/**
 * False only when none of `keywords` (lowercase) occurs, case-insensitively, in the recipe text, in any
 * string of its model (word values after quote removal) or in any word of an `sh -c` script.
 */
export function recipeMentions(recipe: Recipe, keywords: readonly string[]): boolean {
  return mentions(factsOf(recipe), keywords);
}

// Dispatch by declared interests: the recipe's step kinds, command names and keyword haystack come from one walk each
// (RecipeFacts), and a rule runs only on a recipe that has something it declared (RuleMeta.interests).
import type { RecipeFacts } from '../recipe/facts';
import { mentions } from '../recipe/keywords';
import type { RuleInterests } from './rule';

/** True when the recipe has a step, command or keyword the rule declared, or the rule declared nothing. */
export function interestsMet(interests: RuleInterests | undefined, facts: RecipeFacts): boolean {
  if (interests === undefined) {
    return true;
  }
  const { steps, commands, keywords } = interests;
  return (
    (steps !== undefined && steps.some((kind) => facts.stepsOfKind(kind).length > 0)) ||
    (commands !== undefined && commands.some((name) => facts.commandPositionsNamed(name) !== undefined)) ||
    (keywords !== undefined && keywords.length > 0 && mentions(facts, keywords))
  );
}

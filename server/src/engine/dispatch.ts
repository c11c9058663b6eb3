// Dispatch by declared interests: the recipe's step kinds, command names and keyword haystack come from one walk each
// (RecipeFacts), and a rule runs only on a recipe that has something it declared (RuleMeta.interests). A rule's
// handlers (RuleParts) are called on the steps and commands they name, from the same indexes.
import { effectiveName, type RecipeFacts } from '../recipe/facts';
import { mentions } from '../recipe/keywords';
import type { Rule, RuleContext, RuleInterests, RuleParts } from './rule';

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

/** Runs a rule on one recipe: with `dispatch`, its handlers on the steps and commands RecipeFacts indexes; else `rule.check`. */
export function runRule(rule: Rule, context: RuleContext, dispatch: boolean): void {
  const parts = rule.parts;
  if (!dispatch || parts === undefined) {
    rule.check(context);
    return;
  }
  const { facts } = context;
  parts.check?.(context);
  if (parts.onStep) {
    const { kinds, check } = parts.onStep;
    const refs = kinds.length === 1 ? facts.stepRefsOfKind(kinds[0]) : kinds.flatMap((kind) => facts.stepRefsOfKind(kind)).sort((a, b) => a.order - b.order);
    for (const { step, stage } of refs) {
      check(step, stage, context);
    }
  }
  if (parts.onCommand) {
    const { names, check } = parts.onCommand;
    const positions = names.flatMap((name) => facts.commandPositionsNamed(name) ?? []);
    if (names.length > 1) {
      positions.sort((a, b) => a - b);
    }
    const commands = facts.commands;
    for (const position of positions) {
      check(commands[position], facts.scriptOfCommand(position), context);
    }
  }
}

/** The handlers on the steps and commands they name, found by a walk of their own: what `runRule` does without the indexes. */
export function walkHandlers(parts: RuleParts, context: RuleContext): void {
  const { recipe, facts } = context;
  parts.check?.(context);
  if (parts.onStep) {
    const { kinds, check } = parts.onStep;
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (kinds.includes(step.kind)) {
          check(step, stage, context);
        }
      }
    }
  }
  if (parts.onCommand) {
    const { names, check } = parts.onCommand;
    facts.commands.forEach((command, position) => {
      if (names.includes(effectiveName(command))) {
        check(command, facts.scriptOfCommand(position), context);
      }
    });
  }
}

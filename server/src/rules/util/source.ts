// Small helpers rules share for locating text inside the recipe model.
import type { RuleContext } from '../../engine/rule';
import type { Range, Recipe, ShellCommand, ShellScript, Stage, Word } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { isSplitShellCCall } from '../../recipe/shell';
import type { LineIndex } from '../../recipe/text';

export { baseName } from '../../recipe/text';

/** The line index of a recipe's text (one per recipe, see RecipeFacts). */
export function lineIndexOf(recipe: Recipe): LineIndex {
  return factsOf(recipe).lineIndex;
}

/** Range of `word.text.slice(start, end)` (offsets into the raw word text). */
export function rangeInWord(recipe: Recipe, word: Word, start: number, end: number): Range {
  const index = lineIndexOf(recipe);
  const base = index.offsetAt(word.range.start);
  return index.range(base + start, base + end);
}

/** Range between two offsets of the recipe text. */
export function rangeOf(recipe: Recipe, start: number, end: number): Range {
  return lineIndexOf(recipe).range(start, end);
}

export function offsetOf(recipe: Recipe, position: Range['start']): number {
  return lineIndexOf(recipe).offsetAt(position);
}

/** The last stage and every stage it inherits from through `FROM <stage>`, final first (the recipe's one list). */
export function finalStageChain(recipe: Recipe): readonly Stage[] {
  return factsOf(recipe).finalStageChain;
}

/** `finalStageChain` in recipe order, the last stage last (the recipe's one list). */
export function finalStageChainInOrder(recipe: Recipe): readonly Stage[] {
  return factsOf(recipe).finalStageChainInOrder;
}

/** True for the stages of `finalStageChain` (what ends up in the image). */
export function isShipped(recipe: Recipe, stage: Stage): boolean {
  return factsOf(recipe).isShipped(stage);
}

/** The stage whose base image `stage` is built on: itself, or the stage its `FROM <stage>` chain starts from. */
export function baseStageOf(recipe: Recipe, stage: Stage): Stage {
  return factsOf(recipe).baseStage(stage);
}

/** The root cause shared by findings about one stage's end-of-life base (HPC-EOL-001 first, then PORT-007, EOL-003). */
export function eolBaseCause(recipe: Recipe, stage: Stage, rank: number): { key: string; rank: number } {
  return { key: `eol-base:${baseStageOf(recipe, stage).index}`, rank };
}

/**
 * The context with a `report` that drops a second identical finding on the same range: a flag inside `$(…)` is seen once in the
 * outer word and once more per nesting level in the inner commands, but it is one flag.
 */
export function oncePerRange(context: RuleContext): RuleContext {
  const seen = new Set<string>();
  return {
    ...context,
    report(finding) {
      const { start, end } = finding.range;
      const key = `${start.line}:${start.character}:${end.line}:${end.character}:${finding.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        context.report(finding);
      }
    },
  };
}

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/**
 * The script string of `sh -c "…"` / `["bash", "-c", "…"]` split into commands (exact ranges when the
 * string is written plainly or in one pair of quotes); undefined when `words` is not such a call.
 */
export function shellCScript(recipe: Recipe, words: readonly Word[]): ShellScript | undefined {
  return factsOf(recipe).shellCScript(words);
}

/** How deep `sh -c "… sh -c '…' …"` nesting is followed. */
const MAX_SHELL_C_DEPTH = 4;

/**
 * Commands with each `sh -c "…"` call expanded into the commands of its script string. `keepCalls`
 * keeps the `sh -c` command itself before its expansion; otherwise the expansion replaces it.
 * Returns `commands` itself when there is nothing to expand; callers must not mutate the result.
 */
function expandShellC(recipe: Recipe, commands: readonly ShellCommand[], keepCalls: boolean, depth: number): readonly ShellCommand[] {
  if (depth >= MAX_SHELL_C_DEPTH || !factsOf(recipe).hasShellCScripts(commands)) {
    return commands;
  }
  const result: ShellCommand[] = [];
  for (const command of commands) {
    if (isSplitShellCCall(command)) {
      // The model already lists the script's commands after the call.
      if (keepCalls) {
        result.push(command);
      }
      continue;
    }
    const inner = shellCScript(recipe, command.words);
    const expanded = inner && inner.commands.length > 0;
    if (!expanded || keepCalls) {
      result.push(command);
    }
    if (expanded) {
      result.push(...expandShellC(recipe, inner.commands, keepCalls, depth + 1));
    }
  }
  return result;
}

/** Commands plus, for `sh -c "…"` calls, the commands of the script string as well. */
export function withShellCScripts(recipe: Recipe, commands: readonly ShellCommand[]): readonly ShellCommand[] {
  return expandShellC(recipe, commands, true, 0);
}

/** Commands, with each `sh -c "…"` call replaced by the commands of its script string. */
export function withShellCScriptsInstead(recipe: Recipe, commands: readonly ShellCommand[]): readonly ShellCommand[] {
  return expandShellC(recipe, commands, false, 0);
}

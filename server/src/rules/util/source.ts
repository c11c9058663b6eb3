// Small helpers rules share for locating text inside the recipe model.
import type { Range, Recipe, Stage, Word } from '../../recipe/model';
import { LineIndex } from '../../recipe/text';

const indexes = new WeakMap<Recipe, LineIndex>();

/** The (cached) line index of a recipe's text. */
export function lineIndexOf(recipe: Recipe): LineIndex {
  let index = indexes.get(recipe);
  if (!index) {
    index = new LineIndex(recipe.text);
    indexes.set(recipe, index);
  }
  return index;
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

export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

/** The last stage and every stage it inherits from through `FROM <stage>` (final first). */
export function finalStageChain(recipe: Recipe): Stage[] {
  const chain: Stage[] = [];
  let stage: Stage | undefined = recipe.stages[recipe.stages.length - 1];
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const ref: string | undefined = stage.base.stageRef;
    if (ref === undefined) {
      break;
    }
    const before: Stage = stage;
    stage = recipe.stages.find((candidate) => candidate.index < before.index && candidate.name?.value.toLowerCase() === ref.toLowerCase());
  }
  return chain;
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

// What a formatter must not change in a parsed definition file: everything but positions and layout.
import type { Recipe } from '../../../server/src/recipe/model';

const POSITION_KEYS = new Set(['range', 'keywordRange', 'bodyRange', 'appliesTo']);

/** Multi-line raw text (section bodies kept as text): its lines without indentation or blank lines. */
function layoutFree(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

export function modelSignature(recipe: Recipe): string {
  return JSON.stringify(recipe, function (this: Record<string, unknown>, key: string, value: unknown) {
    if (POSITION_KEYS.has(key)) {
      return undefined;
    }
    // Raw source text (the whole file, script bodies, section bodies, words as written): compared through values.
    const isComment = Object.keys(this).length === 2 && 'range' in this;
    if (key === 'text' && typeof value === 'string' && !isComment) {
      return undefined;
    }
    if (key === 'body' && typeof value === 'string' && 'header' in this) {
      return undefined;
    }
    // Bodies kept as raw text (help, unknown sections): compared line by line without layout.
    if (key === 'body' && this.kind === 'other' && typeof value === 'object' && value !== null) {
      return layoutFree((value as { value: string }).value);
    }
    if (isComment && key === 'text' && typeof value === 'string') {
      return value.trimEnd();
    }
    return value;
  });
}

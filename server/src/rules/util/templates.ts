// Apptainer's `{{ name }}` build-argument placeholders, read the way Apptainer >= 1.3 reads them (HPC-DEF-007, HPC-DEF-010).
import type { Range, Recipe, Stage } from '../../recipe/model';
import { lineIndexOf } from './source';

/** Apptainer's and SingularityCE's placeholder (internal/pkg/build/args/reader.go): names are `\w+`. */
const TEMPLATE = /\{\{\s*(\w+)\s*\}\}/g;
/** Apptainer >= 1.3 skips a placeholder when this matches the text before it on its line (unanchored: any `#` + a non-`!`). */
const COMMENT_BEFORE = /\s*[#][^!]\s*.*/;

export interface TemplateUse {
  name: string;
  range: Range;
  stage: Stage;
  /**
   * `substituted` everywhere; `comment`: after a `#` that starts a comment (Apptainer >= 1.3 skips it, SingularityCE and
   * Apptainer 1.2 substitute it); `afterHash`: after a `#` inside a word or quotes (`sed 's#a#{{ X }}#'`), where
   * Apptainer >= 1.3 leaves the literal text but the author meant a substitution.
   */
  kind: 'substituted' | 'comment' | 'afterHash';
}

/** A `#` at the start of a line or after whitespace, outside quotes, starts a comment. */
function startsComment(line: string, hash: number): boolean {
  if (hash > 0 && !/\s/.test(line[hash - 1])) {
    return false;
  }
  let single = false;
  let double = false;
  for (let i = 0; i < hash; i++) {
    if (line[i] === "'" && !double) {
      single = !single;
    } else if (line[i] === '"' && !single && line[i - 1] !== '\\') {
      double = !double;
    }
  }
  return !single && !double;
}

/** The first stage whose lines hold a line: by binary search when the stages' starts and ends both run in order, else by a scan. */
function stageFinder(stages: readonly Stage[]): (line: number) => Stage | undefined {
  const ordered = stages.every((stage, i) => i === 0 || (stage.range.start.line >= stages[i - 1].range.start.line && stage.range.end.line >= stages[i - 1].range.end.line));
  return (line) => {
    if (!ordered) {
      return stages.find((candidate) => candidate.range.start.line <= line && line <= candidate.range.end.line);
    }
    // The first stage ending at or after the line; a later one cannot hold it if this one starts after it.
    let low = 0;
    let high = stages.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (stages[middle].range.end.line < line) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    const stage = stages[low];
    return stage !== undefined && stage.range.start.line <= line ? stage : undefined;
  };
}

/** Every `{{ name }}` with the stage it is in, classified the way Apptainer >= 1.3 reads the file. */
export function templateUses(recipe: Recipe): TemplateUse[] {
  const text = recipe.text;
  if (!text.includes('{{')) {
    return [];
  }
  const index = lineIndexOf(recipe);
  const stageAt = stageFinder(recipe.stages);
  const uses: TemplateUse[] = [];
  // Apptainer looks back to the last newline, but never before the end of the last placeholder it substituted.
  let substitutedEnd = 0;
  TEMPLATE.lastIndex = 0;
  for (let match = TEMPLATE.exec(text); match; match = TEMPLATE.exec(text)) {
    const start = match.index;
    const end = start + match[0].length;
    const newline = text.lastIndexOf('\n', start);
    const from = Math.max(newline, substitutedEnd);
    const before = text.slice(from, start);
    const range = index.range(start, end);
    const stage = stageAt(range.start.line) ?? recipe.stages[recipe.stages.length - 1];
    if (!stage) {
      continue;
    }
    let kind: TemplateUse['kind'] = 'substituted';
    if (COMMENT_BEFORE.test(before)) {
      const lineStart = newline + 1;
      const line = text.slice(lineStart, start);
      const hash = /#[^!]/.exec(text.slice(from, start));
      const hashInLine = hash ? from + hash.index - lineStart : -1;
      kind = hashInLine >= 0 && startsComment(line, hashInLine) ? 'comment' : 'afterHash';
    } else {
      substitutedEnd = end;
    }
    uses.push({ name: match[1], range, stage, kind });
  }
  return uses;
}

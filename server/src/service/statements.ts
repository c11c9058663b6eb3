// Line extents of the statements an ignore pragma goes above: every Dockerfile instruction, every
// definition-file header line and multi-line logical shell line (the extents pragmas cover). Computed where
// the recipe is parsed (the lint worker) and sent along with the findings, so code actions never parse the
// document again.
import { sectionSpec } from '../recipe/apptainer-spec';
import { logicalLineExtents } from '../recipe/logical-lines';
import type { Recipe, ShellScript, Step } from '../recipe/model';
import { splitShell } from '../recipe/shell';
import { LineIndex } from '../recipe/text';

/** Sorted, non-overlapping `[startLine, endLine]` pairs, flattened. */
export type StatementLines = readonly number[];

export function statementLines(recipe: Recipe): StatementLines {
  const extents: Array<[number, number]> = [];
  const lines = recipe.format === 'apptainer' ? new LineIndex(recipe.text) : undefined;
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (recipe.format === 'dockerfile' || step.kind === 'header') {
        extents.push([step.range.start.line, step.range.end.line]);
      } else if (lines) {
        const script = scriptOf(step, lines);
        for (const extent of script ? logicalLineExtents(script, lines) : []) {
          extents.push([extent.startLine, extent.endLine]);
        }
      }
    }
  }
  extents.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return extents.flat();
}

/** The shell script of a definition-file section step, if it has one (`%pre` is kept as text: split it here). */
function scriptOf(step: Step, lines: LineIndex): ShellScript | undefined {
  switch (step.kind) {
    case 'run':
    case 'entrypoint':
    case 'test':
    case 'env':
      return step.script;
    case 'other':
      return step.body && sectionSpec(step.keyword.replace(/^%+/, ''))?.kind === 'script'
        ? splitShell(lines.text, lines.offsetAt(step.body.range.start), lines.offsetAt(step.body.range.end), lines)
        : undefined;
    default:
      return undefined;
  }
}

/** The first line of the statement containing `line`, or undefined when `line` is in none. */
export function statementStartAt(lines: StatementLines, line: number): number | undefined {
  let low = 0;
  let high = lines.length / 2 - 1;
  let found: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const start = lines[2 * middle];
    if (start <= line) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  // Extents never nest, so only the last one starting at or before `line` can contain it.
  return found !== undefined && line <= lines[2 * found + 1] ? lines[2 * found] : undefined;
}

// Step-local rules (RuleMeta.locality 'step'): what they may see of a recipe besides the step they report on, and the
// smaller recipe of some steps that the engine runs them on when the other steps' findings are known already.
import type { Position, Range, Recipe, Stage, Step } from '../recipe/model';

/**
 * The steps every sub-recipe keeps: a Dockerfile's FROM lines and a definition file's header. With the global ARGs,
 * the escape character and the settings they make a step-local rule's context (`skeletonKey`).
 */
export function isSkeletonStep(step: Step): boolean {
  return step.kind === 'from' || step.kind === 'header';
}

/** The steps a step-local rule's findings are partitioned by: all but the skeleton, in recipe order. */
export function localSteps(recipe: Recipe): Step[] {
  const steps: Step[] = [];
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (!isSkeletonStep(step)) {
        steps.push(step);
      }
    }
  }
  return steps;
}

/**
 * The recipe with only its skeleton and the steps `keep` says, every line outside them blanked (line breaks kept, so
 * positions are the same): a rule that reads the text, comments, pragmas or sections of other steps sees none of them.
 * Definition-file sections are kept with the steps they hold.
 */
export function stepSubRecipe(recipe: Recipe, keep: ReadonlySet<Step>): Recipe {
  const ranges: Range[] = [];
  const stages: Stage[] = recipe.stages.map((stage) => {
    const steps = stage.steps.filter((step) => isSkeletonStep(step) || keep.has(step));
    for (const step of steps) {
      ranges.push(step.range);
    }
    const sections = stage.sections.filter((section) => steps.some((step) => overlaps(section.range, step.range)));
    return { ...stage, steps, sections };
  });
  for (const arg of recipe.globalArgs) {
    ranges.push(arg.range);
  }
  const keptLines = linesOf(ranges);
  const inKept = (range: Range) => keptLines.has(range.start.line);
  return {
    ...recipe,
    text: blankLinesExcept(recipe.text, keptLines),
    stages,
    comments: recipe.comments.filter((comment) => inKept(comment.range)),
    pragmas: recipe.pragmas.filter((pragma) => inKept(pragma.range)),
    diagnostics: recipe.diagnostics.filter((problem) => inKept(problem.range)),
  };
}

/**
 * Where a finding of a step-local rule belongs: the index in `steps` (recipe order, `localSteps`; or units of them in
 * order, engine/commandLocality.ts) of the step its range starts in, or -1 for a finding outside them (on the skeleton).
 */
export function stepIndexOf(steps: readonly { readonly range: Range }[], start: Position): number {
  let low = 0;
  let high = steps.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const { range } = steps[middle];
    if (before(start, range.start)) {
      high = middle - 1;
    } else if (!before(start, range.end) && !isEmptyAt(range, start)) {
      low = middle + 1;
    } else {
      return middle;
    }
  }
  return -1;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** A finding on an empty step (`RUN` alone) starts where the step ends. */
function isEmptyAt(range: Range, position: Position): boolean {
  return range.start.line === range.end.line && range.start.character === range.end.character && position.line === range.start.line && position.character === range.start.character;
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function linesOf(ranges: readonly Range[]): Set<number> {
  const lines = new Set<number>();
  for (const range of ranges) {
    for (let line = range.start.line; line <= range.end.line; line++) {
      lines.add(line);
    }
  }
  return lines;
}

/** The text with the lines not in `kept` emptied; lines end at `\n`, as in the model's positions (recipe/text.ts). */
export function blankLinesExcept(text: string, kept: ReadonlySet<number>): string {
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    if (!kept.has(line)) {
      lines[line] = lines[line].endsWith('\r') ? '\r' : '';
    }
  }
  return lines.join('\n');
}

// Command-local rules (RuleMeta.locality 'command'): step-local rules whose findings on a definition file's run step
// (`%post`, `%setup`, `%appinstall`) depend only on the part of its script they are on, and the section's header lines.
// Such a part, a unit, runs from one clean point of the script's top level to the next (recipe/shell.ts `SplitPoint`:
// the start of a line, nothing open, no `&&`, `||` or `|` carried over from the line before), so a heredoc, a quoted
// string, a group, a `case` or a command continued over lines is in one unit; the header lines of the section are a
// unit of their own, kept in every sub-recipe of the step. Every other step is one unit, as for step-local rules.
import { factsOf } from '../recipe/facts';
import type { Position, Range, Recipe, RunStep, Section, ShellScript, Stage, Step } from '../recipe/model';
import type { SplitPoint } from '../recipe/shell';
import { LineIndex } from '../recipe/text';
import { blankLinesExcept, isSkeletonStep, linesOf, localSteps } from './stepLocality';

/** A step, or a part of a split run step (its header lines, or one unit of its script). */
export interface LocalUnit {
  readonly step: Step;
  readonly range: Range;
  /** Its offsets in the text: the memo keeps its findings while the text there, its start and `kind` are the same. */
  readonly start: number;
  readonly end: number;
  /** `step`, `head` (a run step's header lines, kept with any other part of it), or a script unit's split state where it starts. */
  readonly kind: string;
  /** A script unit's header lines, by their place in the list: the unit is the same only while they are. */
  readonly head?: number;
}

/** The clean points of a script of the recipe (recipe/definition-memo.ts), or undefined when unknown. */
export type CleanPoints = (script: ShellScript) => readonly SplitPoint[] | undefined;

/** Each local step (`localSteps`) as one unit. */
export function stepUnits(recipe: Recipe, lineIndex: LineIndex): LocalUnit[] {
  return localSteps(recipe).map((step) => wholeStep(step, lineIndex));
}

function wholeStep(step: Step, lineIndex: LineIndex): LocalUnit {
  return { step, range: step.range, start: lineIndex.offsetAt(step.range.start), end: lineIndex.offsetAt(step.range.end), kind: stepKind(step) };
}

/**
 * What a step has from outside its text: a definition file's `%files` line its section's header word, app and
 * `from` (`%files from build`); every other step holds its header line (the same for it, as its text shows).
 */
function stepKind(step: Step): string {
  const { keyword, keywordRange, app } = step;
  const from = step.kind === 'copy' ? step.from : undefined;
  const fromKey = from ? `${from.range.start.line}:${from.range.start.character}:${from.text}` : '';
  return `step ${keywordRange.start.line}:${keywordRange.start.character}:${keyword} ${app ?? ''} ${fromKey}`;
}

/** The local steps as units, the run steps of a definition file split into their header lines and script units. */
export function commandUnits(recipe: Recipe, lineIndex: LineIndex, pointsOf: CleanPoints): LocalUnit[] {
  const units: LocalUnit[] = [];
  for (const step of localSteps(recipe)) {
    if (splitsIntoUnits(recipe, step)) {
      pushRunStepUnits(units, step, lineIndex, pointsOf(step.script) ?? []);
    } else {
      units.push(wholeStep(step, lineIndex));
    }
  }
  return units;
}

function splitsIntoUnits(recipe: Recipe, step: Step): step is RunStep {
  return recipe.format === 'apptainer' && step.kind === 'run';
}

function pushRunStepUnits(units: LocalUnit[], step: RunStep, lineIndex: LineIndex, points: readonly SplitPoint[]): void {
  const stepStart = lineIndex.offsetAt(step.range.start);
  const stepEnd = lineIndex.offsetAt(step.range.end);
  const bodyStart = lineIndex.offsetAt(step.script.range.start);
  const headEnd = Math.min(bodyStart, stepEnd);
  const head = units.length;
  units.push({ step, range: lineIndex.range(stepStart, headEnd), start: stepStart, end: headEnd, kind: 'head' });
  const starts: { offset: number; kind: string }[] = [{ offset: bodyStart, kind: 'start' }];
  for (const point of points) {
    if (point.offset > bodyStart && (point.separator === undefined || point.separator === 'newline')) {
      starts.push({ offset: point.offset, kind: point.afterCommand ? 'after a command' : 'no command before' });
    }
  }
  for (let i = 0; i < starts.length && starts[i].offset < stepEnd; i++) {
    const start = starts[i].offset;
    const end = i + 1 < starts.length ? Math.min(starts[i + 1].offset, stepEnd) : stepEnd;
    units.push({ step, range: lineIndex.range(start, end), start, end, kind: starts[i].kind, head });
  }
}

/**
 * The recipe with only its skeleton and the units `keep` says, every other line blanked (line breaks kept, so positions
 * are the same). A run step with a kept unit keeps its header lines, and its script and section body keep only the kept
 * units: the commands, heredocs and comments on their lines (the same objects), the text of every other line blanked.
 */
export function commandSubRecipe(recipe: Recipe, units: readonly LocalUnit[], keep: ReadonlySet<LocalUnit>): Recipe {
  const keptSteps = new Set<Step>();
  const ranges: Range[] = [];
  for (const unit of units) {
    if (keep.has(unit)) {
      keptSteps.add(unit.step);
      ranges.push(unitLines(unit.range));
    }
  }
  for (const unit of units) {
    if (unit.kind === 'head' && keptSteps.has(unit.step)) {
      ranges.push(unitLines(unit.range));
    }
  }
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (isSkeletonStep(step)) {
        ranges.push(step.range);
      }
    }
  }
  const keptLines = linesOf(ranges);
  const text = blankLinesExcept(recipe.text, keptLines);
  const index = new LineIndex(text);
  const onKeptLine = (range: Range) => keptLines.has(range.start.line);
  const splitSteps = new Map<Step, RunStep>();
  const stages: Stage[] = recipe.stages.map((stage) => {
    const steps = stage.steps
      .filter((step) => isSkeletonStep(step) || keptSteps.has(step))
      .map((step) => {
        if (!splitsIntoUnits(recipe, step)) {
          return step;
        }
        const kept: RunStep = { ...step, script: keptScript(step.script, text, index, onKeptLine) };
        splitSteps.set(step, kept);
        return kept;
      });
    const sections = stage.sections
      .filter((section) => steps.some((step) => overlaps(section.range, step.range)))
      .map((section) => (stage.steps.some((step) => splitSteps.has(step) && step.range === section.range) ? keptSection(section, text, index) : section));
    return { ...stage, steps, sections };
  });
  const sub: Recipe = {
    ...recipe,
    text,
    stages,
    comments: recipe.comments.filter((comment) => onKeptLine(comment.range)),
    pragmas: recipe.pragmas.filter((pragma) => onKeptLine(pragma.range)),
    diagnostics: recipe.diagnostics.filter((problem) => onKeptLine(problem.range)),
  };
  factsOf(sub).adoptLineIndex(index);
  return sub;
}

/** The lines of a unit: a unit ending at the start of a line does not hold that line. */
function unitLines(range: Range): Range {
  const { start, end } = range;
  return end.character === 0 && end.line > start.line ? { start, end: { line: end.line - 1, character: 0 } } : range;
}

function keptScript(script: ShellScript, text: string, index: LineIndex, onKeptLine: (range: Range) => boolean): ShellScript {
  return {
    text: text.slice(index.offsetAt(script.range.start), index.offsetAt(script.range.end)),
    range: script.range,
    commands: script.commands.filter((command) => onKeptLine(command.range)),
    heredocs: script.heredocs.filter((heredoc) => onKeptLine(heredoc.range)),
    comments: script.comments.filter((comment) => onKeptLine(comment.range)),
  };
}

function keptSection(section: Section, text: string, index: LineIndex): Section {
  return { ...section, body: text.slice(index.offsetAt(section.bodyRange.start), index.offsetAt(section.bodyRange.end)) };
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

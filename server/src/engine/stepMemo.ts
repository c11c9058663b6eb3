// The findings of step-local rules (RuleMeta.locality 'step'), kept per step from one lint of a document to the next:
// a step whose text and position are unchanged, under the same skeleton and settings, keeps its findings, and the
// rules run only on a recipe of the steps that changed (engine/stepLocality.ts). Command-local rules (locality
// 'command') keep theirs the same way per unit, a part of a definition file's run step (engine/commandLocality.ts).
import { factsOf } from '../recipe/facts';
import type { Recipe, Step } from '../recipe/model';
import type { LineIndex } from '../recipe/text';
import type { LocalUnit } from './commandLocality';
import { runRule } from './dispatch';
import type { Finding, Rule, RuleContext } from './rule';
import { isSkeletonStep, stepIndexOf } from './stepLocality';

const NO_FINDINGS: readonly Finding[] = [];

/** Per local rule (by its place among the run's rules), its findings on one step. */
type StepFindings = (readonly Finding[] | undefined)[];

/** A step's or unit's findings, with what it was: its start character on its start line, its kind and its text. */
interface Remembered {
  readonly character: number;
  readonly kind: string;
  readonly text: string;
  readonly findings: StepFindings;
}

/** What one lint of a document leaves for the next: each step's (unit's) findings, by its start line. */
export class StepFindingsMemo {
  constructor(
    /** The skeleton, settings and rules the findings were made under (`contextKey`). */
    readonly context: string,
    readonly byLine: ReadonlyMap<number, Remembered>,
    /** Per local rule, its findings outside the steps (on the skeleton). */
    readonly outside: readonly (readonly Finding[] | undefined)[],
  ) {}
}

/**
 * The step-local (or command-local) rules' side of one lint: which steps (units) changed since the memo, and what the
 * next memo keeps.
 */
export class StepLocalRun {
  /** Per unit, what the memo remembers of it when it is the same (start, kind and text; its head known), else undefined. */
  private readonly same: readonly (Remembered | undefined)[];
  /** Per unit, its findings from the memo, or undefined: the unit changed. */
  private readonly known: readonly (StepFindings | undefined)[];
  private readonly changed: LocalUnit[] = [];
  /** Run the rules on the whole recipe: no step is known, or the changed ones are most of it (a sub-recipe's facts would cost more). */
  private readonly whole: boolean;
  private readonly slots: ReadonlyMap<string, number>;
  private readonly next: StepFindings[];
  private readonly nextOutside: (readonly Finding[] | undefined)[];
  private subContext?: RuleContext;
  /** A rule threw: what it would have found is unknown, so nothing of this lint is kept. */
  private failed = false;

  constructor(
    private readonly context: RuleContext,
    /** The step-local rules this lint runs (not turned off), in the order it runs them. */
    localRules: readonly Rule[],
    private readonly key: string,
    previous: StepFindingsMemo | undefined,
    /** The local steps, or units of them, in recipe order. */
    private readonly steps: readonly LocalUnit[],
    /** The recipe of the skeleton and the units given (`stepSubRecipe`, `commandSubRecipe`). */
    private readonly subRecipe: (keep: ReadonlySet<LocalUnit>) => Recipe,
  ) {
    const { facts, recipe } = context;
    this.slots = new Map(localRules.map((rule, slot) => [rule.meta.code, slot]));
    const usable = previous?.context === key ? previous : undefined;
    const same: (Remembered | undefined)[] = [];
    for (const unit of steps) {
      const remembered = usable?.byLine.get(unit.range.start.line);
      const isSame = remembered !== undefined && sameUnit(remembered, unit, recipe.text) && (unit.head === undefined || same[unit.head] !== undefined);
      same.push(isSame ? remembered : undefined);
    }
    this.same = same;
    this.known = same.map((remembered) => remembered?.findings);
    // A known step's findings are shared with the memo, never written: only changed steps get lists of their own.
    this.next = this.known.map((known) => known ?? []);
    this.nextOutside = usable ? usable.outside.slice() : [];
    let changedLines = 0;
    for (let i = 0; i < this.steps.length; i++) {
      if (this.known[i] === undefined) {
        const { range } = this.steps[i];
        this.changed.push(this.steps[i]);
        changedLines += range.end.line - range.start.line + 1;
      }
    }
    this.whole = this.changed.length === this.steps.length || changedLines * 2 > facts.lineIndex.lineCount;
  }

  /** Runs a step-local rule: on the whole recipe when no step is known, else on the changed steps only. */
  run(rule: Rule, dispatch: boolean, report: (finding: Finding) => void): void {
    const slot = this.slotOf(rule);
    const { whole } = this;
    const found: Finding[] = [];
    try {
      runRule(rule, { ...(whole ? this.context : this.onChangedSteps()), report: (finding) => found.push(finding) }, dispatch);
    } catch (error) {
      this.failed = true;
      throw error;
    }
    if (whole) {
      this.keepAll(slot, found);
      found.forEach(report);
      return;
    }
    this.keepChanged(slot, found);
    (this.nextOutside[slot] ?? NO_FINDINGS).forEach(report);
    for (const findings of this.next) {
      (findings[slot] ?? NO_FINDINGS).forEach(report);
    }
  }

  /** A rule that reports nothing on this recipe (its interests are not met) reports nothing on any of its steps. */
  none(rule: Rule): void {
    const slot = this.slotOf(rule);
    this.nextOutside[slot] = NO_FINDINGS;
    for (let i = 0; i < this.steps.length; i++) {
      if (this.known[i] === undefined) {
        this.next[i][slot] = NO_FINDINGS;
      }
    }
  }

  /** The memo for the next lint of the document; none after a rule threw. */
  memo(): StepFindingsMemo | undefined {
    if (this.failed) {
      return undefined;
    }
    const { text } = this.context.recipe;
    const byLine = new Map<number, Remembered>();
    for (let i = 0; i < this.steps.length; i++) {
      const unit = this.steps[i];
      const same = this.same[i];
      byLine.set(
        unit.range.start.line,
        same ?? { character: unit.range.start.character, kind: unit.kind, text: detachedSlice(text, unit.start, unit.end), findings: this.next[i] },
      );
    }
    return new StepFindingsMemo(this.key, byLine, this.nextOutside);
  }

  private slotOf(rule: Rule): number {
    const slot = this.slots.get(rule.meta.code);
    if (slot === undefined) {
      throw new Error(`${rule.meta.code} is not a step-local rule of this lint`);
    }
    return slot;
  }

  /** A run on the whole recipe: its findings on the changed steps and outside them (a known step's are the same). */
  private keepAll(slot: number, found: readonly Finding[]): void {
    const outside: Finding[] = [];
    for (const finding of found) {
      const index = stepIndexOf(this.steps, finding.range.start);
      if (index < 0) {
        outside.push(finding);
      } else if (this.known[index] === undefined) {
        ((this.next[index][slot] as Finding[] | undefined) ??= []).push(finding);
      }
    }
    this.nextOutside[slot] = outside.length > 0 ? outside : NO_FINDINGS;
    for (let index = 0; index < this.steps.length; index++) {
      if (this.known[index] === undefined) {
        this.next[index][slot] ??= NO_FINDINGS;
      }
    }
  }

  /** A run on the changed steps: its findings on them (the skeleton's are known, and no other step is there). */
  private keepChanged(slot: number, found: readonly Finding[]): void {
    for (let i = 0; i < this.steps.length; i++) {
      if (this.known[i] === undefined) {
        this.next[i][slot] = NO_FINDINGS;
      }
    }
    for (const finding of found) {
      const index = stepIndexOf(this.steps, finding.range.start);
      if (index >= 0 && this.known[index] === undefined) {
        const findings = this.next[index];
        findings[slot] = findings[slot] === NO_FINDINGS ? [finding] : [...(findings[slot] ?? NO_FINDINGS), finding];
      }
    }
  }

  private onChangedSteps(): RuleContext {
    if (this.subContext === undefined) {
      const recipe = this.subRecipe(new Set(this.changed));
      const facts = factsOf(recipe);
      facts.scriptInputs = this.context.facts.scriptInputs;
      this.subContext = { ...this.context, recipe, facts };
    }
    return this.subContext;
  }
}

/**
 * Everything besides a step that a step-local rule's findings may depend on: the format, escape character, settings,
 * which rules run, and the skeleton (FROM or header lines and global ARGs, each with its position).
 */
export function contextKey(recipe: Recipe, lineIndex: LineIndex, settings: unknown, localCodes: readonly string[], dispatch: boolean): string {
  const parts = [recipe.format, recipe.escapeChar, String(dispatch), localCodes.join(','), JSON.stringify(settings)];
  for (const arg of recipe.globalArgs) {
    parts.push(stepKey(arg, lineIndex, recipe.text));
  }
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (isSkeletonStep(step)) {
        parts.push(stepKey(step, lineIndex, recipe.text));
      }
    }
  }
  return parts.join('\u0000');
}

/**
 * `text[start, end)` as a string of its own: V8's slice of a long string keeps the whole string alive, and a unit
 * remembered for many keystrokes would keep the text of the lint that sliced it (flattening a concatenation copies).
 */
function detachedSlice(text: string, start: number, end: number): string {
  return `${text.slice(start, end)} `.slice(0, -1);
}

/** The remembered unit is `unit`: the same start character (on the same line), kind and text. */
function sameUnit(remembered: Remembered, unit: LocalUnit, text: string): boolean {
  return (
    remembered.character === unit.range.start.character &&
    remembered.kind === unit.kind &&
    remembered.text.length === unit.end - unit.start &&
    text.slice(unit.start, unit.end) === remembered.text
  );
}

function stepKey(step: Step, lineIndex: LineIndex, text: string): string {
  const { start, end } = step.range;
  return `${start.line}:${start.character}:${text.slice(lineIndex.offsetAt(start), lineIndex.offsetAt(end))}`;
}

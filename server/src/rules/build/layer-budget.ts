// HPC-BUILD-001: too many layer-creating instructions in the image that ships.
import { defineRule, type Fix, type TextEdit } from '../../engine/rule';
import { fixOf, replace } from '../../engine/fixBuilder';
import { factsOf } from '../../recipe/facts';
import type { Range, Recipe, RunStep, Stage, Step } from '../../recipe/model';
import { finalStageChainInOrder, offsetOf, rangeOf } from '../util/source';
import docs from './layer-budget.md';

export const WARN_LAYERS = 100;
/** Docker's layer store chains at most 125 layers, the base image's included (moby layer/layer_store.go maxLayerDepth). */
export const MAX_LAYERS = 125;

/** Builtins whose effect (cwd, variables, options, exit) would leak into commands merged after them. */
const STATE_CHANGING = new Set([
  'cd', 'pushd', 'popd', 'export', 'source', '.', 'set', 'shopt', 'umask', 'exit', 'exec', 'alias', 'unset', 'trap',
  'ulimit', 'declare', 'typeset', 'readonly', 'local', 'eval', 'hash', 'function', 'return', 'break', 'continue',
]);

function isLayerStep(step: Step): boolean {
  return step.kind === 'run' || (step.kind === 'copy' && /^(copy|add)$/i.test(step.keyword));
}

/** A RUN that can be joined to its neighbours with `&&` without changing what runs. */
function isMergeable(step: Step): step is RunStep {
  if (step.kind !== 'run' || step.keyword.toUpperCase() !== 'RUN' || step.flags.length > 0) {
    return false;
  }
  const { script } = step;
  const body = script.text.trim();
  return (
    body.length > 0 &&
    !body.startsWith('[') &&
    script.heredocs.length === 0 &&
    script.comments.length === 0 &&
    !/(;|&|\||\\|`)\s*$/.test(body)
  );
}

function changesState(step: RunStep): boolean {
  return step.script.commands.some(
    (command) => command.depth === 0 && (STATE_CHANGING.has(command.name) || (command.words.length === 0 && command.assignments.length > 0) || /\(\)$/.test(command.words[0]?.value ?? '')),
  );
}

function isShellInstruction(step: Step): boolean {
  return step.keyword.toUpperCase() === 'SHELL';
}

/** How a step takes part in merging: not at all, or as a RUN that may join the next one or ends its group. */
type Merging = 'no' | 'joins' | 'ends';

function mergingOf(step: Step): Merging {
  return !isMergeable(step) ? 'no' : changesState(step) ? 'ends' : 'joins';
}

/** Kept per step in a lint with a memo: it depends on the step's own fields alone. */
const mergingByStep = new WeakMap<Step, Merging>();

function keptMergingOf(step: Step): Merging {
  let merging = mergingByStep.get(step);
  if (merging === undefined) {
    merging = mergingOf(step);
    mergingByStep.set(step, merging);
  }
  return merging;
}

/** Keeps `current` in `groups` when it merges several RUNs; returns the next, empty group. */
function closeGroup(groups: RunStep[][], current: RunStep[]): RunStep[] {
  if (current.length > 1) {
    groups.push(current);
  }
  return [];
}

/** Groups of adjacent mergeable RUNs (no comment or other instruction between; a state-changing RUN ends its group). */
export function mergeGroups(stage: Stage, commentLines: ReadonlySet<number>, merging: (step: Step) => Merging = mergingOf): RunStep[][] {
  if (stage.steps.some(isShellInstruction)) {
    return []; // a custom shell may not understand `&&`
  }
  const groups: RunStep[][] = [];
  let current: RunStep[] = [];
  let previousEnds = false;
  for (const step of stage.steps) {
    const merges = merging(step);
    if (merges === 'no') {
      current = closeGroup(groups, current);
      continue;
    }
    const previous = current[current.length - 1];
    if (previous) {
      let separated = false;
      for (let line = previous.range.end.line + 1; line < step.range.start.line; line++) {
        separated ||= commentLines.has(line);
      }
      if (separated || previousEnds) {
        current = closeGroup(groups, current);
      }
    }
    current.push(step as RunStep);
    previousEnds = merges === 'ends';
  }
  closeGroup(groups, current);
  return groups;
}

/** What joining `step` to the RUN before it replaces: from the end of that one's script to the start of this one's. */
function joinRange(recipe: Recipe, previous: RunStep, step: RunStep): Range {
  return rangeOf(recipe, offsetOf(recipe, previous.script.range.end), offsetOf(recipe, step.script.range.start));
}

/**
 * Kept per step in a lint with a memo, with the RUN before it: the range depends on the two steps' positions and on
 * their lines, which steps the parse memo reused keep.
 */
const joinsByStep = new WeakMap<RunStep, { previous: RunStep; range: Range }>();

function keptJoinRange(recipe: Recipe, previous: RunStep, step: RunStep): Range {
  const kept = joinsByStep.get(step);
  if (kept !== undefined && kept.previous === previous) {
    return kept.range;
  }
  const range = joinRange(recipe, previous, step);
  joinsByStep.set(step, { previous, range });
  return range;
}

function mergeEdits(recipe: Recipe, group: RunStep[], keep: boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  for (let i = 1; i < group.length; i++) {
    const range = keep ? keptJoinRange(recipe, group[i - 1], group[i]) : joinRange(recipe, group[i - 1], group[i]);
    edits.push(replace(range, ` && ${recipe.escapeChar}\n    `));
  }
  return edits;
}

export default defineRule({
  meta: {
    code: 'HPC-BUILD-001',
    name: 'layer-budget',
    category: 'build',
    severity: 'warning',
    formats: ['dockerfile'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChainInOrder(recipe);
    const layers = chain.flatMap((stage) => stage.steps.filter(isLayerStep));
    if (layers.length < WARN_LAYERS) {
      return;
    }
    // A base image brings at least one layer of its own; `FROM scratch` brings none.
    const scratch = chain[0]?.base.raw.trim().toLowerCase() === 'scratch';
    const errorAt = scratch ? MAX_LAYERS + 1 : MAX_LAYERS;
    const failing = layers.length >= errorAt;
    const limit = failing ? errorAt : WARN_LAYERS;
    const step = layers[limit - 1];
    const commentLines = new Set(recipe.comments.map((comment) => comment.range.start.line));
    const keep = factsOf(recipe).stepsReused;
    const groups = chain.flatMap((stage) => mergeGroups(stage, commentLines, keep ? keptMergingOf : mergingOf));
    const saved = groups.reduce((sum, group) => sum + group.length - 1, 0);
    const fixes: Fix[] =
      saved > 0
        ? [fixOf(`Merge adjacent RUN instructions (${groups.length} group${groups.length === 1 ? '' : 's'}, ${saved} fewer layers)`, 'safe', groups.flatMap((group) => mergeEdits(recipe, group, keep)))]
        : [];
    const stageNote = chain.length > 1 ? ` across the final stage and the ${chain.length - 1} stage${chain.length === 2 ? '' : 's'} it builds on` : ' in the final stage';
    const base = scratch ? '' : ' with the base image\'s own layer(s)';
    context.report({
      range: step.keywordRange,
      severity: failing ? 'error' : 'warning',
      message: failing
        ? `This is layer-creating instruction ${limit} of ${layers.length}${stageNote}:${base} the image has more than ${MAX_LAYERS} layers, which container engines refuse (Docker: "max depth exceeded"). Merge RUN steps.`
        : `This is layer-creating instruction ${limit} of ${layers.length}${stageNote}: the image is close to the ${MAX_LAYERS}-layer limit of container engines, and the base image adds its own layers. Merge RUN steps.`,
      fixes,
    });
  },
});

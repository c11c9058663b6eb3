// What ends up in one image layer: the unit image-weight rules reason about. In a Dockerfile each RUN is a layer,
// so a file deleted by a later RUN still ships; Apptainer squashes a stage into one image, so its `%post` and
// `%appinstall` sections count as one unit (`%setup` runs on the build host and writes nothing of its own).
import type { Recipe, RunStep, ShellCommand, Stage, Step } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { finalStageChainInOrder } from './source';

export interface LayerCommand {
  command: ShellCommand;
  step: RunStep;
}

export interface Layer {
  stage: Stage;
  /** The RUN, or a definition-file stage's `%post`/`%appinstall` sections in file order. */
  steps: RunStep[];
  /** Every command of those steps in order (commands inside `sh -c` strings included, as the model lists them). Shared: never mutate. */
  readonly commands: readonly LayerCommand[];
}

/** A RUN, or a section that builds the image (`%setup` runs on the host). */
function isBuildRun(step: Step): step is RunStep {
  return step.kind === 'run' && !/^%setup$/i.test(step.keyword);
}

/** Kept per step in a lint with a memo (a step the parse memo reused keeps its script): shared, never mutate. */
const commandsByStep = new WeakMap<RunStep, LayerCommand[]>();

function layerCommands(step: RunStep, keep: boolean): LayerCommand[] {
  let commands = keep ? commandsByStep.get(step) : undefined;
  if (commands === undefined) {
    commands = step.script.commands.map((command) => ({ command, step }));
    if (keep) {
      commandsByStep.set(step, commands);
    }
  }
  return commands;
}

const ANY_STEP = (): boolean => true;

/**
 * The layers of the stages that ship (the final stage and those it builds on), in recipe order; only those with a
 * step `wanted` accepts (a rule's cheap test of whether a layer can concern it).
 */
export function shippedLayers(recipe: Recipe, wanted: (step: RunStep) => boolean = ANY_STEP): Layer[] {
  const layers: Layer[] = [];
  const keep = factsOf(recipe).stepsReused;
  for (const stage of finalStageChainInOrder(recipe)) {
    if (recipe.format === 'apptainer') {
      const runs = stage.steps.filter(isBuildRun);
      if (runs.some(wanted)) {
        layers.push({ stage, steps: runs, commands: runs.flatMap((step) => layerCommands(step, false)) });
      }
      continue;
    }
    for (const step of stage.steps) {
      if (isBuildRun(step) && wanted(step)) {
        layers.push({ stage, steps: [step], commands: layerCommands(step, keep) });
      }
    }
  }
  return layers;
}

/**
 * A fact of a layer that depends on nothing but its commands (and their steps' own fields), kept with the step of a
 * Dockerfile's layer in a lint with a memo (RecipeFacts `stepsReused`: a step the parse memo reused keeps its script);
 * computed otherwise (the CLI; a definition file's stage, whose sections are new objects on every lint).
 */
export class LayerTable<T> {
  private readonly table = new WeakMap<RunStep, T>();

  constructor(private readonly compute: (layer: Layer) => T) {}

  /** How the recipe's lint gets the fact of a layer: from the table when its steps are reused, else computed. */
  reader(recipe: Recipe): (layer: Layer) => T {
    if (!factsOf(recipe).stepsReused) {
      return this.compute;
    }
    return (layer) => {
      if (layer.steps.length !== 1) {
        return this.compute(layer);
      }
      let fact = this.table.get(layer.steps[0]);
      if (fact === undefined) {
        fact = this.compute(layer);
        this.table.set(layer.steps[0], fact);
      }
      return fact;
    };
  }
}

/** True when a `RUN --mount` (cache, tmpfs or bind) on `path` or a directory above it keeps it out of the layer. */
export function mountedOver(step: RunStep, path: string): boolean {
  return step.flags.some((flag) => {
    if (flag.name !== 'mount') {
      return false;
    }
    const target = /(?:^|,)(?:target|dst|destination)=([^,]+)/.exec(flag.value?.value ?? '')?.[1]?.replace(/\/+$/, '');
    return target !== undefined && target !== '' && (path === target || path.startsWith(target + '/'));
  });
}

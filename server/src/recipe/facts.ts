// RecipeFacts: what is derived from one parsed recipe and needed by more than one rule or helper, computed
// lazily (on first use) and once per recipe. This file is its one owner: a new shared fact goes here, as a
// documented member, not into a cache next to the helper that first needed it. The recipe model is never
// written to, and every answer is read only (callers copy before they change anything).
//
// Facts are looked up by recipe (`factsOf`), so helpers that receive only the recipe reach them too; the
// engine creates them with the recipe and hands them to rules as `context.facts`.
import type { Recipe, ShellScript, Stage, Step } from './model';

/** A shell script of the recipe with the step and stage it belongs to. */
export interface ScriptRef {
  script: ShellScript;
  step: Step;
  stage: Stage;
}

export class RecipeFacts {
  private scriptRefs?: readonly ScriptRef[];
  private scriptsByStage?: Map<Stage, ScriptRef[]>;
  private stageIndexes?: Map<string, number>;
  private chain?: readonly Stage[];
  private chainMembers?: ReadonlySet<Stage>;
  private exactNames?: Map<string, Stage>;
  private referenceCycle?: boolean;
  /** Per stage and variable name: the last definition in the stages it builds on (see `resolveVariable`); null = none. */
  readonly inheritedDefinitions = new Map<Stage, Map<string, { value?: string } | null>>();

  constructor(readonly recipe: Recipe) {}

  /** Every shell script of RUN/`%post`…, ENTRYPOINT/CMD/`%runscript`…, HEALTHCHECK/`%test` and `%environment` steps, in order. */
  get scripts(): readonly ScriptRef[] {
    if (this.scriptRefs === undefined) {
      const refs: ScriptRef[] = [];
      for (const stage of this.recipe.stages) {
        for (const step of stage.steps) {
          const script = scriptOf(step);
          if (script) {
            refs.push({ script, step, stage });
          }
        }
      }
      this.scriptRefs = refs;
    }
    return this.scriptRefs;
  }

  /** The `scripts` of one stage. */
  scriptsOf(stage: Stage): readonly ScriptRef[] {
    if (this.scriptsByStage === undefined) {
      this.scriptsByStage = new Map();
      for (const ref of this.scripts) {
        const list = this.scriptsByStage.get(ref.stage);
        if (list) {
          list.push(ref);
        } else {
          this.scriptsByStage.set(ref.stage, [ref]);
        }
      }
    }
    return this.scriptsByStage.get(stage) ?? [];
  }

  /** Index of the first stage with each name, lower case (Docker compares stage names case-insensitively). */
  get firstStageByName(): ReadonlyMap<string, number> {
    if (this.stageIndexes === undefined) {
      this.stageIndexes = new Map();
      for (const stage of this.recipe.stages) {
        const name = stage.name?.value.toLowerCase();
        if (name !== undefined && !this.stageIndexes.has(name)) {
          this.stageIndexes.set(name, stage.index);
        }
      }
    }
    return this.stageIndexes;
  }

  /** The stage a name (any case) refers to from `before`: the first stage of that name, if it comes earlier. */
  earlierStageNamed(name: string, before: Stage): Stage | undefined {
    const index = this.firstStageByName.get(name.toLowerCase());
    return index !== undefined && index < before.index ? this.recipe.stages[index] : undefined;
  }

  /** The last stage and every stage it inherits from through `FROM <stage>`, final first. */
  get finalStageChain(): readonly Stage[] {
    if (this.chain === undefined) {
      const chain: Stage[] = [];
      const members = new Set<Stage>();
      let stage: Stage | undefined = this.recipe.stages[this.recipe.stages.length - 1];
      while (stage && !members.has(stage)) {
        chain.push(stage);
        members.add(stage);
        const ref: string | undefined = stage.base.stageRef;
        stage = ref === undefined ? undefined : this.earlierStageNamed(ref, stage);
      }
      this.chain = chain;
      this.chainMembers = members;
    }
    return this.chain;
  }

  /** The first stage named exactly `name`. */
  stageNamedExactly(name: string): Stage | undefined {
    if (this.exactNames === undefined) {
      this.exactNames = new Map();
      for (const stage of this.recipe.stages) {
        const stageName = stage.name?.value;
        if (stageName !== undefined && !this.exactNames.has(stageName)) {
          this.exactNames.set(stageName, stage);
        }
      }
    }
    return this.exactNames.get(name);
  }

  /** The stage `FROM <stage>` builds on, by exact name (variable lookups follow this). */
  parentStage(stage: Stage): Stage | undefined {
    const ref = stage.base.stageRef;
    return ref === undefined ? undefined : this.stageNamedExactly(ref);
  }

  /** True when following `parentStage` from some stage comes back to a stage it passed (only odd stage names do that). */
  get stageReferencesCycle(): boolean {
    if (this.referenceCycle === undefined) {
      const state = new Map<Stage, 'walking' | 'done'>();
      this.referenceCycle = false;
      for (const start of this.recipe.stages) {
        const path: Stage[] = [];
        let stage: Stage | undefined = start;
        while (stage !== undefined && state.get(stage) === undefined) {
          state.set(stage, 'walking');
          path.push(stage);
          stage = this.parentStage(stage);
        }
        if (stage !== undefined && state.get(stage) === 'walking') {
          this.referenceCycle = true;
        }
        for (const visited of path) {
          state.set(visited, 'done');
        }
      }
    }
    return this.referenceCycle;
  }

  /** True for the stages of `finalStageChain` (what ends up in the image). */
  isShipped(stage: Stage): boolean {
    if (this.chainMembers === undefined) {
      void this.finalStageChain;
    }
    return this.chainMembers?.has(stage) === true;
  }
}

/** The shell script a step runs, if any. */
export function scriptOf(step: Step): ShellScript | undefined {
  switch (step.kind) {
    case 'run':
    case 'entrypoint':
      return step.script;
    case 'test':
    case 'env':
      return step.script;
    default:
      return undefined;
  }
}

const factsByRecipe = new WeakMap<Recipe, RecipeFacts>();

/** The facts of a recipe (created on first use; a recipe is immutable once parsed). */
export function factsOf(recipe: Recipe): RecipeFacts {
  let facts = factsByRecipe.get(recipe);
  if (facts === undefined) {
    facts = new RecipeFacts(recipe);
    factsByRecipe.set(recipe, facts);
  }
  return facts;
}

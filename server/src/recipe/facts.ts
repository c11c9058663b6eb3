// RecipeFacts: what is derived from one parsed recipe and needed by more than one rule or helper, computed
// lazily (on first use) and once per recipe. This file is its one owner: a new shared fact goes here, as a
// documented member, not into a cache next to the helper that first needed it. The recipe model is never
// written to, and every answer is read only (callers copy before they change anything).
//
// Facts are looked up by recipe (`factsOf`), so helpers that receive only the recipe reach them too; the
// engine creates them with the recipe and hands them to rules as `context.facts`.
import { copiedScriptsOf, type CopiedScript, type ScriptInputs, type ScriptReader } from './copied-scripts';
import { keywordHaystack, trigramsOf } from './keywords';
import { SteppedHaystack } from './keyword-steps';
import { EMPTY_LIST, type Recipe, type ShellCommand, type ShellScript, type Stage, type Step, type StepKind, type Word } from './model';
import { commandMayInstallPackages, packagesOf, type InstalledPackage } from './packages';
import { splitShell } from './shell';
import { LineIndex } from './text';
import { groupBy } from './collections';
// Type only: the model does not import knowledge/ at run time (rules/util/eol-bases.ts computes the fact).
import type { BaseHit } from '../knowledge/eol';

/** A shell script of the recipe with the step and stage it belongs to. */
export interface ScriptRef {
  script: ShellScript;
  step: Step;
  stage: Stage;
}

/** A step with its stage and its position among all steps of all stages (recipe order). */
export interface StepRef {
  readonly step: Step;
  readonly stage: Stage;
  readonly order: number;
}

export class RecipeFacts {
  private lines?: LineIndex;
  private heredocLines?: ReadonlySet<number>;
  private scriptRefs?: readonly ScriptRef[];
  private commandList?: readonly ShellCommand[];
  private commandScripts?: readonly ScriptRef[];
  private commandsByName?: Map<string, number[]>;
  private stepsByKind?: Map<StepKind, Step[]>;
  private stepRefsByKind?: Map<StepKind, StepRef[]>;
  private globalArgValues?: Map<string, string>;
  private stageVariableNames?: ReadonlySet<string>;
  private readonly shellCScripts = new Map<readonly Word[], ShellScript | null>();
  private readonly shellCInLists = new WeakMap<readonly ShellCommand[], boolean>();
  private haystack?: string;
  private haystackTrigrams?: Uint32Array;
  /** Per keyword list (a module constant): whether the haystack mentions one of them (recipe/keywords.ts `mentions`). */
  readonly keywordAnswers = new Map<readonly string[], boolean>();
  private scriptsByStage?: Map<Stage, ScriptRef[]>;
  private scriptsByStep?: Map<Step, ScriptRef[]>;
  private stageIndexes?: Map<string, number>;
  private chain?: readonly Stage[];
  private chainInOrder?: readonly Stage[];
  /** Per stage (by `index`): whether it is in `finalStageChain`. */
  private chainMembers?: Uint8Array;
  private exactNames?: Map<string, Stage>;
  private referenceCycle?: boolean;
  /** Per stage (by `index`): the stage `earlierStageNamed` finds for its `FROM <stage>`, or undefined. */
  private parents?: (Stage | undefined)[];
  /** Per stage (by `index`): `baseStage`. */
  private bases?: Stage[];
  private stagesByBase?: Map<Stage, Stage[]>;
  /** Build-context files the engine was given for the copied scripts the recipe runs, or their reader (undefined: no build context). */
  scriptInputs?: ScriptInputs | ScriptReader;
  private copied?: readonly CopiedScript[];
  /** Per stage and variable name: the last definition in the stages it builds on (see `resolveVariable`); null = none. */
  readonly inheritedDefinitions = new Map<Stage, Map<string, { value?: string } | null>>();
  /**
   * The releases the stages' bases name, located in the text: rules/util/eol-bases.ts `baseHits` fills it on first use
   * (HPC-EOL-001/002/003 and HPC-PORT-007 ask up to five times per recipe). Read only.
   */
  baseHits?: readonly BaseHit[];

  constructor(readonly recipe: Recipe) {}

  /** Lower-case recipe text and every model string that differs from it (`sh -c` scripts included): keyword prefilters (recipe/keywords.ts). */
  get keywordHaystack(): string {
    this.haystack ??= keywordHaystack(this.recipe, (words) => this.shellCScript(words), this.lineIndex);
    return this.haystack;
  }

  /**
   * Set by the engine for a lint with a memo (a Dockerfile being edited: its unchanged steps are the previous parse's
   * objects). Facts are then kept per step or script for the next lint (recipe/keyword-steps.ts, rules/util/mpi.ts…);
   * a lint without one (the CLI) computes them without the tables.
   */
  stepsReused = false;
  /**
   * Set by the engine for a lint of a definition file with a memo: its steps are new objects, but the unchanged commands
   * of their scripts are the previous parse's (recipe/definition-memo.ts), and facts are kept per command.
   */
  commandsReused = false;

  /** Whether facts of one command are kept with the command object for the next lint (recipe/command-table.ts). */
  get commandsKept(): boolean {
    return this.stepsReused || this.commandsReused;
  }
  private stepped?: SteppedHaystack;

  /**
   * The haystack split at the steps when `stepsReused`, at the commands of scripts when `commandsReused` (`mentions`
   * answers without building `keywordHaystack`); else undefined.
   */
  get steppedHaystack(): SteppedHaystack | undefined {
    if (this.stepsReused || this.commandsReused) {
      this.stepped ??= new SteppedHaystack(this.recipe, (words) => this.shellCScript(words), this.lineIndex, this.commandsReused);
    }
    return this.stepped;
  }

  /** Which trigrams occur in `keywordHaystack` (hashed; recipe/keywords.ts `trigramsOf`): `mentions` searches only for keywords whose trigrams all do. */
  get keywordTrigrams(): Uint32Array {
    this.haystackTrigrams ??= trigramsOf(this.keywordHaystack);
    return this.haystackTrigrams;
  }

  /** Files copied in from the build context and run, with their texts where `scriptInputs` has them. */
  get copiedScripts(): readonly CopiedScript[] {
    this.copied ??= copiedScriptsOf(this.recipe, this.scriptInputs);
    return this.copied;
  }

  /** Line/offset conversions for the recipe text: the front end's own index (`adoptLineIndex`), or one built on first use. */
  get lineIndex(): LineIndex {
    this.lines ??= new LineIndex(this.recipe.text);
    return this.lines;
  }

  /** Called by a front end with the index it parsed the recipe's text with, so that the text is not indexed twice. */
  adoptLineIndex(index: LineIndex): void {
    if (index.text === this.recipe.text) {
      this.lines ??= index;
    }
  }

  /** Called by the Dockerfile front end with the stage names it indexed while parsing (`firstStageByName`, the same table). */
  adoptFirstStageByName(names: Map<string, number>): void {
    this.stageIndexes ??= names;
  }

  /** Zero-based lines inside BuildKit heredoc bodies (terminators included), read from the text the way BuildKit reads it. */
  get heredocBodyLines(): ReadonlySet<number> {
    this.heredocLines ??= heredocBodyLines(this.recipe.text);
    return this.heredocLines;
  }

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
    this.scriptsByStage ??= groupBy(this.scripts, (ref) => ref.stage);
    return this.scriptsByStage.get(stage) ?? [];
  }

  /** The `scripts` of one step. */
  scriptsOfStep(step: Step): readonly ScriptRef[] {
    this.scriptsByStep ??= groupBy(this.scripts, (ref) => ref.step);
    return this.scriptsByStep.get(step) ?? [];
  }

  /** Every command of every script, in script order (the commands of `sh -c` strings are not among them). */
  get commands(): readonly ShellCommand[] {
    if (this.commandList === undefined) {
      const commands: ShellCommand[] = [];
      const scripts: ScriptRef[] = [];
      for (const ref of this.scripts) {
        for (const command of ref.script.commands) {
          commands.push(command);
          scripts.push(ref);
        }
      }
      this.commandList = commands;
      this.commandScripts = scripts;
    }
    return this.commandList;
  }

  /** The script (with its step and stage) of the command at `position` in `commands`. */
  scriptOfCommand(position: number): ScriptRef {
    void this.commands;
    return (this.commandScripts as readonly ScriptRef[])[position];
  }

  /** Positions in `commands` of the commands with each effective name (see `effectiveName`). */
  commandPositionsNamed(name: string): readonly number[] | undefined {
    if (this.commandsByName === undefined) {
      this.commandsByName = new Map();
      const commands = this.commands;
      for (let i = 0; i < commands.length; i++) {
        const commandName = effectiveName(commands[i]);
        const positions = this.commandsByName.get(commandName);
        if (positions) {
          positions.push(i);
        } else {
          this.commandsByName.set(commandName, [i]);
        }
      }
    }
    return this.commandsByName.get(name);
  }

  /** The steps of one kind over all stages, in order. */
  stepsOfKind(kind: StepKind): readonly Step[] {
    if (this.stepsByKind === undefined) {
      this.stepsByKind = new Map();
      for (const [stepKind, refs] of this.stepRefsByKindMap()) {
        this.stepsByKind.set(stepKind, refs.map((ref) => ref.step));
      }
    }
    return this.stepsByKind.get(kind) ?? [];
  }

  /** The steps of one kind over all stages with their stages, in order. */
  stepRefsOfKind(kind: StepKind): readonly StepRef[] {
    return this.stepRefsByKindMap().get(kind) ?? [];
  }

  private stepRefsByKindMap(): Map<StepKind, StepRef[]> {
    if (this.stepRefsByKind === undefined) {
      this.stepRefsByKind = new Map();
      let order = 0;
      for (const stage of this.recipe.stages) {
        for (const step of stage.steps) {
          const ref = { step, stage, order: order++ };
          const list = this.stepRefsByKind.get(step.kind);
          if (list) {
            list.push(ref);
          } else {
            this.stepRefsByKind.set(step.kind, [ref]);
          }
        }
      }
    }
    return this.stepRefsByKind;
  }

  /** Whether an ENV or ARG step of any stage defines `name` (when none does, only the global ARGs can give it a value). */
  stagesDefine(name: string): boolean {
    if (this.stageVariableNames === undefined) {
      const names = new Set<string>();
      for (const stage of this.recipe.stages) {
        for (const step of stage.steps) {
          if (step.kind === 'env' || step.kind === 'arg') {
            for (const pair of step.pairs) {
              names.add(pair.key.value);
            }
          }
        }
      }
      this.stageVariableNames = names;
    }
    return this.stageVariableNames.has(name);
  }

  /** Default values of the global (before the first FROM) ARGs; the last one wins. */
  globalArg(name: string): string | undefined {
    if (this.globalArgValues === undefined) {
      this.globalArgValues = new Map();
      for (const step of this.recipe.globalArgs) {
        for (const pair of step.pairs) {
          if (pair.value) {
            this.globalArgValues.set(pair.key.value, pair.value.value);
          }
        }
      }
    }
    return this.globalArgValues.get(name);
  }

  /**
   * The script string of `sh -c "…"` / `["bash", "-c", "…"]` split into commands (exact ranges when the
   * string is written plainly or in one pair of quotes); undefined when `words` is not such a call.
   */
  shellCScript(words: readonly Word[]): ShellScript | undefined {
    // Most commands name no shell: answered without a table entry (72,000 of them were a Map of nulls).
    if (!words.some(mayNameShell)) {
      return undefined;
    }
    let script = this.shellCScripts.get(words);
    if (script === undefined) {
      script = splitShellCScript(this.recipe, this.lineIndex, words) ?? null;
      this.shellCScripts.set(words, script);
    }
    return script ?? undefined;
  }

  /**
   * Whether one of `commands` (a script's list) is an `sh -c "…"` call whose string has commands; kept per list of
   * several commands (a list of one is answered at once: a table of 40,000 of them cost more than it saved).
   */
  hasShellCScripts(commands: readonly ShellCommand[]): boolean {
    if (commands.length === 1) {
      return this.runsShellC(commands[0]);
    }
    const lists = this.stepsReused ? shellCInKeptLists : this.shellCInLists;
    let answer = lists.get(commands);
    if (answer === undefined) {
      answer = commands.some(this.runsShellC, this);
      lists.set(commands, answer);
    }
    return answer;
  }

  private runsShellC(command: ShellCommand): boolean {
    return (this.shellCScript(command.words)?.commands.length ?? 0) > 0;
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

  /**
   * True when `stage` is the recipe's stage at its `index` (a stage of another model, a copied script's, is not): the
   * facts of every stage are kept in arrays by index (tables keyed by 40,000 stages cost ~25-50 ms each to fill).
   */
  private isOwnStage(stage: Stage): boolean {
    return this.recipe.stages[stage.index] === stage;
  }

  /** `earlierStageNamed(stage.base.stageRef, stage)` for the recipe's own stages, found once for all of them. */
  private parentOf(stage: Stage): Stage | undefined {
    if (!this.isOwnStage(stage)) {
      const ref = stage.base.stageRef;
      return ref === undefined ? undefined : this.earlierStageNamed(ref, stage);
    }
    if (this.parents === undefined) {
      const stages = this.recipe.stages;
      const parents = new Array<Stage | undefined>(stages.length);
      for (let i = 0; i < stages.length; i++) {
        const ref = stages[i].base.stageRef;
        parents[i] = ref === undefined ? undefined : this.earlierStageNamed(ref, stages[i]);
      }
      this.parents = parents;
    }
    return this.parents[stage.index];
  }

  /** The last stage and every stage it inherits from through `FROM <stage>`, final first. */
  get finalStageChain(): readonly Stage[] {
    if (this.chain === undefined) {
      const chain: Stage[] = [];
      const members = new Uint8Array(this.recipe.stages.length);
      let stage: Stage | undefined = this.recipe.stages[this.recipe.stages.length - 1];
      // A parent is an earlier stage of the recipe: the walk ends.
      while (stage && members[stage.index] === 0) {
        chain.push(stage);
        members[stage.index] = 1;
        stage = this.parentOf(stage);
      }
      this.chain = chain;
      this.chainMembers = members;
    }
    return this.chain;
  }

  /** `finalStageChain` in recipe order: the stage the chain starts from first, the last stage last. */
  get finalStageChainInOrder(): readonly Stage[] {
    if (this.chainInOrder === undefined) {
      this.chainInOrder = [...this.finalStageChain].reverse();
    }
    return this.chainInOrder;
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

  /**
   * The stage whose base image `stage` is built on: itself, or the first stage of its `FROM <stage>` chain (each name
   * refers to the first stage so named, any case, if that comes earlier). Found for every stage in one pass.
   */
  baseStage(stage: Stage): Stage {
    if (!this.isOwnStage(stage)) {
      return stage;
    }
    if (this.bases === undefined) {
      const stages = this.recipe.stages;
      const bases = new Array<Stage>(stages.length);
      for (let i = 0; i < stages.length; i++) {
        const earlier = this.parentOf(stages[i]);
        bases[i] = earlier === undefined ? stages[i] : bases[earlier.index];
      }
      this.bases = bases;
    }
    return this.bases[stage.index];
  }

  /** The stages built on `base`'s base image (those whose `baseStage` it is), in recipe order. */
  stagesOnBase(base: Stage): readonly Stage[] {
    if (this.stagesByBase === undefined) {
      this.stagesByBase = new Map();
      for (const stage of this.recipe.stages) {
        const key = this.baseStage(stage);
        const list = this.stagesByBase.get(key);
        if (list) {
          list.push(stage);
        } else {
          this.stagesByBase.set(key, [stage]);
        }
      }
    }
    return this.stagesByBase.get(base) ?? [];
  }

  /** True for the stages of `finalStageChain` (what ends up in the image). */
  isShipped(stage: Stage): boolean {
    if (this.chainMembers === undefined) {
      void this.finalStageChain;
    }
    return this.isOwnStage(stage) && this.chainMembers?.[stage.index] === 1;
  }
}

// ---------------------------------------------------------------- facts of one stage (reached from the stage alone)

/** What the ENV/ARG definitions of a stage up to and including one step say about a name. */
export interface Definition {
  /** Index of the defining step in `stage.steps`. */
  step: number;
  /** The fold of every definition of the name up to here: `{}` = declared without a value. */
  result: { value?: string };
}

export interface StageDefinitions {
  byName: Map<string, Definition[]>;
  /** Start line of each step; `sorted` when non-decreasing (binary search), else scanned. */
  startLines: number[];
  sorted: boolean;
}

interface StageFacts {
  stepsByKind?: Map<StepKind, Step[]>;
  definitions?: StageDefinitions;
}

const factsByStage = new WeakMap<Stage, StageFacts>();

function stageFacts(stage: Stage): StageFacts {
  let facts = factsByStage.get(stage);
  if (facts === undefined) {
    facts = {};
    factsByStage.set(stage, facts);
  }
  return facts;
}

/** The steps of one kind in a stage, in order. */
export function stageStepsOfKind(stage: Stage, kind: StepKind): readonly Step[] {
  const facts = stageFacts(stage);
  facts.stepsByKind ??= groupBy(stage.steps, (step) => step.kind);
  return facts.stepsByKind.get(kind) ?? [];
}

/** Every ENV/ARG definition of the stage by name, folded in step order. */
export function stageDefinitions(stage: Stage): StageDefinitions {
  const facts = stageFacts(stage);
  if (facts.definitions !== undefined) {
    return facts.definitions;
  }
  const byName = new Map<string, Definition[]>();
  const startLines: number[] = [];
  let sorted = true;
  stage.steps.forEach((step, index) => {
    const line = step.range.start.line;
    if (index > 0 && line < startLines[index - 1]) {
      sorted = false;
    }
    startLines.push(line);
    if (step.kind !== 'env' && step.kind !== 'arg') {
      return;
    }
    for (const pair of step.pairs) {
      const name = pair.key.value;
      let definitions = byName.get(name);
      if (definitions === undefined) {
        definitions = [];
        byName.set(name, definitions);
      }
      const previous = definitions.length > 0 ? definitions[definitions.length - 1].result : undefined;
      // `ARG NAME` without a default keeps an earlier/global value.
      const result = pair.value === undefined && step.kind === 'arg' ? (previous ?? {}) : { value: pair.value?.value ?? '' };
      definitions.push({ step: index, result });
    }
  });
  facts.definitions = { byName, startLines, sorted };
  return facts.definitions;
}

// ---------------------------------------------------------------- facts of one command (reached from the command alone)

interface CommandFacts {
  /** `effectiveWords`, shared: never mutate. */
  words: Word[];
  name: string;
  pip?: boolean;
  /** `installedPackages`, shared: never mutate. */
  packages?: readonly InstalledPackage[];
}

const factsByCommand = new WeakMap<ShellCommand, CommandFacts>();
/** The last command asked about: rules ask about one command several times in a row (half of all lookups). */
let lastCommand: ShellCommand | undefined;
let lastFacts: CommandFacts | undefined;

function commandFacts(command: ShellCommand): CommandFacts {
  if (command === lastCommand && lastFacts !== undefined) {
    return lastFacts;
  }
  let facts = factsByCommand.get(command);
  if (facts === undefined) {
    const words = runsWrapper(command) ? command.words.slice(effectiveStart(command.words)) : (command.words as Word[]);
    facts = { words, name: words.length > 0 ? basename(words[0].value) : '' };
    factsByCommand.set(command, facts);
  }
  lastCommand = command;
  lastFacts = facts;
  return facts;
}

/**
 * The words of the command actually run: skips wrappers (`sudo`, `env`, `exec`, `command`, `nohup`,
 * `time`, `nice`, `timeout`, `xargs`), their options and `env`'s `NAME=value` words, repeatedly.
 * `sudo -u app env A=1 pip install x` → `pip install x`. `command -v x` is returned unchanged.
 * The array is shared by every caller: never mutate it (copy first).
 */
export function effectiveWords(command: ShellCommand): Word[] {
  // Shared like the table's arrays: the contract above (never mutate) is what keeps both read only.
  return runsWrapper(command) ? commandFacts(command).words : (command.words as Word[]);
}

/** Basename of the first effective word, '' when none. */
export function effectiveName(command: ShellCommand): string {
  return runsWrapper(command) ? commandFacts(command).name : command.name;
}

/**
 * Only a command whose first word is a wrapper has other effective words than its own (`command.name` is the
 * first word's basename): most commands are answered without a lookup, which costs a fifth of a lint of a
 * long recipe (the facts table of 100,000 commands is asked millions of times).
 */
function runsWrapper(command: ShellCommand): boolean {
  // A Set, not `Object.hasOwn(WRAPPERS, name)`: a name sliced from the text is not internalized, and the object
  // lookup interned it again on every one of the millions of calls. Most names are rejected by their length and
  // first letter before hashing them.
  const name = command.name;
  return name.length >= WRAPPER_LENGTHS.min && name.length <= WRAPPER_LENGTHS.max && WRAPPER_INITIALS.has(name.charCodeAt(0)) && WRAPPER_NAMES.has(name);
}

/**
 * Packages a command installs (`apt-get install`, `dnf install`, `conda create`, `dpkg -i x.deb` …), once per command
 * and lint: a dozen rules ask about the commands they read. Shared: never mutate; empty when it installs nothing.
 */
export function installedPackages(command: ShellCommand): readonly InstalledPackage[] {
  // Most commands run no wrapper and no package manager: answered without a table entry (a million questions per lint
  // of 8,000 sections went through it).
  if (!runsWrapper(command) && !commandMayInstallPackages(command)) {
    return EMPTY_LIST;
  }
  const facts = commandFacts(command);
  facts.packages ??= packagesOf(facts.words);
  return facts.packages;
}

/** `pip`, `pip3`, `pip3.11`, `/opt/venv/bin/pip` and `python3 -m pip …` commands. */
export function isPipCommand(command: ShellCommand): boolean {
  if (!runsWrapper(command)) {
    // Its own words: no table entry (every name that runs pip starts with `p`).
    return command.name.charCodeAt(0) === 0x70 && runsPip(command.words);
  }
  const facts = commandFacts(command);
  facts.pip ??= runsPip(facts.words);
  return facts.pip;
}

const PIP = /^pip(\d+(\.\d+)*)?$/;
const PYTHON = /^python(\d+(\.\d+)*)?$/;

function runsPip(words: readonly Word[]): boolean {
  if (words.length === 0) {
    return false;
  }
  const name = basename(words[0].value);
  if (PIP.test(name)) {
    return true;
  }
  if (!PYTHON.test(name)) {
    return false;
  }
  for (let i = 1; i < words.length; i++) {
    const value = words[i].value;
    if (value === '-m') {
      return PIP.test(words[i + 1]?.value ?? '');
    }
    if (value.startsWith('-m')) {
      return PIP.test(value.slice(2));
    }
    if (!value.startsWith('-')) {
      return false;
    }
  }
  return false;
}

interface WrapperSpec {
  /** Options that take a separate value (`-u root`). */
  withValue: Set<string>;
  /** Number of leading operands that are not the command (`timeout 10 cmd`). */
  operands?: number;
  /** Skip `NAME=value` words after the options (`env A=1 cmd`). */
  assignments?: boolean;
  /** Options after which the wrapper does not run its operand (`command -v x`). */
  noRun?: Set<string>;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: { withValue: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group']) },
  env: { withValue: new Set(['-u', '-C', '-S', '--unset', '--chdir']), assignments: true },
  exec: { withValue: new Set(['-a']) },
  command: { withValue: new Set(), noRun: new Set(['-v', '-V']) },
  nohup: { withValue: new Set() },
  time: { withValue: new Set(['-f', '-o', '--format', '--output']) },
  nice: { withValue: new Set(['-n', '--adjustment']) },
  timeout: { withValue: new Set(['-s', '-k', '--signal', '--kill-after']), operands: 1 },
  xargs: {
    withValue: new Set(['-a', '-d', '-E', '-e', '-I', '-i', '-L', '-l', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--replace']),
  },
};

const WRAPPER_NAMES: ReadonlySet<string> = new Set(Object.keys(WRAPPERS));
/** What every wrapper name has: a first letter among c, e, n, s, t, x and 3 to 7 letters. */
const WRAPPER_INITIALS: ReadonlySet<number> = new Set([...WRAPPER_NAMES].map((name) => name.charCodeAt(0)));
const WRAPPER_LENGTHS = { min: Math.min(...[...WRAPPER_NAMES].map((name) => name.length)), max: Math.max(...[...WRAPPER_NAMES].map((name) => name.length)) };

/** Index of the first word `effectiveWords` keeps. */
function effectiveStart(words: readonly Word[]): number {
  let i = 0;
  for (let guard = 0; guard < 8 && i < words.length; guard++) {
    const name = basename(words[i].value);
    const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
    if (!spec) {
      break;
    }
    let j = i + 1;
    let stop = false;
    while (j < words.length) {
      const value = words[j].value;
      if (value === '--') {
        j++;
        break;
      }
      if (!value.startsWith('-') || value === '-') {
        break;
      }
      if (spec.noRun?.has(value)) {
        stop = true;
        break;
      }
      j += spec.withValue.has(value) ? 2 : 1;
    }
    if (stop) {
      break;
    }
    if (spec.assignments) {
      while (j < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[j].value)) {
        j++;
      }
    }
    j += spec.operands ?? 0;
    if (j >= words.length) {
      break; // a bare wrapper (`time`, `env`): keep it as the command
    }
    i = j;
  }
  return i;
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

// ---------------------------------------------------------------- `sh -c` scripts

const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash']);

/** Cheap necessary condition for a shell name: every one ends in `h` (and a trailing `/` is dropped). */
function mayBeShell(value: string): boolean {
  const last = value.charCodeAt(value.length - 1);
  return last === 0x68 || last === 0x2f;
}

function mayNameShell(word: Word): boolean {
  return mayBeShell(word.value);
}

function namesShell(word: Word): boolean {
  return mayBeShell(word.value) && SHELL_NAMES.has(pathBaseName(word.value));
}

/** The last path component, ignoring trailing slashes. */
function pathBaseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.replace(/\/+$/, '') : path;
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

function splitShellCScript(recipe: Recipe, index: LineIndex, words: readonly Word[]): ShellScript | undefined {
  const shellAt = words.findIndex(namesShell);
  if (shellAt < 0) {
    return undefined;
  }
  const dashC = words.findIndex((word, i) => i > shellAt && /^-\w*c\w*$/.test(word.value));
  const body = dashC >= 0 ? words[dashC + 1] : undefined;
  if (!body) {
    return undefined;
  }
  const start = index.offsetAt(body.range.start);
  const end = index.offsetAt(body.range.end);
  const quoted = body.text.length >= 2 && /^(["']).*\1$/s.test(body.text);
  return splitShell(recipe.text, quoted ? start + 1 : start, quoted ? end - 1 : end, index);
}

/**
 * `hasShellCScripts` across the lints of a Dockerfile with a memo: a step the parse memo reused keeps its script's command
 * list, and whether one of them runs `sh -c` with a script depends on their words and the text at their ranges alone.
 */
const shellCInKeptLists = new WeakMap<readonly ShellCommand[], boolean>();

// ---------------------------------------------------------------- lines

/** A BuildKit heredoc operator: `<<EOF`, `<<-EOF`, `<<"EOF"`, and with a file descriptor, `5<<EOF` (which dockerfile-utils does not read). */
const HEREDOC = /(?<![<\w])\d*<<(-?)\s*(["']?)([A-Za-z_][\w.-]*)\2/g;
const HEREDOC_INSTRUCTION = /^\s*(RUN|COPY|ADD)\s/i;

function heredocBodyLines(text: string): Set<number> {
  const inside = new Set<number>();
  const lines = text.split(/\r?\n/);
  for (let line = 0; line < lines.length; line++) {
    if (!HEREDOC_INSTRUCTION.test(lines[line]) || !lines[line].includes('<<')) {
      continue;
    }
    const pending = [...lines[line].matchAll(HEREDOC)].filter((match) => !lines[line].slice(0, match.index).endsWith('<')).map((match) => ({ strip: match[1] === '-', word: match[3] }));
    while (pending.length > 0 && line + 1 < lines.length) {
      line++;
      inside.add(line);
      const text = pending[0].strip ? lines[line].replace(/^\t+/, '') : lines[line];
      if (text === pending[0].word) {
        pending.shift();
      }
    }
  }
  return inside;
}

// ---------------------------------------------------------------- steps

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

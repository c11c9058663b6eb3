// Helpers for rules about what runs at container start (ENTRYPOINT/CMD, %runscript, %startscript, %apprun…).
import type { EntrypointStep, Recipe, ShellCommand, ShellScript, Stage } from '../../recipe/model';
import { controlFlow, runsUnconditionally } from './control-flow';
import { offsetOf, shellCScript } from './source';

export interface EntryRef {
  step: EntrypointStep;
  stage: Stage;
}

/** Every ENTRYPOINT/CMD step and definition-file start section. */
export function entrySteps(recipe: Recipe): EntryRef[] {
  const refs: EntryRef[] = [];
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'entrypoint') {
        refs.push({ step, stage });
      }
    }
  }
  return refs;
}

/**
 * Commands run at start; for exec form `["sh", "-c", "script"]` the script string is split too.
 * Commands after an unconditional `exec`/`exit` never run and are left out (HPC-USE-001 reports them once).
 */
export function entryCommands(recipe: Recipe, step: EntrypointStep): readonly ShellCommand[] {
  const inner = step.form === 'exec' ? shellCScript(recipe, step.args) : undefined;
  const own = liveCommands(recipe, step.script);
  return inner ? [...own, ...liveCommands(recipe, inner)] : own;
}

export interface DeadCode {
  /** The `exec`/`exit` after which nothing runs. */
  end: ShellCommand;
  /** The commands after it, in source order. */
  dead: ShellCommand[];
}

/** The first top-level `exec program …` or `exit` that always runs, and the commands after it; undefined if none. */
export function deadCode(recipe: Recipe, script: ShellScript): DeadCode | undefined {
  const flows = controlFlow(recipe, script);
  if (!flows) {
    return undefined;
  }
  const end = script.commands.find((command) => command.depth === 0 && endsScript(command) && runsUnconditionally(flows.get(command)));
  if (!end) {
    return undefined;
  }
  const after = offsetOf(recipe, end.range.end);
  const dead = script.commands.filter((command) => offsetOf(recipe, command.range.start) >= after);
  return dead.length > 0 ? { end, dead } : undefined;
}

/** `exec program …` replaces the shell (`exec >log 2>&1` only redirects); `exit` ends it. */
function endsScript(command: ShellCommand): boolean {
  const name = command.words[0]?.value;
  return (name === 'exec' && command.words.length > 1 && !command.words[1].value.startsWith('-')) || name === 'exit';
}

function liveCommands(recipe: Recipe, script: ShellScript): readonly ShellCommand[] {
  const unreachable = deadCode(recipe, script);
  if (!unreachable) {
    return script.commands;
  }
  const dead = new Set(unreachable.dead);
  return script.commands.filter((command) => !dead.has(command));
}

/** `ENTRYPOINT`, `CMD`, `%runscript`, `%apprun app` — for messages. */
export function entryLabel(step: EntrypointStep): string {
  return `${step.keyword}${step.app ? ` ${step.app}` : ''}`;
}

/** Exact source text of a command (words plus redirections). */
export function commandText(recipe: Recipe, command: ShellCommand): string {
  return recipe.text.slice(offsetOf(recipe, command.range.start), offsetOf(recipe, command.range.end));
}

const OUTPUT_REDIRECT = /(?:^|[^<>&\d])\d?(?:>>?|&>>?|>\|)\s*("[^"]*"|'[^']*'|[^\s;&|<>()]+)/g;

/** Targets of `>`/`>>`/`&>` output redirections in a command's source text (quotes removed). */
export function outputRedirectTargets(recipe: Recipe, command: ShellCommand): string[] {
  const targets: string[] = [];
  for (const match of commandText(recipe, command).matchAll(OUTPUT_REDIRECT)) {
    const target = match[1].replace(/^["']|["']$/g, '');
    if (!target.startsWith('&')) {
      targets.push(target);
    }
  }
  return targets;
}

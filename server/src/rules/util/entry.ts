// Helpers for rules about what runs at container start (ENTRYPOINT/CMD, %runscript, %startscript, %apprun…).
import type { EntrypointStep, Recipe, ShellCommand, Stage } from '../../recipe/model';
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

/** Commands run at start; for exec form `["sh", "-c", "script"]` the script string is split too. */
export function entryCommands(recipe: Recipe, step: EntrypointStep): ShellCommand[] {
  const inner = step.form === 'exec' ? shellCScript(recipe, step.args) : undefined;
  return inner ? [...step.script.commands, ...inner.commands] : step.script.commands;
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

// Base-image helpers shared by rules: variable expansion in FROM, header lookup, stage references (registry names: knowledge/registries.ts).
import type { HeaderStep, Recipe, Stage } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { resolveVariable } from '../../recipe/query';

const VARIABLE = /\$\{(\w+)(?::?[-+=?][^}]*)?\}|\$(\w+)/g;

/**
 * The stage's base reference with `$VAR`/`${VAR}` replaced by global ARG defaults (Dockerfile) or
 * `%arguments` defaults; undefined when a variable has no known value or a template remains.
 */
export function expandedBase(recipe: Recipe, stage: Stage): string | undefined {
  const raw = stage.base.raw.trim().replace(/^(["'])(.*)\1$/, '$2');
  let unknown = false;
  const expanded = raw.replace(VARIABLE, (whole, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? '';
    const fallback = /^\$\{\w+:?-([^}]*)\}$/.exec(whole)?.[1];
    const value = recipe.format === 'dockerfile' ? resolveVariable(recipe, undefined, name) : undefined;
    if (value === undefined || value === '') {
      if (fallback !== undefined && fallback !== '') {
        return fallback;
      }
      unknown = true;
      return whole;
    }
    return value;
  });
  if (unknown || expanded.includes('{{') || expanded.includes('$') || /[\s"']/.test(expanded)) {
    return undefined;
  }
  return expanded;
}

/** The stage's header line with this (lower-case) key, definition files only. */
export function headerOf(stage: Stage, key: string): HeaderStep | undefined {
  for (const step of stage.steps) {
    if (step.kind === 'header' && step.key === key) {
      return step;
    }
  }
  return undefined;
}

/** Earlier stage a FROM refers to (`FROM build`), case-insensitive like Docker. */
export function isStageReference(recipe: Recipe, stage: Stage): boolean {
  if (stage.base.stageRef !== undefined) {
    return true;
  }
  return factsOf(recipe).earlierStageNamed(stage.base.raw.trim(), stage) !== undefined;
}

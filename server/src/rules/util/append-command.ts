// A command appended to the end of a layer (`&& rm -rf /var/lib/apt/lists/*` after a RUN, a new last line of `%post`),
// offered only where the result is plainly the old script followed by the new command.
import type { Fix } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import { factsOf } from '../../recipe/facts';
import type { Recipe, RunStep } from '../../recipe/model';
import { splitShell } from '../../recipe/shell';
import { LineIndex } from '../../recipe/text';
import { effectiveName } from './commands';
import type { Layer } from './layers';
import { lineIndexOf, offsetOf } from './source';

/** Script text that cannot take `&& cmd` (or a new line) after it: a separator, a continuation, or an open construct. */
const OPEN_END = /(?:[;&|\\(]|\bthen|\bdo|\belse|\bin)$/;

/** The fix that runs `command` after everything else the layer runs; undefined where that is not plainly safe. */
export function appendToLayer(recipe: Recipe, layer: Layer, command: string, title: string): Fix | undefined {
  return factsOf(recipe).stepsReused && layer.steps.length === 1 ? keptAppend(recipe, layer, command, title) : appendFix(recipe, layer, command, title);
}

/**
 * Kept per step in a lint with a memo, by escape character, command and title: the fix depends on nothing else (the
 * step's script, its position and its lines, which a step the parse memo reused keeps). Shared: never mutate.
 */
const fixesByStep = new WeakMap<RunStep, Map<string, Fix | null>>();

function keptAppend(recipe: Recipe, layer: Layer, command: string, title: string): Fix | undefined {
  const step = layer.steps[0];
  let fixes = fixesByStep.get(step);
  if (fixes === undefined) {
    fixes = new Map();
    fixesByStep.set(step, fixes);
  }
  const key = `${recipe.escapeChar}\u0000${command}\u0000${title}`;
  let fix = fixes.get(key);
  if (fix === undefined) {
    fix = appendFix(recipe, layer, command, title) ?? null;
    fixes.set(key, fix);
  }
  return fix ?? undefined;
}

function appendFix(recipe: Recipe, layer: Layer, command: string, title: string): Fix | undefined {
  if (layer.steps.length !== 1 || layer.commands.some(({ command: each }) => effectiveName(each) === 'exit')) {
    return undefined;
  }
  const step = layer.steps[0];
  const script = step.script;
  if (script.heredocs.length > 0 || script.commands.length === 0) {
    return undefined;
  }
  const text = script.text.replace(/\s+$/, '');
  if (text === '' || text.startsWith('[') || OPEN_END.test(text)) {
    return undefined;
  }
  const start = offsetOf(recipe, script.range.start);
  const end = start + text.length;
  // A comment at the end would swallow the appended text.
  if (script.comments.some((comment) => offsetOf(recipe, comment.range.end) >= end)) {
    return undefined;
  }
  const lastLineStart = text.lastIndexOf('\n') + 1;
  const indent = /^[ \t]*/.exec(text.slice(lastLineStart))?.[0] ?? '';
  let appended: string;
  if (recipe.format === 'apptainer') {
    appended = `\n${indent}${command}`;
  } else if (lastLineStart > 0) {
    appended = ` ${recipe.escapeChar}\n${indent === '' ? '    ' : indent}&& ${command}`;
  } else {
    appended = ` && ${command}`;
  }
  if (!readsAsCommandOfItsOwn(recipe, text, appended)) {
    return undefined;
  }
  return safeFix(title, insert(lineIndexOf(recipe).positionAt(end), appended));
}

/**
 * Whether the shell reads `appended` after `text` as a command of its own: after an unclosed quote, `${` or `$(` it
 * would be part of the last word (and the finding, with its fix, would come back after every Fix All).
 */
function readsAsCommandOfItsOwn(recipe: Recipe, text: string, appended: string): boolean {
  const fixed = text + appended;
  const index = new LineIndex(fixed);
  const options = recipe.format === 'dockerfile' ? { escapeChar: recipe.escapeChar, dockerfileComments: true } : {};
  const last = splitShell(fixed, 0, fixed.length, index, options).commands.at(-1);
  return last !== undefined && last.depth === 0 && index.offsetAt(last.range.start) >= text.length;
}

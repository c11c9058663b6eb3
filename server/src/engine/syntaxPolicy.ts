// dockerfile-utils' findings under hpclint's severity policy: style is a hint, a template placeholder is not a
// syntax error, and a relative WORKDIR that an earlier absolute WORKDIR of the stage anchors is not reported.
import type { Range, Recipe } from '../recipe/model';
import type { Severity } from './rule';

/** Checks that report style, not a failing build: MAINTAINER still works, and casing and relative WORKDIRs build fine. */
const STYLE_CHECKS = new Set(['DEPRECATED_MAINTAINER', 'CASING_INSTRUCTION', 'CASING_DIRECTIVE', 'WORKDIR_IS_NOT_ABSOLUTE']);

/** dockerfile-utils' message on a devcontainer template's `${templateOption:name}`, replaced before anything builds the Dockerfile. */
const TEMPLATE_PLACEHOLDER = /^failed to process "\$\{templateOption:[^}]*\}"/;

/**
 * The default severity of a dockerfile-utils finding (`name` is its ValidationCode name), or undefined when it is
 * not a finding at all.
 */
export function syntaxFindingSeverity(name: string, reported: Severity, message: string, range: Range, recipe: Recipe): Severity | undefined {
  if (name === 'UNSUPPORTED_MODIFIER' && TEMPLATE_PLACEHOLDER.test(message)) {
    return undefined;
  }
  if (name === 'WORKDIR_IS_NOT_ABSOLUTE' && anchoredByEarlierWorkdir(recipe, range)) {
    return undefined;
  }
  return STYLE_CHECKS.has(name) ? 'hint' : reported;
}

/** The WORKDIR at `range` follows an absolute WORKDIR in the same stage, so its directory is known. */
function anchoredByEarlierWorkdir(recipe: Recipe, range: Range): boolean {
  const line = range.start.line;
  const stage = recipe.stages.find((candidate) => candidate.range.start.line <= line && line <= candidate.range.end.line);
  return (
    stage?.steps.some((step) => step.kind === 'workdir' && step.range.end.line < line && step.value?.value.startsWith('/') === true) ?? false
  );
}

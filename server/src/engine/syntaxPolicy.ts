// dockerfile-utils' findings under hpclint's severity policy: style is a hint, what builds today is advice, a template
// placeholder is not a syntax error, and checks that BuildKit no longer makes (or that dockerfile-utils' parser gets
// wrong) are not findings at all. Each case is a shape judged on the corpus (docs/corpus/review.md).
import { factsOf } from '../recipe/facts';
import type { Range, Recipe } from '../recipe/model';
import type { Severity } from './rule';

/** Checks that report style, not a failing build: MAINTAINER still works, and casing and relative WORKDIRs build fine. */
const STYLE_CHECKS = new Set(['DEPRECATED_MAINTAINER', 'CASING_INSTRUCTION', 'CASING_DIRECTIVE', 'WORKDIR_IS_NOT_ABSOLUTE']);

/**
 * Checks whose recipe builds with today's builders: several sources into a destination without a trailing `/` (only the
 * legacy Docker builder refuses it; BuildKit and Buildah copy into the directory), an empty continuation line (Docker
 * warns that it is deprecated) and a second CMD/ENTRYPOINT/HEALTHCHECK in a stage (the last one wins).
 */
const ADVICE_CHECKS = new Set(['INVALID_DESTINATION', 'EMPTY_CONTINUATION_LINE', 'MULTIPLE_INSTRUCTIONS']);

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
  if (notAFinding(name, message, range, recipe)) {
    return undefined;
  }
  if (STYLE_CHECKS.has(name)) {
    return 'hint';
  }
  return ADVICE_CHECKS.has(name) && (reported === 'error' || reported === 'warning') ? 'info' : reported;
}

/** Shapes the builders accept but dockerfile-utils reports. */
function notAFinding(name: string, message: string, range: Range, recipe: Recipe): boolean {
  switch (name) {
    case 'UNKNOWN_COPY_FLAG':
      // `COPY -- src dst`: `--` ends the flags (BuildKit's BFlags); dockerfile-utils reports a flag with no name.
      return /^Unknown flag: ?$/.test(message.trim());
    case 'FLAG_INVALID_FROM_VALUE':
      // `COPY --from=${STAGE}`: BuildKit and Buildah expand build arguments in --from.
      return message.includes('$');
    case 'FLAG_AT_LEAST_ONE':
      // `--retries=0`: BuildKit refuses only negative retries (frontend/dockerfile/instructions/parse.go).
      return /\(not 0\)$/.test(message.trim());
    case 'FLAG_LESS_THAN_1MS':
      // `--timeout=0s`: zero means "the default" to BuildKit (parseOptInterval); only a non-zero value under 1ms is refused.
      return /^[\w-]+=0+(?:\.0+)?(?:ns|us|µs|ms|s|m|h)?(?:\s|$)/.test(fromStart(recipe, range));
    case 'BASE_NAME_EMPTY':
      return argumentWithDefault(recipe, message);
    case 'UNKNOWN_INSTRUCTION':
      return factsOf(recipe).heredocBodyLines.has(range.start.line);
    default:
      return false;
  }
}

/** The rest of the line from the start of `range` (for a flag: `name=value …`). */
function fromStart(recipe: Recipe, range: Range): string {
  return factsOf(recipe).lineIndex.lineText(range.start.line).slice(range.start.character);
}

/** `base name ($BASE) should not be blank` where a global `ARG BASE=alpine OTHER=x` (several in one ARG) gives it a default. */
function argumentWithDefault(recipe: Recipe, message: string): boolean {
  const name = /\(\$\{?(\w+)/.exec(message)?.[1];
  return name !== undefined && recipe.globalArgs.some((step) => step.pairs.some((pair) => pair.key.value === name && (pair.value?.value ?? '') !== ''));
}

/** The WORKDIR at `range` follows an absolute WORKDIR in the same stage, so its directory is known. */
function anchoredByEarlierWorkdir(recipe: Recipe, range: Range): boolean {
  const line = range.start.line;
  const stage = recipe.stages.find((candidate) => candidate.range.start.line <= line && line <= candidate.range.end.line);
  return (
    stage?.steps.some((step) => step.kind === 'workdir' && step.range.end.line < line && step.value?.value.startsWith('/') === true) ?? false
  );
}

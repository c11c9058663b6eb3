// Helpers shared by the licensing rules (HPC-LIC-*).
import type { Fix, RuleSettings, Severity } from '../../engine/rule';
import type { KeyValue, LabelStep, Recipe, Stage } from '../../recipe/model';
import { isLicenseLabelKey, LICENSE_LABEL_KEY } from '../../knowledge/licensing';
import { finalStageChain, lineIndexOf, offsetOf } from './source';

/**
 * Severity of a redistribution finding from `publish`: public → `whenPublic` (warning, or error for a clear
 * licence breach), unknown → info, private → undefined (do not report: licensed software in a private registry
 * is the recommended pattern).
 */
export function publishSeverity(settings: RuleSettings, whenPublic: Severity = 'warning'): Severity | undefined {
  switch (settings.publish) {
    case 'public':
      return whenPublic;
    case 'private':
      return undefined;
    default:
      return 'info';
  }
}

/** The licence label pairs that apply to the final image (final stage and the stages it builds on). */
export function finalLicenseLabels(recipe: Recipe): KeyValue[] {
  return labelPairs(finalStageChain(recipe)).filter((pair) => isLicenseLabelKey(pair.key.value));
}

function labelPairs(stages: readonly Stage[]): KeyValue[] {
  return stages.flatMap((stage) => stage.steps.filter((step): step is LabelStep => step.kind === 'label' && !step.app).flatMap((step) => step.pairs));
}

/** An unsafe fix that adds `org.opencontainers.image.licenses` = `value` to the final stage (after FROM / in `%labels`, or a new `%labels`). */
export function insertLicenseLabel(recipe: Recipe, stage: Stage, value: string, title: string): Fix {
  const index = lineIndexOf(recipe);
  const at = (offset: number) => index.range(offset, offset);
  /** Offset just after line `line` (start of the next line, or the end of the text). */
  const lineEnd = (line: number): number => (line + 1 < index.lineCount ? index.lineStart(line + 1) : recipe.text.length);
  const needsNewline = (offset: number) => offset > 0 && recipe.text[offset - 1] !== '\n';
  if (recipe.format === 'dockerfile') {
    const from = stage.steps.find((step) => step.kind === 'from');
    const offset = lineEnd((from ?? stage.steps[0]).range.end.line);
    const text = `${needsNewline(offset) ? '\n' : ''}LABEL ${LICENSE_LABEL_KEY}="${value}"\n`;
    return { title, safe: false, edits: [{ range: at(offset), newText: text }] };
  }
  const labelSteps = stage.steps.filter((step): step is LabelStep => step.kind === 'label' && !step.app && step.keyword.toLowerCase() === '%labels');
  const lastPair = labelSteps.flatMap((step) => step.pairs).pop();
  if (lastPair) {
    const indent = /^\s*/.exec(recipe.text.slice(offsetOf(recipe, { line: lastPair.range.start.line, character: 0 })))?.[0].replace(/\n/g, '') ?? '    ';
    const offset = lineEnd(lastPair.range.end.line);
    return { title, safe: false, edits: [{ range: at(offset), newText: `${needsNewline(offset) ? '\n' : ''}${indent}${LICENSE_LABEL_KEY} ${value}\n` }] };
  }
  const section = stage.sections.find((candidate) => candidate.name === 'labels');
  if (section) {
    const offset = offsetOf(recipe, section.bodyRange.start);
    return { title, safe: false, edits: [{ range: at(offset), newText: `${needsNewline(offset) ? '\n' : ''}    ${LICENSE_LABEL_KEY} ${value}\n` }] };
  }
  const offset = recipe.text.length;
  const lead = recipe.text.endsWith('\n\n') ? '' : recipe.text.endsWith('\n') ? '\n' : '\n\n';
  return { title, safe: false, edits: [{ range: at(offset), newText: `${lead}%labels\n    ${LICENSE_LABEL_KEY} ${value}\n` }] };
}


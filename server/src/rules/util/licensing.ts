// Helpers shared by the licensing rules (HPC-LIC-*).
import { addLabel, unsafeFix } from '../../engine/fixBuilder';
import type { Fix, RuleSettings, Severity } from '../../engine/rule';
import type { KeyValue, Recipe, Stage } from '../../recipe/model';
import { isLicenseLabelKey, LICENSE_LABEL_KEY } from '../../knowledge/licensing';
import { finalStageChain, lineIndexOf } from './source';

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
  const pairs: KeyValue[] = [];
  for (const stage of stages) {
    for (const step of stage.steps) {
      if (step.kind === 'label' && !step.app) {
        pairs.push(...step.pairs);
      }
    }
  }
  return pairs;
}

/** An unsafe fix that adds `org.opencontainers.image.licenses` = `value` to the final stage (after FROM / in `%labels`, or a new `%labels`). */
export function insertLicenseLabel(recipe: Recipe, stage: Stage, value: string, title: string): Fix {
  return unsafeFix(title, addLabel(recipe, lineIndexOf(recipe), stage, LICENSE_LABEL_KEY, value));
}

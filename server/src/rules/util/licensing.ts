// Helpers shared by the licensing rules (HPC-LIC-*).
import type { Severity } from '../../engine/rule';
import type { RuleSettings } from '../../engine/rule';
import type { KeyValue, LabelStep, Recipe, ShellCommand, Stage } from '../../recipe/model';
import { finalStageChain, shellCScript } from './source';

/**
 * Severity of a redistribution finding from `publish`: public → warning, unknown → info,
 * private → undefined (do not report: licensed software in a private registry is the recommended pattern).
 */
export function publishSeverity(settings: RuleSettings): Severity | undefined {
  switch (settings.publish) {
    case 'public':
      return 'warning';
    case 'private':
      return undefined;
    default:
      return 'info';
  }
}

export const PUBLISH_DOCS =
  'Severity follows the `publish` setting in `.hpclint.yaml`: `publish: public` → warning, not set (unknown) → info, `publish: private` → not reported.';

/**
 * Label keys that declare a licence: OCI `org.opencontainers.image.licenses`, `License`/`Licence`/`Licenses` (any case)
 * and namespaced variants such as BioContainers' `about.license` or `package.license`.
 */
export function isLicenseLabelKey(key: string): boolean {
  return /^([\w-]+\.)*licen[cs]es?$/i.test(key.replace(/^["']|["']$/g, ''));
}

/** The licence label pairs that apply to the final image (final stage and the stages it builds on). */
export function finalLicenseLabels(recipe: Recipe): KeyValue[] {
  return labelPairs(finalStageChain(recipe)).filter((pair) => isLicenseLabelKey(pair.key.value));
}

function labelPairs(stages: readonly Stage[]): KeyValue[] {
  return stages.flatMap((stage) => stage.steps.filter((step): step is LabelStep => step.kind === 'label' && !step.app).flatMap((step) => step.pairs));
}

/** Commands plus, for `sh -c "…"` calls, the commands of the script string (recursively). */
export function withShellCScripts(recipe: Recipe, commands: readonly ShellCommand[], depth = 0): ShellCommand[] {
  const result: ShellCommand[] = [];
  for (const command of commands) {
    const inner = depth < 4 ? shellCScript(recipe, command.words) : undefined;
    if (inner && inner.commands.length > 0) {
      result.push(...withShellCScripts(recipe, inner.commands, depth + 1));
    } else {
      result.push(command);
    }
  }
  return result;
}

// Pragma and settings keys from other tools: hadolint's `DL3007`, BuildKit's `buildkit/JSONArgsRecommended`
// (from `# check=skip=`), matched against hpclint findings through the mapping tables.
import type { HpcDiagnostic } from '../engine/types';
import type { Recipe } from '../recipe/model';
import { BUILDKIT_CHECKS, BUILDKIT_PREFIX, buildkitCheck } from './buildkit';
import { hadolintCheck, type CompatCheck } from './hadolint';

const HADOLINT_KEY = /^DL\d{4}$/i;

/** True when `key` is a hadolint DL code or a BuildKit check key. */
export function isCompatKey(key: string): boolean {
  const trimmed = key.trim();
  return HADOLINT_KEY.test(trimmed) || trimmed.toLowerCase().startsWith(BUILDKIT_PREFIX);
}

/** The checks a key stands for: one hadolint check, one BuildKit check, or every BuildKit check (`buildkit/all`). */
function checksOf(key: string): readonly CompatCheck[] {
  const trimmed = key.trim();
  if (HADOLINT_KEY.test(trimmed)) {
    const check = hadolintCheck(trimmed);
    return check ? [check] : [];
  }
  if (trimmed.toLowerCase().startsWith(BUILDKIT_PREFIX)) {
    const name = trimmed.slice(BUILDKIT_PREFIX.length);
    if (name.toLowerCase() === 'all') {
      return BUILDKIT_CHECKS;
    }
    const check = buildkitCheck(name);
    return check ? [check] : [];
  }
  return [];
}

/** Does `key` (a hadolint or BuildKit check) name the check `finding` reports? */
export function compatKeyMatches(key: string, finding: HpcDiagnostic, recipe: Recipe): boolean {
  if (!isCompatKey(key)) {
    return false;
  }
  return checksOf(key).some((check) => check.codes.includes(finding.code) && (check.selects?.(finding, recipe) ?? true));
}

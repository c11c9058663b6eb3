// Lookup of rules by code (case-insensitive) or kebab-case name.
import { ValidationCode } from 'dockerfile-utils';
import type { Rule } from './rule';

export type RuleLookup = (key: string) => Rule | undefined;

const lookups = new WeakMap<readonly Rule[], Map<string, Rule>>();

function indexOf(rules: readonly Rule[]): Map<string, Rule> {
  let index = lookups.get(rules);
  if (!index) {
    index = new Map();
    for (const rule of rules) {
      index.set(rule.meta.code.toLowerCase(), rule);
      index.set(rule.meta.name.toLowerCase(), rule);
      for (const former of rule.meta.formerCodes ?? []) {
        index.set(former.toLowerCase(), rule);
      }
    }
    lookups.set(rules, index);
  }
  return index;
}

/** The rule of `rules` whose code (any case), former code or name is `key`. */
export function ruleByCodeOrName(key: string, rules: readonly Rule[]): Rule | undefined {
  return indexOf(rules).get(key.trim().toLowerCase());
}

/** Codes of findings that do not come from a rule: our own parse/skip/crash reports and dockerfile-utils' checks. */
export const PARSE_CODE = 'hpclint/parse';
export const SKIPPED_CODE = 'hpclint/skipped';
export const INTERNAL_CODE = 'hpclint/internal';
const OWN_CODES = new Set([PARSE_CODE, SKIPPED_CODE, INTERNAL_CODE]);
export const DOCKERFILE_UTILS_PREFIX = 'dockerfile-utils/';
const VALIDATION_CODE_NAMES = new Set(Object.keys(ValidationCode).filter((key) => !/^\d+$/.test(key)));

/** `dockerfile-utils/<ValidationCode name>` for a numeric dockerfile-utils diagnostic code. */
export function dockerfileUtilsCode(code: number | string | undefined): string {
  const name = typeof code === 'number' ? ValidationCode[code] : code;
  return DOCKERFILE_UTILS_PREFIX + (name ?? 'UNKNOWN');
}

/** True for `hpclint/parse`, `hpclint/skipped`, `hpclint/internal`, `dockerfile-utils/<ValidationCode name>` and ShellCheck codes (`shellcheck/SC2086`, `SC2086`). */
export function isNonRuleCode(key: string): boolean {
  const lower = key.trim().toLowerCase();
  if (/^(shellcheck\/)?sc\d{4}$/.test(lower)) {
    return true;
  }
  if (OWN_CODES.has(lower)) {
    return true;
  }
  if (lower.startsWith(DOCKERFILE_UTILS_PREFIX)) {
    return VALIDATION_CODE_NAMES.has(key.trim().slice(DOCKERFILE_UTILS_PREFIX.length).toUpperCase());
  }
  return false;
}

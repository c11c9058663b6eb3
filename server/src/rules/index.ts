// The registry: every rule, sorted by code. Adding a rule = one file + one line here.
import type { Rule } from '../engine/rule';

export const allRules: readonly Rule[] = [];

// HPC-DEF-007: `{{ name }}` placeholders need a `%arguments` default; unused defaults are dead; placeholders after a `#`
// behave differently in Apptainer >= 1.3 (skipped) and in SingularityCE / Apptainer 1.2 (substituted).
import { defineRule, type Fix } from '../../engine/rule';
import { insert, insertLinesAfter, insertLinesBefore, unsafeFix } from '../../engine/fixBuilder';
import type { ArgStep, Recipe, Stage } from '../../recipe/model';
import { REPLACE_WITH } from '../util/placeholders';
import { editDistance, lineIndexOf } from '../util/source';
import { templateUses, type TemplateUse } from '../util/templates';
import docs from './defined-build-arguments.md';

function argumentSteps(recipe: Recipe): ArgStep[] {
  return recipe.stages.flatMap((stage) => stage.steps.filter((step): step is ArgStep => step.kind === 'arg'));
}

/** What the fix writes as a default: only the user knows the value, and HPC-MAINT-006 reports it until it is written. */
const DEFAULT_PLACEHOLDER = `${REPLACE_WITH}VALUE`;

/** Where to add a `name=` default for `stage`: the end of its last `%arguments` body, or a new section before its first section. */
function addDefaultFix(recipe: Recipe, stage: Stage, names: string[]): Fix {
  const index = lineIndexOf(recipe);
  const defaults = names.map((name) => `    ${name}=${DEFAULT_PLACEHOLDER}`);
  const listed = names.map((name) => `\`${name}\``).join(', ');
  const existing = stage.sections.filter((section) => section.name === 'arguments').pop();
  if (existing) {
    return unsafeFix(`Add ${listed} to \`%arguments\` with a placeholder default (fill it in)`, insertLinesAfter(index, existing.range.end.line, ...defaults));
  }
  const title = `Add a \`%arguments\` section with ${listed} and a placeholder default (fill it in)`;
  const first = stage.sections[0];
  return first
    ? unsafeFix(title, insertLinesBefore(first.range.start.line, '%arguments', ...defaults, ''))
    : unsafeFix(title, insert(stage.range.end, `\n\n%arguments\n${defaults.map((line) => `${line}\n`).join('')}`));
}

/** Names the base image is chosen by (`From: {{ IMAGE }}`): the caller passes them on purpose. */
function baseNames(uses: readonly TemplateUse[]): Set<string> {
  return new Set(uses.filter((use) => use.kind === 'substituted' && use.stage.base.range.start.line === use.range.start.line).map((use) => use.name));
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-007',
    name: 'defined-build-arguments',
    category: 'def',
    severity: 'warning',
    formats: ['apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const uses = templateUses(recipe);
    const steps = argumentSteps(recipe);
    const defined = new Set(steps.flatMap((step) => step.pairs.map((pair) => pair.key.value.trim())));
    const used = new Set(uses.map((use) => use.name));
    // A placeholder without a default is a build argument every build must pass: the way templates are written, advice.
    // It is a likely failure only where the name looks like a misspelling of one `%arguments` defines.
    const fromNames = baseNames(uses);
    const definedNames = [...defined];
    const misspelt = (name: string): string | undefined => definedNames.find((other) => other !== name && (other.toLowerCase() === name.toLowerCase() || (Math.min(other.length, name.length) > 3 && editDistance(other, name) <= 2)));
    // One fix per stage adds every missing default at once, so applying the fixes settles in one pass.
    let missingByStage: Map<Stage, Set<string>> | undefined;
    const missingIn = (stage: Stage): string[] => {
      if (missingByStage === undefined) {
        missingByStage = new Map();
        for (const use of uses) {
          if (use.kind !== 'afterHash' && !defined.has(use.name)) {
            const names = missingByStage.get(use.stage) ?? new Set<string>();
            missingByStage.set(use.stage, names.add(use.name));
          }
        }
      }
      return [...(missingByStage.get(stage) ?? [])];
    };
    const substitutions = new Map<string, number>();
    for (const use of uses) {
      if (use.kind === 'substituted') {
        substitutions.set(use.name, (substitutions.get(use.name) ?? 0) + 1);
      }
    }

    // One finding per name and kind, at its first use (the count tells how many places need it).
    const reported = new Set<string>();
    for (const use of uses) {
      const key = `${use.kind === 'afterHash' ? 'hash' : use.kind === 'comment' ? 'comment' : 'missing'} ${use.name}`;
      if (reported.has(key)) {
        continue;
      }
      if (use.kind === 'afterHash') {
        reported.add(key);
        context.report({
          range: use.range,
          message:
            `\`{{ ${use.name} }}\` comes after a \`#\` on its line, so Apptainer ≥ 1.3 does not substitute it (it takes the rest of the line for a comment) ` +
            `and the script gets the literal text \`{{ ${use.name} }}\`; SingularityCE and Apptainer 1.2 do substitute it. Move the placeholder before ` +
            `the \`#\` (set a shell variable first, or use another \`sed\` delimiter).`,
        });
        continue;
      }
      if (defined.has(use.name)) {
        continue;
      }
      reported.add(key);
      if (use.kind === 'comment') {
        context.report({
          range: use.range,
          severity: 'info',
          message:
            `\`{{ ${use.name} }}\` in a comment has no default: Apptainer ≥ 1.3 skips it, but SingularityCE and Apptainer 1.2 substitute placeholders in ` +
            `comments too and stop with "build var ${use.name} is not defined". Give it a default in \`%arguments\` or drop the braces.`,
          fixes: [addDefaultFix(recipe, use.stage, missingIn(use.stage))],
        });
        continue;
      }
      const count = substitutions.get(use.name) ?? 0;
      const times = count > 1 ? ` (used ${count} times)` : '';
      const similar = misspelt(use.name);
      context.report({
        range: use.range,
        severity: similar ? undefined : 'info',
        message: similar
          ? `\`{{ ${use.name} }}\` has no default in \`%arguments\`, which defines \`${similar}\`: a misspelling stops the build with "build var ${use.name} is not defined" unless \`--build-arg ${use.name}=…\` is given${times}.`
          : `\`{{ ${use.name} }}\` is a required build argument${times}: ${fromNames.has(use.name) ? 'it chooses the base image, so ' : ''}every build must pass \`--build-arg ${use.name}=…\` (without it the build stops with "build var ${use.name} is not defined"). Give it a default in \`%arguments\` if one value fits most builds.`,
        fixes: [addDefaultFix(recipe, use.stage, missingIn(use.stage))],
      });
    }

    for (const step of steps) {
      for (const pair of step.pairs) {
        const name = pair.key.value.trim();
        if (used.has(name) || name.length === 0) {
          continue;
        }
        context.report({
          range: pair.key.range,
          severity: 'info',
          message: `\`%arguments\` entry \`${name}\` is not used by any \`{{ ${name} }}\` placeholder.`,
        });
      }
    }
  },
});

// HPC-DEF-007: `{{ name }}` placeholders need a `%arguments` default; unused defaults are dead.
import { defineRule, type Fix } from '../../engine/rule';
import type { ArgStep, Range, Recipe, Stage } from '../../recipe/model';
import { lineIndexOf } from '../util/source';
import docs from './defined-build-arguments.md';

const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;

export interface TemplateUse {
  name: string;
  range: Range;
  stage: Stage;
}

/** Every `{{ name }}` outside comment lines, with the stage it is in. */
export function templateUses(recipe: Recipe): TemplateUse[] {
  const index = lineIndexOf(recipe);
  const uses: TemplateUse[] = [];
  for (const stage of recipe.stages) {
    for (let line = stage.range.start.line; line <= stage.range.end.line && line < index.lineCount; line++) {
      const text = index.lineText(line);
      if (text.trimStart().startsWith('#') || !text.includes('{{')) {
        continue;
      }
      const lineStart = index.lineStart(line);
      TEMPLATE.lastIndex = 0;
      for (let match = TEMPLATE.exec(text); match; match = TEMPLATE.exec(text)) {
        uses.push({ name: match[1], range: index.range(lineStart + match.index, lineStart + match.index + match[0].length), stage });
      }
    }
  }
  return uses;
}

function argumentSteps(recipe: Recipe): ArgStep[] {
  return recipe.stages.flatMap((stage) => stage.steps.filter((step): step is ArgStep => step.kind === 'arg'));
}

/** Where to add a `name=` default for `stage`: the end of its last `%arguments` body, or a new section before its first section. */
function addDefaultFix(recipe: Recipe, stage: Stage, names: string[]): Fix {
  const index = lineIndexOf(recipe);
  const lines = names.map((name) => `    ${name}=\n`).join('');
  const existing = stage.sections.filter((section) => section.name === 'arguments').pop();
  if (existing) {
    const bodyEnd = index.offsetAt(existing.range.end);
    const at = existing.range.end.line + 1 < index.lineCount ? index.lineStart(existing.range.end.line + 1) : bodyEnd;
    const newText = at === bodyEnd ? `\n${lines}` : lines;
    return { title: `Add ${names.map((name) => `\`${name}=\``).join(', ')} to \`%arguments\``, safe: false, edits: [{ range: index.range(at, at), newText }] };
  }
  const first = stage.sections[0];
  const at = first ? index.lineStart(first.range.start.line) : index.offsetAt(stage.range.end);
  const newText = first ? `%arguments\n${lines}\n` : `\n\n%arguments\n${lines}`;
  return { title: `Add a \`%arguments\` section with ${names.map((name) => `\`${name}=\``).join(', ')}`, safe: false, edits: [{ range: index.range(at, at), newText }] };
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

    // One finding per name, at its first use (the count tells how many places need it).
    const reported = new Set<string>();
    for (const use of uses) {
      if (defined.has(use.name) || reported.has(use.name)) {
        continue;
      }
      reported.add(use.name);
      const count = uses.filter((other) => other.name === use.name).length;
      context.report({
        range: use.range,
        message:
          `\`{{ ${use.name} }}\` has no default in \`%arguments\`; the build fails unless \`--build-arg ${use.name}=…\` is given` +
          (count > 1 ? ` (used ${count} times).` : '.'),
        fixes: [addDefaultFix(recipe, use.stage, [use.name])],
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

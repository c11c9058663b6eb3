// HPC-DEF-001: every stage needs a `Bootstrap:` header, and it must come first.
import { defineRule, type Fix } from '../../engine/rule';
import { insert, insertLinesBefore, remove, safeFix, unsafeFix } from '../../engine/fixBuilder';
import type { HeaderStep, Recipe, Stage } from '../../recipe/model';
import { headerKeyword } from '../../recipe/apptainer-spec';
import { lineIndexOf } from '../util/source';
import { closestName } from '../util/names';
import docs from './bootstrap-first.md';

function headersOf(stage: Stage): HeaderStep[] {
  return stage.steps.filter((step): step is HeaderStep => step.kind === 'header');
}

/** `ubuntu:24.04`, `docker://nvcr.io/nvidia/pytorch:24.01-py3`: a value the docker agent can pull. */
function looksLikeDockerReference(value: string): boolean {
  const rest = value.trim().replace(/^docker:\/\//i, '');
  return !rest.includes('://') && /^[a-z0-9][a-z0-9._\-/:@]*$/i.test(rest);
}

/** Offsets [start, next line start) of the whole lines a step covers. */
function wholeLines(recipe: Recipe, step: HeaderStep): [number, number] {
  const index = lineIndexOf(recipe);
  const start = index.lineStart(step.range.start.line);
  const next = step.range.end.line + 1 < index.lineCount ? index.lineStart(step.range.end.line + 1) : index.lineEnd(step.range.end.line);
  return [start, next];
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-001',
    name: 'bootstrap-first',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'both',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const index = lineIndexOf(recipe);
    for (const stage of recipe.stages) {
      const headers = headersOf(stage);
      const bootstrapAt = headers.findIndex((step) => step.key === 'bootstrap');
      if (bootstrapAt < 0) {
        if (headers.length === 0 && stage.sections.length === 0) {
          continue; // blank or comment-only text: Apptainer skips it
        }
        if (headers.some((step) => closestName(step.key, ['Bootstrap']) !== undefined)) {
          continue; // a misspelt `Bootstrap:` — HPC-DEF-002 offers the correction
        }
        const anchor = headers[0]?.range ?? stage.sections[0].header.range;
        const from = headers.find((step) => step.key === 'from');
        const fixes: Fix[] = [];
        if (from && looksLikeDockerReference(from.value.value)) {
          fixes.push(unsafeFix('Insert `Bootstrap: docker`', insertLinesBefore(anchor.start.line, 'Bootstrap: docker')));
        }
        context.report({
          range: headers[0]?.keywordRange ?? stage.sections[0].header.range,
          message:
            headers.length > 0
              ? 'This stage has no `Bootstrap:` header; Apptainer cannot build it without a bootstrap agent (e.g. `Bootstrap: docker`).'
              : 'These sections come before any `Bootstrap:` header, so Apptainer parses them as a stage without a bootstrap agent and the build fails.',
          fixes,
        });
        continue;
      }
      // Unknown keys before it are HPC-DEF-002's; only known keys written too early are reported here.
      const first = headers.slice(0, bootstrapAt).find((step) => headerKeyword(step.key) !== undefined);
      if (!first) {
        continue;
      }
      const bootstrap = headers[bootstrapAt];
      const atColumnZero = index.lineStart(bootstrap.range.start.line) === index.offsetAt(bootstrap.range.start);
      const [moveStart, moveEnd] = wholeLines(recipe, bootstrap);
      let moved = recipe.text.slice(moveStart, moveEnd);
      if (!moved.endsWith('\n')) {
        moved += '\n';
      }
      const insertAt = index.lineStart(first.range.start.line);
      context.report({
        range: first.keywordRange,
        severity: atColumnZero ? 'error' : 'warning',
        message: atColumnZero
          ? `\`${first.keyword}\` comes before \`Bootstrap:\`; Apptainer splits stages at \`Bootstrap:\` lines, so the lines above it form a stage without a bootstrap agent and the build fails.`
          : `\`${first.keyword}\` comes before \`Bootstrap:\`; \`Bootstrap\` must be the first header line.`,
        fixes: [safeFix('Move `Bootstrap:` to the top of the header', insert(index.positionAt(insertAt), moved), remove(index.range(moveStart, moveEnd)))],
      });
    }
  },
});

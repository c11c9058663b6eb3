// HPC-DEF-008: `%files from <stage>` must name an earlier stage; stage names must be unique.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, safeFix, unsafeFix } from '../../engine/fixBuilder';
import type { Stage, Word } from '../../recipe/model';
import { closestName } from '../util/names';
import docs from './valid-files-from-stage.md';

function stageName(stage: Stage): string | undefined {
  return stage.name?.value.trim();
}

/** How many earlier stage names a message lists, and how many of the nearest ones a did-you-mean compares. */
const LISTED_NAMES = 10;
const COMPARED_NAMES = 64;

/**
 * The one earlier stage whose name is a typo of `wanted` (or differs only in case). Only the nearest
 * COMPARED_NAMES stages are compared, so a file with thousands of broken references stays linear.
 */
function closestStage(wanted: string, earlierNames: readonly string[]): string | undefined {
  const nearest = earlierNames.slice(-COMPARED_NAMES);
  return closestName(wanted, nearest) ?? nearest.find((name) => name.toLowerCase() === wanted.toLowerCase());
}

function listNames(names: readonly string[]): string {
  const listed = names
    .slice(0, LISTED_NAMES)
    .map((name) => `\`${name}\``)
    .join(', ');
  return names.length > LISTED_NAMES ? `${listed} and ${names.length - LISTED_NAMES} more` : listed;
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-008',
    name: 'valid-files-from-stage',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'both',
  },
  docs,
  check(context) {
    const { stages } = context.recipe;
    const seen = new Map<string, Stage>();
    for (const stage of stages) {
      const name = stageName(stage);
      if (name === undefined || !stage.name) {
        continue;
      }
      const earlier = seen.get(name);
      if (earlier) {
        context.report({
          range: stage.name.range,
          message: `Stage name \`${name}\` is already used by stage ${earlier.index + 1}; \`%files from ${name}\` cannot tell them apart.`,
        });
      } else {
        seen.set(name, stage);
      }
    }

    const firstByName = new Map<string, Stage>();
    for (const stage of stages) {
      const name = stageName(stage);
      if (name !== undefined && !firstByName.has(name)) {
        firstByName.set(name, stage);
      }
    }
    const earlierNames: string[] = [];
    for (const stage of stages) {
      for (const section of stage.sections) {
        if (section.name !== 'files' || section.args[0]?.value.toLowerCase() !== 'from') {
          continue;
        }
        const reference: Word | undefined = section.args[1];
        if (!reference) {
          context.report({
            range: section.args[0].range,
            message: '`%files from` needs the name of an earlier stage (`%files from build`).',
          });
          continue;
        }
        const wanted = reference.value;
        if (wanted.includes('{{')) {
          continue;
        }
        const target = firstByName.get(wanted);
        if (target && target.index < stage.index) {
          continue;
        }
        const fixes: Fix[] = [];
        const close = closestStage(wanted, earlierNames);
        if (close) {
          fixes.push(safeFix(`Copy from stage \`${close}\``, replace(reference.range, close)));
        } else if (earlierNames.length === 1) {
          fixes.push(unsafeFix(`Copy from stage \`${earlierNames[0]}\``, replace(reference.range, earlierNames[0])));
        }
        const known = earlierNames.length > 0 ? ` Earlier stages: ${listNames(earlierNames)}.` : ' No earlier stage has a `Stage:` name.';
        let message: string;
        if (target && target === stage) {
          message = `\`%files from ${wanted}\` copies from the stage it is in; files can only come from an earlier stage.${known}`;
        } else if (target) {
          message = `Stage \`${wanted}\` is declared after this section; \`%files from\` can only copy from an earlier stage.${known}`;
        } else {
          message = `No stage is named \`${wanted}\`; the build fails when it reaches this section.${known}`;
        }
        context.report({ range: reference.range, message, fixes });
      }
      const name = stageName(stage);
      if (name !== undefined && name.length > 0) {
        earlierNames.push(name);
      }
    }

    if (stages.length > 1) {
      for (const stage of stages.slice(0, -1)) {
        if (stageName(stage) || !stage.steps.some((step) => step.kind === 'header')) {
          continue;
        }
        const bootstrap = stage.steps.find((step) => step.kind === 'header' && step.key === 'bootstrap');
        context.report({
          range: bootstrap?.keywordRange ?? stage.range,
          severity: 'warning',
          message: 'This stage of a multi-stage file has no `Stage:` name, so no later `%files from` can copy its results; only the last stage becomes the image.',
        });
      }
    }
  },
});

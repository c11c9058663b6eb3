// HPC-DEF-008: `%files from <stage>` must name an earlier stage; stage names must be unique.
import { defineRule, type Fix } from '../../engine/rule';
import type { Stage, Word } from '../../recipe/model';
import { closestName } from '../util/names';
import docs from './valid-files-from-stage.md';

function stageName(stage: Stage): string | undefined {
  return stage.name?.value.trim();
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
        const target = stages.find((candidate) => stageName(candidate) === wanted);
        if (target && target.index < stage.index) {
          continue;
        }
        const earlierNames = stages
          .filter((candidate) => candidate.index < stage.index)
          .map(stageName)
          .filter((name): name is string => name !== undefined && name.length > 0);
        const fixes: Fix[] = [];
        const close = closestName(wanted, earlierNames) ?? earlierNames.find((name) => name.toLowerCase() === wanted.toLowerCase());
        if (close) {
          fixes.push({ title: `Copy from stage \`${close}\``, safe: true, edits: [{ range: reference.range, newText: close }] });
        } else if (earlierNames.length === 1) {
          fixes.push({ title: `Copy from stage \`${earlierNames[0]}\``, safe: false, edits: [{ range: reference.range, newText: earlierNames[0] }] });
        }
        const known = earlierNames.length > 0 ? ` Earlier stages: ${earlierNames.map((name) => `\`${name}\``).join(', ')}.` : ' No earlier stage has a `Stage:` name.';
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

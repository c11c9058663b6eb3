// HPC-DEF-005: unknown `%sections`, `%app*` sections without an app name; `%pre` runs on the build host.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, safeFix } from '../../engine/fixBuilder';
import { SECTIONS, sectionSpec } from '../../recipe/apptainer-spec';
import { editDistance } from '../util/source';
import docs from './valid-section-names.md';

/** Names a typo may be corrected to (the legacy `%pre` is never suggested). */
const CANDIDATES = SECTIONS.filter((spec) => !spec.legacy).map((spec) => spec.name);
const MAX_DISTANCE = 2;

/** The unique closest valid section name within edit distance 2, if any. */
export function suggestSection(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_DISTANCE + 1;
  let tie = false;
  for (const candidate of CANDIDATES) {
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-005',
    name: 'valid-section-names',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    for (const stage of context.recipe.stages) {
      for (const section of stage.sections) {
        const spec = sectionSpec(section.name);
        const written = section.header.text;
        if (!spec) {
          const suggestion = suggestSection(section.name);
          const fixes: Fix[] = suggestion
            ? [safeFix(`Change to \`%${suggestion}\``, replace(section.header.range, `%${suggestion}`))]
            : [];
          context.report({
            range: section.header.range,
            message: `Unknown section \`${written}\`: Apptainer stops with "invalid section(s) specified".${suggestion ? ` Did you mean \`%${suggestion}\`?` : ''}`,
            fixes,
          });
        } else if (spec.legacy) {
          context.report({
            range: section.header.range,
            severity: 'info',
            message: `\`${written}\` runs on the build host, as the user who runs the build (root under \`sudo apptainer build\`), before the base image is fetched: its commands change the build machine, not the image. Keep it to what must happen on the host before bootstrap.`,
          });
        } else if (spec.app && section.args.length === 0) {
          context.report({
            range: section.header.range,
            message: `\`${written}\` needs an app name (\`${written} <app>\`); without it the build fails with "could not be split into section name and app name".`,
          });
        }
      }
    }
  },
});

// HPC-DEF-005: unknown `%sections`, `%app*` sections without an app name, legacy `%pre`.
import { defineRule, type Fix } from '../../engine/rule';
import { SECTIONS, sectionSpec } from '../../recipe/apptainer-spec';
import { editDistance } from '../util/source';

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
    docs: {
      summary: 'Unknown `%section` names and `%app*` sections without an app name stop the build; `%pre` is legacy.',
      whatItDoes:
        'Checks every section header of a definition file against the sections Apptainer and SingularityCE accept (`%arguments`, `%setup`, `%files`, `%post`, `%test`, ' +
        '`%environment`, `%startscript`, `%runscript`, `%labels`, `%help` and the SCIF `%app*` sections; names are case-insensitive). An unknown name is an error with a ' +
        'did-you-mean suggestion, an `%appinstall`/`%apprun`/… header without the app name is an error, and the legacy `%pre` section is a warning.',
      whyHpc:
        'Definition files are often written on a laptop and built later on a cluster build node or a remote builder; a typo such as `%enviroment` makes `apptainer build` ' +
        'stop with `invalid section(s) specified` (and `%apprun` without a name with "could not be split into section name and app name") only after the job was queued, ' +
        'while an editor could have caught it while typing.',
      howToFix:
        'Correct the section name (the quick fix replaces it with the closest valid name when exactly one is within two edits; safe), give `%app*` sections the app name ' +
        '(`%apprun myapp`), and move `%pre` content into `%setup`.',
      bad: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n    export LC_ALL=C\n' }],
      good: [{ format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export LC_ALL=C\n\n%apprun hello\n    echo hello\n' }],
      exceptions:
        'A line inside a script whose first word starts with `%` (for example a `printf` format on its own continuation line) also starts a section for Apptainer and is ' +
        'reported here as an unknown section — which is what the build will do with it.',
      references: [
        'https://apptainer.org/docs/user/main/definition_files.html',
        'https://github.com/apptainer/apptainer/blob/main/pkg/build/types/parser/deffile.go',
      ],
    },
  },
  check(context) {
    for (const stage of context.recipe.stages) {
      for (const section of stage.sections) {
        const spec = sectionSpec(section.name);
        const written = section.header.text;
        if (!spec) {
          const suggestion = suggestSection(section.name);
          const fixes: Fix[] = suggestion
            ? [{ title: `Change to \`%${suggestion}\``, safe: true, edits: [{ range: section.header.range, newText: `%${suggestion}` }] }]
            : [];
          context.report({
            range: section.header.range,
            message: `Unknown section \`${written}\`: Apptainer stops with "invalid section(s) specified".${suggestion ? ` Did you mean \`%${suggestion}\`?` : ''}`,
            fixes,
          });
        } else if (spec.legacy) {
          context.report({
            range: section.header.range,
            severity: 'warning',
            message: `\`${written}\` is a legacy Singularity 2.x section, accepted only for compatibility; move its commands to \`%setup\`.`,
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

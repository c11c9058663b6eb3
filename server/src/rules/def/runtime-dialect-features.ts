// HPC-DEF-010: features only some Apptainer / SingularityCE versions understand.
// The target runtime is not configurable yet, so this names what to check instead of guessing.
import { defineRule, type Finding } from '../../engine/rule';
import type { HeaderStep, Range, Recipe, Word } from '../../recipe/model';
import { BUILD_VARIABLES, bootstrapAgent, headerKeyword } from '../../recipe/apptainer-spec';
import { allScripts } from '../../recipe/query';
import { rangeInWord } from '../util/source';
import { templateUses } from './defined-build-arguments';
import docs from './runtime-dialect-features.md';

const APPTAINER_ONLY_VARIABLES = BUILD_VARIABLES.filter((spec) => spec.dialect === 'apptainer');
const VARIABLE = /\$\{?(APPTAINER_[A-Z_]+)\b/g;

function headers(recipe: Recipe): HeaderStep[] {
  return recipe.stages.flatMap((stage) => stage.steps.filter((step): step is HeaderStep => step.kind === 'header'));
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-010',
    name: 'runtime-dialect-features',
    category: 'def',
    severity: 'info',
    formats: ['apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const reported = new Set<string>();
    const once = (feature: string, finding: Finding): void => {
      if (!reported.has(feature)) {
        reported.add(feature);
        context.report(finding);
      }
    };

    const argumentsSection = recipe.stages.flatMap((stage) => stage.sections).find((section) => section.name === 'arguments');
    const template = templateUses(recipe)[0];
    if (argumentsSection || template) {
      once('arguments', {
        range: argumentsSection?.header.range ?? template.range,
        message: argumentsSection
          ? '`%arguments` needs Apptainer ≥ 1.2 or SingularityCE ≥ 4.0; older runtimes stop with "invalid section(s) specified".'
          : `Build-time templates such as \`{{ ${template.name} }}\` need Apptainer ≥ 1.2 or SingularityCE ≥ 4.0; older runtimes leave them unreplaced.`,
      });
    }

    for (const step of headers(recipe)) {
      const spec = headerKeyword(step.key);
      if (step.key === 'bootstrap') {
        const agent = bootstrapAgent(step.value.value.trim());
        if (agent?.dialect === 'apptainer') {
          once(`agent:${agent.name}`, {
            range: step.value.range,
            message: `\`Bootstrap: ${agent.name}\` needs Apptainer ≥ ${agent.sinceApptainer ?? '1.0'}; SingularityCE does not have this agent.`,
          });
        }
        if (agent?.name === 'library' && !headers(recipe).some((other) => other.key === 'library' && other.value.value.trim().length > 0)) {
          once('library', {
            range: step.value.range,
            message: '`Bootstrap: library` without `Library:`: SingularityCE uses Sylabs Cloud by default, but Apptainer has no default library and needs a configured library remote.',
          });
        }
      } else if (spec?.dialect === 'apptainer') {
        once(`header:${spec.key}`, {
          range: step.keywordRange,
          message: `\`${step.keyword}:\` is Apptainer-only${spec.sinceApptainer ? ` (≥ ${spec.sinceApptainer})` : ''}; SingularityCE rejects it as an invalid header keyword.`,
        });
      } else if (spec?.sinceSingularityCE) {
        once(`header:${spec.key}`, {
          range: step.keywordRange,
          message: `\`${step.keyword}:\` needs SingularityCE ≥ ${spec.sinceSingularityCE} (every Apptainer version accepts it).`,
        });
      }
    }

    // `$APPTAINER_*` build variables: one finding per name (first use); its fix renames every use.
    const uses = new Map<string, Range[]>();
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        for (const word of [...command.assignments, ...command.words]) {
          collectVariables(word);
        }
      }
    }
    for (const [name, ranges] of uses) {
      const alternative = APPTAINER_ONLY_VARIABLES.find((candidate) => candidate.name === name)?.alternative ?? name;
      context.report({
        range: ranges[0],
        message: `\`$${name}\` is set by Apptainer only; SingularityCE sets \`$${alternative}\` (Apptainer sets both).`,
        fixes: [{ title: `Use \`$${alternative}\``, safe: false, edits: ranges.map((range) => ({ range, newText: alternative })) }],
      });
    }

    function collectVariables(word: Word): void {
      if (word.text.startsWith("'")) {
        return;
      }
      VARIABLE.lastIndex = 0;
      for (let match = VARIABLE.exec(word.text); match; match = VARIABLE.exec(word.text)) {
        const name = match[1];
        if (!APPTAINER_ONLY_VARIABLES.some((candidate) => candidate.name === name && candidate.alternative)) {
          continue;
        }
        const start = match.index + match[0].length - name.length;
        const ranges = uses.get(name) ?? [];
        ranges.push(rangeInWord(recipe, word, start, start + name.length));
        uses.set(name, ranges);
      }
    }
  },
});

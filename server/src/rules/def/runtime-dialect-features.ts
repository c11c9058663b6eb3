// HPC-DEF-010: features only some Apptainer / SingularityCE versions understand.
// Without a site profile it names what to check; with one it checks the site's runtime and version.
import { defineRule, type Fix, type RuleContext } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { HeaderStep, Range, Recipe, Word } from '../../recipe/model';
import { BUILD_VARIABLES, bootstrapAgent, headerKeyword } from '../../recipe/apptainer-spec';
import { allScripts } from '../../recipe/query';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { assignmentsAndWords } from '../util/commands';
import { rangeInWord } from '../util/source';
import { templateUses } from '../util/templates';
import { runtimeVerdicts, type RuntimeNeed } from '../../site/runtime';
import docs from './runtime-dialect-features.md';

const APPTAINER_ONLY_VARIABLES = BUILD_VARIABLES.filter((spec) => spec.dialect === 'apptainer');
const VARIABLE = /\$\{?(APPTAINER_[A-Z_]+)\b/g;

/** A feature the definition file uses, what it needs from the runtime and what happens without it. */
interface Feature {
  key: string;
  range: Range;
  need: RuntimeNeed;
  /** The message without a site profile (or when the profile cannot decide). */
  generic: string;
  /** `\`%arguments\``: how the site-specific message names the feature. */
  what: string;
  /** What an older or other runtime does with it. */
  failure: string;
  fixes?: Fix[];
}

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
    const found = features(context.recipe);
    for (const feature of found) {
      reportFeature(context, feature);
    }
    reportLibraryWithoutRemote(
      context,
      found.filter((feature) => feature.need.singularityce === null),
    );
  },
});

/**
 * `Bootstrap: library` without `Library:`: Apptainer has no default library remote, so the build stops unless the
 * builder configured one; SingularityCE uses Sylabs Cloud. A warning where Apptainer builds the recipe (a target site
 * runs it, or the recipe uses Apptainer-only features), advice otherwise: the recipe cannot say which runtime builds it.
 * Silent when every target site builds with SingularityCE only.
 */
function reportLibraryWithoutRemote(context: RuleContext, apptainerOnly: readonly Feature[]): void {
  const all = headers(context.recipe);
  if (all.some((other) => other.key === 'library' && other.value.value.trim().length > 0)) {
    return;
  }
  const bootstrap = all.find((step) => step.key === 'bootstrap' && bootstrapAgent(step.value.value.trim())?.name === 'library');
  if (!bootstrap) {
    return;
  }
  const sites = activeSites(context.settings);
  const runsApptainer = (site: (typeof sites)[number]): boolean => (site.profile.runtimes ?? []).some((runtime) => runtime.name === 'apptainer');
  const singularityOnly = (site: (typeof sites)[number]): boolean =>
    (site.profile.runtimes ?? []).some((runtime) => runtime.name === 'singularityce') && !runsApptainer(site);
  if (sites.length > 0 && sites.every(singularityOnly)) {
    return;
  }
  const apptainerSites = sites.filter(runsApptainer);
  const what = '`Bootstrap: library` without `Library:`';
  const fix = 'Name the library with `Library: https://library.sylabs.io` or bootstrap from a registry the builders reach.';
  const failure =
    'Apptainer has no default library remote, so the build stops with "remote has no library client" unless the builder has added one (`apptainer remote add --no-login SylabsCloud cloud.sylabs.io`)';
  if (apptainerSites.length > 0) {
    context.report({
      range: bootstrap.value.range,
      severity: 'warning',
      message: onSite(apptainerSites, `${what}: ${failure}; SingularityCE uses Sylabs Cloud. ${fix}`),
      site: siteFact(apptainerSites, 'runtime: Apptainer', 'runtimes'),
    });
    return;
  }
  if (apptainerOnly.length > 0) {
    context.report({
      range: bootstrap.value.range,
      severity: 'warning',
      message: `${what}: this file is written for Apptainer (${apptainerOnly[0].what}), and ${failure}. ${fix}`,
    });
    return;
  }
  context.report({
    range: bootstrap.value.range,
    message: `${what} builds where SingularityCE builds it (Sylabs Cloud is its default) or where the builder has added a library remote; ${failure}. ${fix}`,
  });
}

function reportFeature(context: RuleContext, feature: Feature): void {
  const fixes = feature.fixes ? { fixes: feature.fixes } : {};
  const verdicts = runtimeVerdicts(activeSites(context.settings), feature.need);
  if (verdicts.failing.length > 0) {
    context.report({ range: feature.range, severity: 'warning', message: verdicts.failingMessage(feature.what, feature.failure), site: verdicts.failingFact(), ...fixes });
    return;
  }
  if (verdicts.unknown.length > 0) {
    context.report({ range: feature.range, message: verdicts.unknownMessage(feature.what), site: verdicts.unknownFact(), ...fixes });
    return;
  }
  if (verdicts.decided) {
    return; // every target site runs a runtime that accepts it
  }
  context.report({ range: feature.range, message: feature.generic, ...fixes });
}

/** Every runtime-dependent feature, once per file and feature (variables: once per name, the fix renames every use). */
function features(recipe: Recipe): Feature[] {
  const found: Feature[] = [];
  const seen = new Set<string>();
  const add = (feature: Feature): void => {
    if (!seen.has(feature.key)) {
      seen.add(feature.key);
      found.push(feature);
    }
  };

  const argumentsSection = recipe.stages.flatMap((stage) => stage.sections).find((section) => section.name === 'arguments');
  const template = templateUses(recipe)[0];
  const templating: RuntimeNeed = { apptainer: '1.2', singularityce: '4.0' };
  if (argumentsSection) {
    add({
      key: 'arguments',
      range: argumentsSection.header.range,
      need: templating,
      generic: '`%arguments` needs Apptainer ≥ 1.2 or SingularityCE ≥ 4.0; older runtimes stop with "invalid section(s) specified".',
      what: '`%arguments`',
      failure: 'building this file there stops with "invalid section(s) specified"',
    });
  } else if (template) {
    add({
      key: 'arguments',
      range: template.range,
      need: templating,
      generic: `Build-time templates such as \`{{ ${template.name} }}\` need Apptainer ≥ 1.2 or SingularityCE ≥ 4.0; older runtimes leave them unreplaced.`,
      what: `Build-time templates such as \`{{ ${template.name} }}\``,
      failure: 'a build there leaves them unreplaced',
    });
  }

  for (const step of headers(recipe)) {
    const spec = headerKeyword(step.key);
    if (step.key === 'bootstrap') {
      const agent = bootstrapAgent(step.value.value.trim());
      if (agent?.dialect === 'apptainer') {
        const since = agent.sinceApptainer ?? '1.0';
        add({
          key: `agent:${agent.name}`,
          range: step.value.range,
          need: { apptainer: since, singularityce: null },
          generic: `\`Bootstrap: ${agent.name}\` needs Apptainer ≥ ${since}; SingularityCE does not have this agent.`,
          what: `\`Bootstrap: ${agent.name}\``,
          failure: 'a build there stops at the unknown bootstrap agent',
        });
      }
    } else if (spec?.dialect === 'apptainer') {
      add({
        key: `header:${spec.key}`,
        range: step.keywordRange,
        need: { apptainer: spec.sinceApptainer ?? '1.0', singularityce: null },
        generic: `\`${step.keyword}:\` is Apptainer-only${spec.sinceApptainer ? ` (≥ ${spec.sinceApptainer})` : ''}; SingularityCE rejects it as an invalid header keyword.`,
        what: `\`${step.keyword}:\``,
        failure: 'a build there rejects it as an invalid header keyword',
      });
    } else if (spec?.sinceSingularityCE) {
      add({
        key: `header:${spec.key}`,
        range: step.keywordRange,
        need: { apptainer: '1.0', singularityce: spec.sinceSingularityCE },
        generic: `\`${step.keyword}:\` needs SingularityCE ≥ ${spec.sinceSingularityCE} (every Apptainer version accepts it).`,
        what: `\`${step.keyword}:\``,
        failure: 'a build there rejects it as an invalid header keyword',
      });
    }
  }

  for (const [name, ranges] of apptainerVariableUses(recipe)) {
    const alternative = APPTAINER_ONLY_VARIABLES.find((candidate) => candidate.name === name)?.alternative ?? name;
    add({
      key: `variable:${name}`,
      range: ranges[0],
      need: { apptainer: '1.0', singularityce: null },
      generic: `\`$${name}\` is set by Apptainer only; SingularityCE sets \`$${alternative}\` (Apptainer sets both).`,
      what: `\`$${name}\``,
      failure: `it is empty in a build there; use \`$${alternative}\`, which both set`,
      fixes: [unsafeFix(`Use \`$${alternative}\``, ...ranges.map((range) => replace(range, alternative)))],
    });
  }
  return found;
}

/** `$APPTAINER_*` build variables with a SingularityCE spelling → every range that names them, in order. */
function apptainerVariableUses(recipe: Recipe): Map<string, Range[]> {
  const uses = new Map<string, Range[]>();
  const collect = (word: Word): void => {
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
  };
  for (const { script } of allScripts(recipe)) {
    for (const command of script.commands) {
      assignmentsAndWords(command).forEach(collect);
    }
  }
  return uses;
}

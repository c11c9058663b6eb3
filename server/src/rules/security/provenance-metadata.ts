// HPC-SEC-008: images without provenance labels / documentation, and recipes that delete the package database.
import { defineRule, type RuleContext } from '../../engine/rule';
import { insert, insertLinesAfter, unsafeFix } from '../../engine/fixBuilder';
import { CommandFilter } from '../../recipe/command-filter';
import type { ShellCommand, Stage, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { baseName, finalStageChain, isShipped, lineIndexOf } from '../util/source';
import docs from './provenance-metadata.md';

/** Last key segments that record where an image came from (OCI and the older label-schema names). */
const PROVENANCE_KEYS = new Set(['source', 'revision', 'created', 'version', 'vcs-url', 'vcs-ref', 'build-date']);
/** Package databases that scanners (Trivy, Grype, Syft) and `dpkg -l`/`rpm -qa` read. */
const PACKAGE_DB = /^\/(var\/lib\/dpkg(\/(info|status))?|var\/lib\/rpm|usr\/lib\/sysimage\/rpm|lib\/apk\/db|var\/lib\/apk)$/;

export default defineRule({
  meta: {
    code: 'HPC-SEC-008',
    name: 'provenance-metadata',
    category: 'security',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    if (chain.length === 0) {
      return;
    }
    if (recipe.format === 'dockerfile') {
      checkLabels(context, chain);
    } else {
      checkSections(context, chain[0]);
    }
    const removalsIn = PACKAGE_DATABASE_REMOVALS.reader(recipe);
    for (const { script, step, stage } of allScripts(recipe)) {
      if (!isShipped(recipe, stage) || step.kind !== 'run') {
        continue;
      }
      for (const command of removalsIn(script)) {
        for (const word of effectiveWords(command).slice(1)) {
          if (isPackageDatabase(word)) {
            context.report({
              range: word.range,
              severity: 'info',
              message: `Removing \`${word.value}\` deletes the package database: vulnerability scanners and the package manager no longer see what is installed. Clean package caches instead.`,
            });
          }
        }
      }
    }
  },
});

function isPackageDatabase(word: Word): boolean {
  return PACKAGE_DB.test(word.value.replace(/\/\*$/, '').replace(/\/+$/, ''));
}

/** `rm` of a package database. */
function removesPackageDatabase(command: ShellCommand): boolean {
  const words = effectiveWords(command);
  return words.length > 0 && baseName(words[0].value) === 'rm' && words.slice(1).some(isPackageDatabase);
}

const PACKAGE_DATABASE_REMOVALS = new CommandFilter(removesPackageDatabase);

function checkLabels(context: RuleContext, chain: readonly Stage[]): void {
  const { recipe } = context;
  const keys: string[] = [];
  for (const stage of chain) {
    for (const step of stage.steps) {
      if (step.kind === 'label') {
        for (const pair of step.pairs) {
          keys.push(pair.key.value.toLowerCase());
        }
      }
    }
  }
  if (keys.some((key) => PROVENANCE_KEYS.has(key.slice(key.lastIndexOf('.') + 1)))) {
    return;
  }
  const final = chain[0];
  const from = final.steps.find((step) => step.kind === 'from');
  if (!from) {
    return;
  }
  const escape = recipe.escapeChar;
  const skeleton =
    `LABEL org.opencontainers.image.source="REPLACE_WITH_SOURCE_URL" ${escape}\n` +
    `      org.opencontainers.image.revision="REPLACE_WITH_GIT_COMMIT" ${escape}\n` +
    `      org.opencontainers.image.version="REPLACE_WITH_VERSION" ${escape}\n` +
    `      org.opencontainers.image.created="REPLACE_WITH_BUILD_DATE"`;
  const fix = unsafeFix('Add OCI provenance labels with placeholders', insertLinesAfter(lineIndexOf(recipe), from.range.end.line, skeleton));
  context.report({
    range: { start: from.keywordRange.start, end: final.base.range.end },
    // Missing metadata is advice for almost every recipe: a hint, not a squiggle.
    severity: 'hint',
    message:
      'The final image has no provenance labels (`org.opencontainers.image.source`, `.revision`, `.version`, `.created`): nobody can tell later which sources and commit it was built from.',
    fixes: [fix],
  });
}

function checkSections(context: RuleContext, stage: Stage): void {
  const { recipe } = context;
  const names = new Set(stage.sections.map((section) => section.name));
  const missing = [
    names.has('labels') || names.has('applabels') ? undefined : '%labels',
    names.has('help') || names.has('apphelp') ? undefined : '%help',
  ].filter((name): name is string => name !== undefined);
  if (missing.length === 0) {
    return;
  }
  // The Bootstrap line, else the stage's first header or section line (never the whole stage: its range starts at leading comments).
  const bootstrap = stage.steps.find((step) => step.kind === 'header' && step.key === 'bootstrap');
  const anchor: Word['range'] = bootstrap?.range ?? stage.steps[0]?.range ?? stage.range;
  const skeleton = missing
    .map((name) =>
      name === '%labels'
        ? '%labels\n    Author REPLACE_WITH_AUTHOR\n    Version REPLACE_WITH_VERSION\n    Source REPLACE_WITH_SOURCE_URL\n'
        : '%help\n    REPLACE_WITH_HOW_TO_RUN_THIS_IMAGE\n',
    )
    .join('\n');
  const end = recipe.text.length;
  const separator = recipe.text.endsWith('\n\n') ? '' : recipe.text.endsWith('\n') ? '\n' : '\n\n';
  context.report({
    range: anchor,
    severity: 'hint',
    message: `The image has no ${missing.map((name) => `\`${name}\``).join(' and no ')} section: \`apptainer inspect\` and \`apptainer run-help\` cannot tell users what it contains, where it came from or how to run it.`,
    fixes: [unsafeFix(`Add ${missing.join(' and ')} with placeholders`, insert(lineIndexOf(recipe).positionAt(end), `${separator}${skeleton}`))],
  });
}

// HPC-EOL-001: base images (or bootstrapped OS releases) past or near the end of standard security support.
import { defineRule, type RuleContext, type Severity } from '../../engine/rule';
import { glibcText, MINIMUM_HOST_GLIBC, oldGlibc } from '../../knowledge/glibc';
import { daysUntil, describeCycle, freeExtendedWindow, WARN_DAYS, type Hit } from '../../knowledge/eol';
import type { Range, Recipe, ShellCommand, Stage } from '../../recipe/model';
import { groupBy } from '../../recipe/collections';
import { factsOf } from '../../recipe/facts';
import { effectiveWords, scriptsOfStage } from '../../recipe/query';
import { baseHits, successorFixes } from '../util/eol-bases';
import { baseName, baseStageOf, eolBaseCause } from '../util/source';
import { repoWorkarounds, type RepoWorkaround } from '../util/repo-workarounds';
import docs from './no-eol-base.md';

export default defineRule({
  meta: {
    code: 'HPC-EOL-001',
    name: 'no-eol-base',
    category: 'eol',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    let workarounds: Map<Stage, RepoWorkaround[]> | undefined;
    let copied: Set<string> | undefined;
    const recipeFacts: RecipeWide = {
      workarounds: () => (workarounds ??= workaroundsByBase(recipe)),
      copiedFrom: () => (copied ??= stagesCopiedFrom(recipe)),
    };
    for (const { hit, range, source, shipped, stage } of baseHits(recipe)) {
      report(context, hit, range, source, shipped, stage, recipeFacts);
    }
  },
});

/** What every hit of one recipe asks about, found once (on first use). */
interface RecipeWide {
  workarounds(): Map<Stage, RepoWorkaround[]>;
  /** `COPY --from` values, lower case. */
  copiedFrom(): Set<string>;
}

function stagesCopiedFrom(recipe: Recipe): Set<string> {
  const names = new Set<string>();
  for (const step of factsOf(recipe).stepsOfKind('copy')) {
    if (step.kind === 'copy' && step.from !== undefined) {
      names.add(step.from.value.toLowerCase());
    }
  }
  return names;
}

/** The repository workarounds (vault, archive) of each base, in recipe order. */
function workaroundsByBase(recipe: Recipe): Map<Stage, RepoWorkaround[]> {
  const inStages = repoWorkarounds(recipe).filter((workaround): workaround is RepoWorkaround & { stage: Stage } => workaround.stage !== undefined);
  return groupBy(inStages, (workaround) => baseStageOf(recipe, workaround.stage));
}

function report(context: RuleContext, hit: Hit, range: Range, source: string, shipped: boolean, stage: Stage, recipeWide: RecipeWide): void {
  const today = context.settings.today;
  // A free extended window (Debian LTS) still patches the public image: judge by its end (the window itself is HPC-EOL-002).
  const extended = freeExtendedWindow(hit);
  const end = extended?.end ?? hit.cycle.eol;
  const days = daysUntil(end, today);
  if (Number.isNaN(days) || days > WARN_DAYS) {
    return;
  }
  const past = days <= 0;
  if (!past && !shipped) {
    return;
  }
  const workarounds = past ? (recipeWide.workarounds().get(baseStageOf(context.recipe, stage)) ?? []) : [];
  const failing = past && workarounds.length === 0 && isBuilt(context.recipe, stage, shipped, recipeWide.copiedFrom) ? failingInstall(context.recipe, stage, hit, today) : undefined;
  // The build fails (the release's repositories are gone and the recipe installs from them): error. A shipped base past its
  // end gets no security fixes: warning. An end still ahead, or a build stage that does not ship, is advice: a recipe must
  // not turn red in CI on a date while nothing about it changed.
  const severity: Severity = failing ? 'error' : shipped && past ? 'warning' : 'info';
  const { name, successorText } = describeCycle(hit);
  const when =
    (past ? `${hit.approximate ? 'ended no later than' : 'ended on'} ${end}` : `ends on ${end} (${days} days after ${today})`) +
    (extended ? ` (standard support ${hit.cycle.eol}, then ${extended.name})` : '');
  const stageNote = shipped ? '' : ' This build stage does not ship in the final image.';
  context.report({
    range,
    severity,
    message: `${source} is ${name}, whose ${extended ? '' : 'standard '}security support ${when}${successorText}.${failing ?? ''}${stageNote}${relatedFacts(hit, shipped, workarounds)}`,
    fixes: successorFixes(hit, range),
    // HPC-PORT-007 (old glibc) and HPC-EOL-003 (repository workaround) are about the same base: their facts are here.
    rootCause: eolBaseCause(context.recipe, stage, 0),
  });
}

/**
 * Whether building the recipe builds `stage` (a stage with its own base): Apptainer builds every stage; BuildKit only
 * the final image's stages and those another stage copies from.
 */
function isBuilt(recipe: Recipe, stage: Stage, shipped: boolean, copiedFrom: () => Set<string>): boolean {
  if (shipped || recipe.format === 'apptainer') {
    return true;
  }
  const names = copiedFrom();
  return factsOf(recipe)
    .stagesOnBase(stage)
    .some((other) => names.has(String(other.index)) || (other.name !== undefined && names.has(other.name.value.toLowerCase())));
}

/** Package-manager subcommands that read the release's repositories, per family. */
const REPOSITORY_READERS: Record<'apt' | 'yum', { programs: Set<string>; subcommands: Set<string> }> = {
  apt: { programs: new Set(['apt-get', 'apt', 'aptitude']), subcommands: new Set(['update', 'install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source']) },
  yum: {
    programs: new Set(['yum', 'dnf', 'microdnf']),
    subcommands: new Set(['install', 'update', 'upgrade', 'groupinstall', 'localinstall', 'reinstall', 'makecache', 'distro-sync', 'group', 'builddep']),
  },
};
const FAMILY: Record<string, keyof typeof REPOSITORY_READERS> = { debian: 'apt', ubuntu: 'apt', centos: 'yum', 'centos-stream': 'yum' };

/**
 * When the release's repositories have left the mirrors and the build reads them, the sentence that says so: a yum or
 * debootstrap bootstrap from the default mirror, or the first package install in a stage built on this base.
 */
function failingInstall(recipe: Recipe, stage: Stage, hit: Hit, today: string): string | undefined {
  const removed = hit.cycle.reposRemoved;
  const family = FAMILY[hit.product];
  if (!removed || !family || daysUntil(removed.date, today) > 0) {
    return undefined;
  }
  const gone = `its repositories left ${removed.from} on ${removed.date} (they are frozen on ${removed.archive})`;
  const agent = stage.base.agent;
  if (!stage.base.image && (agent === 'yum' || agent === 'dnf' || agent === 'debootstrap')) {
    return ` The build fails at the bootstrap: ${gone}.`;
  }
  const reader = REPOSITORY_READERS[family];
  for (const other of factsOf(recipe).stagesOnBase(baseStageOf(recipe, stage))) {
    for (const { script, step } of scriptsOfStage(recipe, other)) {
      if (step.kind !== 'run' || step.keyword.toLowerCase() === '%setup') {
        continue;
      }
      const command = script.commands.find((candidate) => readsRepositories(candidate, reader));
      if (command) {
        const words = effectiveWords(command);
        const program = baseName(words[0].value);
        const subcommand = words.slice(1).find((word) => reader.subcommands.has(word.value))?.value ?? '';
        return ` The build fails: ${gone}, so \`${program} ${subcommand}\` on line ${command.range.start.line + 1} finds no package lists.`;
      }
    }
  }
  return undefined;
}

function readsRepositories(command: ShellCommand, reader: (typeof REPOSITORY_READERS)[keyof typeof REPOSITORY_READERS]): boolean {
  const words = effectiveWords(command);
  return words.length > 1 && reader.programs.has(baseName(words[0].value)) && words.slice(1).some((word) => reader.subcommands.has(word.value));
}

/** What HPC-PORT-007 and HPC-EOL-003 would say about this base, for the one finding that reports it. */
function relatedFacts(hit: Hit, shipped: boolean, workarounds: readonly RepoWorkaround[]): string {
  let facts = '';
  const old = shipped ? oldGlibc(hit) : undefined;
  if (old) {
    facts += ` Its ${glibcText(old.glibc)} is also older than the ${MINIMUM_HOST_GLIBC} that libraries injected from the host (host MPI, \`--nv\`) commonly need.`;
  }
  if (workarounds.length > 0) {
    const lines = [...new Set(workarounds.map((workaround) => workaround.range.start.line + 1))];
    facts += ` The recipe keeps it building by repointing its repositories to an archive (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}), which serves no security fixes.`;
  }
  return facts;
}

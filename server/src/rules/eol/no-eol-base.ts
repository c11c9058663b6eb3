// HPC-EOL-001: base images (or bootstrapped OS releases) past or near the end of standard security support.
import { defineRule, type RuleContext, type Severity } from '../../engine/rule';
import { glibcText, MINIMUM_HOST_GLIBC, oldGlibc } from '../../knowledge/glibc';
import { daysUntil, describeCycle, freeExtendedWindow, WARN_DAYS, type Hit } from '../../knowledge/eol';
import type { Range, Recipe, Stage } from '../../recipe/model';
import { baseHits, successorFixes } from '../util/eol-bases';
import { baseStageOf, eolBaseCause } from '../util/source';
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
    let workarounds: RepoWorkaround[] | undefined;
    for (const { hit, range, source, shipped, stage } of baseHits(context.recipe)) {
      report(context, hit, range, source, shipped, stage, () => (workarounds ??= repoWorkarounds(context.recipe)));
    }
  },
});

function report(context: RuleContext, hit: Hit, range: Range, source: string, shipped: boolean, stage: Stage, workaroundsOf: () => RepoWorkaround[]): void {
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
  // An end of life still ahead is advice: a recipe must not turn red in CI on a date while nothing about it changed.
  const severity: Severity = shipped && past ? 'error' : 'info';
  const { name, successorText } = describeCycle(hit);
  const when =
    (past ? `${hit.approximate ? 'ended no later than' : 'ended on'} ${end}` : `ends on ${end} (${days} days after ${today})`) +
    (extended ? ` (standard support ${hit.cycle.eol}, then ${extended.name})` : '');
  const stageNote = shipped ? '' : ' This build stage does not ship in the final image.';
  context.report({
    range,
    severity,
    message: `${source} is ${name}, whose ${extended ? '' : 'standard '}security support ${when}${successorText}.${stageNote}${relatedFacts(context.recipe, hit, stage, shipped, workaroundsOf)}`,
    fixes: successorFixes(hit, range),
    // HPC-PORT-007 (old glibc) and HPC-EOL-003 (repository workaround) are about the same base: their facts are here.
    rootCause: eolBaseCause(context.recipe, stage, 0),
  });
}

/** What HPC-PORT-007 and HPC-EOL-003 would say about this base, for the one finding that reports it. */
function relatedFacts(recipe: Recipe, hit: Hit, stage: Stage, shipped: boolean, workaroundsOf: () => RepoWorkaround[]): string {
  let facts = '';
  const old = shipped ? oldGlibc(hit) : undefined;
  if (old) {
    facts += ` Its ${glibcText(old.glibc)} is also older than the ${MINIMUM_HOST_GLIBC} that libraries injected from the host (host MPI, \`--nv\`) commonly need.`;
  }
  const base = baseStageOf(recipe, stage);
  const workarounds = workaroundsOf().filter((workaround) => workaround.stage !== undefined && baseStageOf(recipe, workaround.stage) === base);
  if (workarounds.length > 0) {
    const lines = [...new Set(workarounds.map((workaround) => workaround.range.start.line + 1))];
    facts += ` The recipe keeps it building by repointing its repositories to an archive (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}), which serves no security fixes.`;
  }
  return facts;
}

// HPC-EOL-003: workarounds that keep an end-of-life base building (vault.centos.org, archive.debian.org, old-releases.ubuntu.com, mirrorlist rewrites).
import { defineRule } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { REPO_WORKAROUND_KEYWORDS, repoWorkarounds, type RepoWorkaround } from '../util/repo-workarounds';
import { baseStageOf, eolBaseCause } from '../util/source';
import { daysUntil, freeExtendedWindow } from '../../knowledge/eol';
import { baseHits } from '../util/eol-bases';
import docs from './no-eol-repo-workaround.md';

const ADVICE = 'the base is past end of life and gets no security fixes — move to a supported release (see HPC-EOL-001) instead of repointing its repositories';

export default defineRule({
  meta: {
    code: 'HPC-EOL-003',
    name: 'no-eol-repo-workaround',
    category: 'eol',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    interests: { keywords: REPO_WORKAROUND_KEYWORDS },
  },
  docs,
  check(context) {
    const { recipe } = context;
    // One finding per base: the first workaround of a stage, naming the lines that repeat it.
    const byBase = new Map<Stage | undefined, RepoWorkaround[]>();
    for (const workaround of repoWorkarounds(recipe)) {
      const base = workaround.stage && baseStageOf(recipe, workaround.stage);
      byBase.set(base, [...(byBase.get(base) ?? []), workaround]);
    }
    for (const [base, [first, ...more]] of byBase) {
      if (base && supportedBase(recipe, base, context.settings.today)) {
        continue; // a left-over edit on a supported base (after a move to AlmaLinux 9, say) repoints nothing
      }
      const lines = [...new Set(more.map((other) => other.range.start.line + 1))].filter((line) => line !== first.range.start.line + 1);
      const also = lines.length === 0 ? '' : ` (The workaround continues on line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}.)`;
      context.report({
        range: first.range,
        message: `${first.what}: ${ADVICE}.${also}`,
        // HPC-EOL-001 reports the base itself and names the workaround: one finding per root cause.
        ...(base ? { rootCause: eolBaseCause(recipe, base, 1) } : {}),
      });
    }
  },
});


/** The stage's base is a release HPC-EOL-001 knows and that is still supported (by its free extended window too). */
function supportedBase(recipe: Recipe, base: Stage, today: string): boolean {
  const hits = baseHits(recipe).filter((located) => located.stage === base);
  return hits.length > 0 && hits.every(({ hit }) => daysUntil(freeExtendedWindow(hit)?.end ?? hit.cycle.eol, today) > 0);
}

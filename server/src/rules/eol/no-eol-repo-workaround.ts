// HPC-EOL-003: workarounds that keep an end-of-life base building (vault.centos.org, archive.debian.org, old-releases.ubuntu.com, mirrorlist rewrites).
import { defineRule, type RuleContext } from '../../engine/rule';
import type { Recipe, Stage } from '../../recipe/model';
import { REPO_WORKAROUND_KEYWORDS, repoWorkarounds, type RepoWorkaround } from '../util/repo-workarounds';
import { baseStageOf, eolBaseCause } from '../util/source';
import { daysUntil, freeExtendedWindow } from '../../knowledge/eol';
import { baseHits, type LocatedHit } from '../util/eol-bases';
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
    // `mirrorurl`: the retired-mirror check reads a bootstrap's MirrorURL header.
    interests: { keywords: [...REPO_WORKAROUND_KEYWORDS, 'mirrorurl'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    // One finding per base: the first workaround of a stage, naming the lines that repeat it.
    const byBase = new Map<Stage | undefined, RepoWorkaround[]>();
    for (const workaround of repoWorkarounds(recipe)) {
      const base = workaround.stage && baseStageOf(recipe, workaround.stage);
      const list = byBase.get(base);
      if (list) {
        list.push(workaround);
      } else {
        byBase.set(base, [workaround]);
      }
    }
    let hits: Map<Stage, LocatedHit[]> | undefined;
    const hitsOf = (): Map<Stage, LocatedHit[]> => (hits ??= hitsByStage(recipe));
    retiredMirrors(context, hitsOf);
    for (const [base, [first, ...more]] of byBase) {
      if (base && supportedBase(hitsOf(), base, context.settings.today)) {
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


/** HPC-EOL-001's base hits per stage. */
function hitsByStage(recipe: Recipe): Map<Stage, LocatedHit[]> {
  const byStage = new Map<Stage, LocatedHit[]>();
  for (const located of baseHits(recipe)) {
    const list = byStage.get(located.stage);
    if (list) {
      list.push(located);
    } else {
      byStage.set(located.stage, [located]);
    }
  }
  return byStage;
}

/** The stage's base is a release HPC-EOL-001 knows and that is still supported (by its free extended window too). */
function supportedBase(hitsByStage: ReadonlyMap<Stage, readonly LocatedHit[]>, base: Stage, today: string): boolean {
  const hits = hitsByStage.get(base) ?? [];
  return hits.length > 0 && hits.every(({ hit }) => daysUntil(freeExtendedWindow(hit)?.end ?? hit.cycle.eol, today) > 0);
}

/** Mirrors that drop a release when it reaches end of life, with where it goes. */
const RETIRING_MIRRORS: { product: string; host: RegExp; archive: string }[] = [
  { product: 'fedora', host: /(dl|download)\.fedoraproject\.org/i, archive: '`archives.fedoraproject.org`' },
  { product: 'debian', host: /(deb|ftp|httpredir|ftp\.[a-z]{2})\.debian\.org/i, archive: '`archive.debian.org`' },
  { product: 'ubuntu', host: /(^|\/\/|\.)(archive|ports)\.ubuntu\.com/i, archive: '`old-releases.ubuntu.com`' },
];

/**
 * `MirrorURL:` of a host-tool bootstrap that no longer serves the release: `mirror.centos.org` (CentOS Linux 7 and 8
 * moved to the vault; an error, the bootstrap cannot fetch anything), and Fedora, Debian and Ubuntu mirrors asked for a
 * release past end of life (they move such releases to their archives: a warning, the date of the move varies; Ubuntu
 * LTS releases stay).
 */
function retiredMirrors(context: RuleContext, hitsOf: () => ReadonlyMap<Stage, readonly LocatedHit[]>): void {
  const { recipe } = context;
  for (const stage of recipe.stages) {
    const mirror = stage.steps.find((step) => step.kind === 'header' && step.key === 'mirrorurl');
    if (mirror?.kind !== 'header' || stage.base.image !== undefined) {
      continue;
    }
    const url = mirror.value.value;
    if (/(^|[/.@])mirror\.centos\.org/i.test(url)) {
      context.report({
        range: mirror.value.range,
        severity: 'error',
        message:
          '`mirror.centos.org` no longer serves CentOS Linux: the trees of CentOS 6, 7 and 8 moved to `vault.centos.org` at their end of life, so the bootstrap fails to download any package. ' +
          'Move to a supported release (`Bootstrap: docker` with `From: rockylinux/rockylinux:9`, say).',
        // When HPC-EOL-001 reports this base (its repositories are gone), that finding speaks for the build failure.
        rootCause: eolBaseCause(recipe, stage, 1),
      });
      continue;
    }
    const hit = hitsOf().get(stage)?.[0]?.hit;
    const retiring = hit && RETIRING_MIRRORS.find((candidate) => candidate.product === hit.product && candidate.host.test(url));
    // Ubuntu keeps its LTS releases (xx.04 of even years) on archive.ubuntu.com through ESM; interim ones move.
    const keptOnMirror = hit?.product === 'ubuntu' && /^\d*[02468]\.04$/.test(hit.cycle.cycle);
    if (hit && retiring && !keptOnMirror && daysUntil(freeExtendedWindow(hit)?.end ?? hit.cycle.eol, context.settings.today) < 0) {
      context.report({
        range: mirror.value.range,
        message:
          `This mirror is asked for ${hit.product === 'fedora' ? 'Fedora' : hit.product === 'debian' ? 'Debian' : 'Ubuntu'} ${hit.cycle.cycle}, past its end of life (${freeExtendedWindow(hit)?.end ?? hit.cycle.eol}): such releases move to ${retiring.archive}, and the bootstrap then fails to find them. ` +
          'Move to a supported release (see HPC-EOL-001).',
        rootCause: eolBaseCause(recipe, stage, 1),
      });
    }
  }
}

// HPC-PORT-007: base OS whose glibc is too old for libraries HPC runtimes inject from the host.
import { defineRule } from '../../engine/rule';
import type { Range, Recipe, Stage } from '../../recipe/model';
import { MINIMUM_HOST_GLIBC as MINIMUM, glibcText, oldGlibc } from '../../knowledge/glibc';
import { baseHits } from '../util/eol-bases';
import { eolBaseCause, finalStageChain, rangeInWord } from '../util/source';
import docs from './base-glibc-window.md';
import type { RuleContext } from '../../engine/rule';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { compareVersions } from '../../knowledge/versions';
import { baseGlibc, bindsAnything, hostLibrariesBound, minimumKernel, needsX86Level } from '../../site/base-os';
import { partitionFeatures } from '../../site/cpu';
import { cpuLabel } from '../../site/cpu-sites';
import type { Site } from '../../site/profile';

/** Other enterprise bases the EOL table does not cover: repository (last path part) → tag pattern → glibc. */
const OTHER_BASES: { repository: RegExp; tag: RegExp; glibc: string; label: string }[] = [
  { repository: /^(oraclelinux|sl|scientificlinux)$/, tag: /^7(\.\d+)?(-|$)/, glibc: '2.17', label: 'Enterprise Linux 7' },
  { repository: /^(oraclelinux|sl|scientificlinux)$/, tag: /^6(\.\d+)?(-|$)/, glibc: '2.12', label: 'Enterprise Linux 6' },
  { repository: /^amazonlinux$/, tag: /^(1|2018\.03)(\.|-|$)/, glibc: '2.17', label: 'Amazon Linux 1' },
  { repository: /^(leap|opensuse)$/, tag: /^42(\.\d+)?$/, glibc: '2.22', label: 'openSUSE Leap 42' },
];

export default defineRule({
  meta: {
    code: 'HPC-PORT-007',
    name: 'base-glibc-window',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const sites = activeSites(context.settings);
    if (sites.length === 0) {
      checkCpuLevelWithoutSite(context);
    }
    if (sites.length > 0) {
      checkOnSites(context, sites);
      if (!sites.some((site) => bindsAnything(site) && !site.profile.host?.glibc)) {
        return; // every site either binds nothing from the host or says which glibc its libraries need
      }
    }
    const reported = new Set<string>();
    const report = (range: Range, source: string, label: string, glibc: string, rootCause?: { key: string; rank: number }): void => {
      const key = `${range.start.line}:${range.start.character}`;
      if (reported.has(key)) {
        return;
      }
      reported.add(key);
      const version = glibcText(glibc);
      context.report({
        range,
        // HPC-EOL-001 reports the same base with this fact in its message: one finding per root cause.
        ...(rootCause ? { rootCause } : {}),
        message:
          `${source} is ${label} with ${version}, older than the ${MINIMUM} that libraries injected from the host commonly need (Cray PE on ARCHER2, host MPI, \`--nv\` driver libraries); ` +
          `they fail with \`version 'GLIBC_2.xx' not found\`. Check your site's supported window and prefer a newer base.`,
      });
    };
    for (const { hit, range, source, shipped, stage } of baseHits(recipe)) {
      const old = shipped ? oldGlibc(hit) : undefined;
      if (old) {
        report(range, source, old.label, old.glibc, eolBaseCause(recipe, stage, 1));
      }
    }
    checkOtherBases(recipe, report);
  },
});

/** The shipped base against each site: its CPUs (EL10 needs x86-64-v3), its kernel, and the glibc of bound host libraries. */
function checkOnSites(context: RuleContext, sites: readonly Site[]): void {
  for (const { hit, range, source, shipped } of baseHits(context.recipe)) {
    if (!shipped) {
      continue;
    }
    const glibc = baseGlibc(hit.product, hit.cycle.cycle);
    const tag = source.replace(/`/g, '').split(':')[1];
    const level = needsX86Level(hit.product, hit.cycle.cycle, tag);
    for (const site of sites) {
      if (level !== undefined) {
        const lacking = site.partitions.filter((partition) => partition.cpu.arch === 'x86_64' && partitionFeatures(partition).level < level);
        if (lacking.length > 0) {
          context.report({
            range,
            severity: 'error',
            message: onSite(
              site,
              `${source} is Enterprise Linux ${hit.cycle.cycle}, built for x86-64-v${level} (AVX2, FMA, BMI2, MOVBE); partition${lacking.length === 1 ? '' : 's'} ` +
                `${lacking.map((partition) => `${partition.name} (${cpuLabel(partition)})`).join(', ')} lack${lacking.length === 1 ? 's' : ''} it, and every program of the image dies there with ` +
                `\`Fatal glibc error: CPU does not support x86-64-v${level}\`. Use an Enterprise Linux 9 base${hit.product === 'almalinux' ? " or AlmaLinux 10's x86_64_v2 build" : ''}.`,
            ),
            site: siteFact(site, `partition ${lacking[0].name}: ${cpuLabel(lacking[0])}`, `partitions.${lacking[0].name}.cpu`),
          });
        }
      }
      if (glibc === undefined) {
        continue;
      }
      const kernel = site.profile.host?.kernel;
      if (glibc !== 'musl' && kernel && compareVersions(kernel.replace(/-.*$/, ''), minimumKernel(glibc)) < 0) {
        context.report({
          range,
          severity: 'error',
          message: onSite(site, `${source} has glibc ${glibc}, which needs Linux ≥ ${minimumKernel(glibc)}; the nodes run ${kernel}: every program stops with \`FATAL: kernel too old\`.`),
          site: siteFact(site, `host kernel ${kernel}`, 'host.kernel'),
        });
      }
      const bound = hostLibrariesBound(site);
      const hostGlibc = site.profile.host?.glibc;
      if (bound && hostGlibc && (glibc === 'musl' || compareVersions(glibc, hostGlibc) < 0)) {
        context.report({
          range,
          severity: 'warning',
          message: onSite(
            site,
            `${bound} ${bound.endsWith('libraries') ? 'are' : 'is'} bound into containers and built against the host's glibc ${hostGlibc}; ${source} has ` +
              `${glibc === 'musl' ? 'musl, no glibc at all' : `glibc ${glibc}`}, so they can fail to load with \`version 'GLIBC_${hostGlibc}' not found\`. Use a base with glibc ≥ ${hostGlibc}.`,
          ),
          site: siteFact(site, `host glibc ${hostGlibc}`, 'host.glibc'),
        });
      }
    }
  }
}

function checkOtherBases(recipe: Recipe, report: (range: Range, source: string, label: string, glibc: string) => void): void {
  for (const stage of finalStageChain(recipe)) {
    const image = stage.base.image;
    if (!image || image.tag === undefined || /[${]/.test(image.raw)) {
      continue;
    }
    const repository = image.repository.split('/').pop() ?? '';
    const base = OTHER_BASES.find((candidate) => candidate.repository.test(repository) && candidate.tag.test(image.tag as string));
    if (base) {
      const word = { text: image.raw, value: image.raw, range: image.range };
      const tagAt = image.raw.lastIndexOf(`:${image.tag}`) + 1;
      report(rangeInWord(recipe, word, tagAt, tagAt + image.tag.length), `\`${image.raw}\``, base.label, base.glibc);
    }
  }
}

/** The `MirrorURL:` header of a host-tool bootstrap stage ('' when none). */
function mirrorUrlOf(stage: Stage): string {
  const mirror = stage.steps.find((step) => step.kind === 'header' && step.key === 'mirrorurl');
  return mirror?.kind === 'header' ? mirror.value.value : '';
}

/** Ubuntu's and Docker's x86-64-v3 variants: `…amd64v3…` tags, `--platform=linux/amd64/v3`. */
const AMD64_V3 = /amd64v3|amd64\/v3/i;

/**
 * Without a site's CPUs: a final base built for x86-64-v3 (Enterprise Linux 10, amd64v3 variants) is advice, since
 * whether the nodes have AVX2 is the site's fact (with a profile, checkOnSites makes it an error where they do not).
 */
function checkCpuLevelWithoutSite(context: RuleContext): void {
  const { recipe } = context;
  const report = (range: Range, what: string): void => {
    context.report({
      range,
      message:
        `${what} is built for x86-64-v3 (AVX2, FMA, BMI2, MOVBE): on older x86 nodes (before Intel Haswell or AMD Excavator, and some Atom-class CPUs) every program of the image dies with ` +
        '`Fatal glibc error: CPU does not support x86-64-v3`. Check the oldest CPU of the clusters you target, or use an Enterprise Linux 9 base (or AlmaLinux 10\'s x86_64_v2 build).',
    });
  };
  for (const { hit, range, source, shipped, stage } of baseHits(recipe)) {
    // `Bootstrap: yum`/`dnf`: the mirror's path names AlmaLinux's x86_64_v2 build.
    const bootstrapped = stage.base.image === undefined;
    const tag = bootstrapped ? mirrorUrlOf(stage) : source.replace(/`/g, '').split(':')[1];
    if (shipped && needsX86Level(hit.product, hit.cycle.cycle, tag) === 3) {
      report(range, `${source}${bootstrapped ? ` of \`Bootstrap: ${stage.base.agent}\`` : ''} (Enterprise Linux ${hit.cycle.cycle})`);
    }
  }
  for (const stage of finalStageChain(recipe)) {
    const image = stage.base.image;
    const platform = stage.steps.find((step) => step.kind === 'from')?.flags.find((flag) => flag.name === 'platform');
    if (platform?.value && AMD64_V3.test(platform.value.value)) {
      report(platform.value.range, `\`--platform=${platform.value.value}\``);
    } else if (image?.tag !== undefined && AMD64_V3.test(image.tag)) {
      report(image.range, `\`${image.raw}\``);
    }
  }
}

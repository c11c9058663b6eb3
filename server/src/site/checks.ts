// What rules share when they check a recipe against site profiles: the active sites, the wording of a
// site-specific message and the fact that decided it.
import type { RuleSettings, SiteFact } from '../engine/rule';
import { factSource, siteName, type Partition, type Site } from './profile';

/** The sites the recipe is checked against (empty = no profile: rules give their generic answer). */
export function activeSites(settings: RuleSettings): readonly Site[] {
  return settings.sites ?? [];
}

/** `On lumi: …` — every site-specific message names its site first. */
export function onSite(site: Site | readonly Site[], message: string): string {
  const names = (Array.isArray(site) ? site : [site]).map(siteName);
  return `On ${names.join(' and ')}: ${message}`;
}

/** The fact behind a finding, with the profile's source for `path` (`mpi`, `partitions.gpu.gpus`, …). */
export function siteFact(site: Site | readonly Site[], fact: string, path?: string): SiteFact {
  const sites = Array.isArray(site) ? site : [site as Site];
  const result: SiteFact = { name: sites.map(siteName).join(', '), fact };
  const source = path === undefined || sites.length !== 1 ? undefined : factSource(sites[0].profile, path);
  if (source !== undefined) {
    result.source = source;
  }
  return result;
}

/** `lumi-c (znver3), lumi-g (znver3)`. */
export function describePartitions(partitions: readonly Partition[], detail: (partition: Partition) => string | undefined): string {
  return partitions
    .map((partition) => {
      const extra = detail(partition);
      return extra ? `${partition.name} (${extra})` : partition.name;
    })
    .join(', ');
}

/** `a`, `a and b`, `a, b and c`. */
export function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

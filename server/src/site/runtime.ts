// Definition-file runtimes of site profiles: whether a site's Apptainer / SingularityCE accepts a feature.
import type { SiteFact } from '../engine/rule';
import { compareVersions } from '../knowledge/versions';
import { listWords, onSite, siteFact } from './checks';
import type { RuntimeName, Site } from './profile';

/** The oldest version of each fork that accepts a feature; `null`: that fork never has it. */
export interface RuntimeNeed {
  apptainer: string | null;
  singularityce: string | null;
}

type DefinitionRuntime = 'apptainer' | 'singularityce';
const LABEL: Record<DefinitionRuntime, string> = { apptainer: 'Apptainer', singularityce: 'SingularityCE' };

interface SiteRuntimes {
  site: Site;
  /** `SingularityCE 3.11.4`, `Apptainer` (no version in the profile). */
  runtimes: string[];
}

/** The target sites sorted by what their definition-file runtimes say about one feature. */
export interface RuntimeVerdicts {
  /** Sites none of whose runtimes accept the feature. */
  failing: SiteRuntimes[];
  /** Sites whose runtimes might accept it, but the profile gives no version to decide. */
  unknown: SiteRuntimes[];
  /** Every target site has an Apptainer or SingularityCE runtime that decides the question. */
  decided: boolean;
  failingMessage(what: string, failure: string): string;
  failingFact(): SiteFact;
  unknownMessage(what: string): string;
  unknownFact(): SiteFact;
}

export function runtimeVerdicts(sites: readonly Site[], need: RuntimeNeed): RuntimeVerdicts {
  const failing: SiteRuntimes[] = [];
  const unknown: SiteRuntimes[] = [];
  let decided = sites.length > 0;
  for (const site of sites) {
    const runtimes = (site.profile.runtimes ?? []).filter((runtime): runtime is { name: DefinitionRuntime; version?: string } => isDefinitionRuntime(runtime.name));
    if (runtimes.length === 0) {
      decided = false; // the profile names no runtime that builds definition files
      continue;
    }
    const verdicts = runtimes.map((runtime) => accepts(need, runtime.name, runtime.version));
    const described = { site, runtimes: runtimes.map((runtime) => (runtime.version ? `${LABEL[runtime.name]} ${runtime.version}` : LABEL[runtime.name])) };
    if (verdicts.includes('yes')) {
      continue;
    }
    if (verdicts.includes('unknown')) {
      unknown.push(described);
      decided = false;
    } else {
      failing.push(described);
    }
  }
  const needs = describeNeed(need);
  const runtimesOf = (entries: readonly SiteRuntimes[]): string => listWords([...new Set(entries.flatMap((entry) => entry.runtimes))]);
  const fact = (entries: readonly SiteRuntimes[]): SiteFact =>
    siteFact(
      entries.map((entry) => entry.site),
      `runtime: ${runtimesOf(entries)}`,
      'runtimes',
    );
  return {
    failing,
    unknown,
    decided,
    failingMessage: (what, failure) =>
      onSite(
        failing.map((entry) => entry.site),
        `${what} needs ${needs}, but the site runs ${runtimesOf(failing)}: ${failure}. Build the image where a runtime that has it runs, or avoid the feature.`,
      ),
    failingFact: () => fact(failing),
    unknownMessage: (what) =>
      onSite(
        unknown.map((entry) => entry.site),
        `${what} needs ${needs}; the profile lists ${runtimesOf(unknown)} without a version, so check \`apptainer --version\` / \`singularity --version\` there.`,
      ),
    unknownFact: () => fact(unknown),
  };
}

function isDefinitionRuntime(name: RuntimeName): name is DefinitionRuntime {
  return name === 'apptainer' || name === 'singularityce';
}

function accepts(need: RuntimeNeed, runtime: DefinitionRuntime, version: string | undefined): 'yes' | 'no' | 'unknown' {
  const since = need[runtime];
  if (since === null) {
    return 'no';
  }
  const release = version === undefined ? undefined : /^\d+(\.\d+)*/.exec(version)?.[0];
  if (release === undefined) {
    return 'unknown';
  }
  return compareVersions(release, since) >= 0 ? 'yes' : 'no';
}

/** `Apptainer ≥ 1.2 or SingularityCE ≥ 4.0`, `Apptainer ≥ 1.5 (SingularityCE does not have it)`. */
function describeNeed(need: RuntimeNeed): string {
  const forks = (['apptainer', 'singularityce'] as const).filter((fork) => need[fork] !== null).map((fork) => `${LABEL[fork]} ≥ ${need[fork]}`);
  const missing = (['apptainer', 'singularityce'] as const).filter((fork) => need[fork] === null).map((fork) => LABEL[fork]);
  return `${forks.join(' or ')}${missing.length > 0 ? ` (${missing.join(' and ')} does not have it)` : ''}`;
}

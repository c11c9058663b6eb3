// Registry and package mirrors of site profiles: which mirror serves an image or a URL.
import { canonicalRegistry } from '../knowledge/registries';
import type { Site } from './profile';

export interface RegistryMirror {
  site: Site;
  upstream: string;
  mirror: string;
  index: number;
}

/** `docker.io` also answers to its aliases (`index.docker.io`, `registry-1.docker.io`, …). */
function sameRegistry(a: string, b: string): boolean {
  return canonicalRegistry(a) === canonicalRegistry(b);
}

/** The first site mirror of `registry` (`docker.io`, `ghcr.io`, `nvcr.io`, …), if any site has one. */
export function registryMirrorFor(sites: readonly Site[], registry: string): RegistryMirror | undefined {
  for (const site of sites) {
    const mirrors = site.profile.registries?.mirrors ?? [];
    const index = mirrors.findIndex((entry) => sameRegistry(entry.upstream, registry));
    if (index >= 0) {
      return { site, upstream: mirrors[index].upstream, mirror: mirrors[index].mirror.replace(/\/+$/, ''), index };
    }
  }
  return undefined;
}

export interface PackageMirrorMatch {
  site: Site;
  kind: string;
  upstream: string;
  mirror: string;
  index: number;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The site mirror whose `upstream` prefixes `url` (at a path boundary), if any. */
export function packageMirrorFor(sites: readonly Site[], url: string): PackageMirrorMatch | undefined {
  for (const site of sites) {
    const mirrors = site.profile.packageMirrors ?? [];
    for (let index = 0; index < mirrors.length; index++) {
      const { upstream, mirror, kind } = mirrors[index];
      const prefix = upstream.replace(/\/+$/, '');
      if (url === prefix || url.startsWith(withSlash(prefix)) || (url.startsWith(prefix) && /^[?#]/.test(url.slice(prefix.length)))) {
        return { site, kind, upstream: prefix, mirror: mirror.replace(/\/+$/, ''), index };
      }
    }
  }
  return undefined;
}

/** The first PyPI mirror of the sites. */
export function pypiMirror(sites: readonly Site[]): PackageMirrorMatch | undefined {
  for (const site of sites) {
    const mirrors = site.profile.packageMirrors ?? [];
    const index = mirrors.findIndex((entry) => entry.kind === 'pypi');
    if (index >= 0) {
      return { site, kind: 'pypi', upstream: mirrors[index].upstream, mirror: mirrors[index].mirror.replace(/\/+$/, ''), index };
    }
  }
  return undefined;
}

// End-of-life dates of OS releases and runtimes (data/eol.json): which release an image names and when its support ends.
import eolData from '../data/eol.json';
import type { Range, Stage } from '../recipe/model';
import { ngcBase } from './ngc';
import { isDockerHub } from './registries';
import { compareVersions } from './versions';

/** The day the release's package repositories left the default mirrors (a rebuild's package installs fail from then on). */
export interface ReposRemoved {
  date: string;
  /** The hosts the images and bootstraps point at. */
  from: string;
  /** Where the packages went (frozen, no security fixes). */
  archive: string;
}

export interface Cycle {
  cycle: string;
  codename?: string;
  eol: string;
  successor?: string;
  /** End of the product's extended window (`extendedSupport`) for this cycle. */
  extendedEol?: string;
  reposRemoved?: ReposRemoved;
}

/** How a product's images are named (eol.json `images`): `<registry>/<repository>` (`*` = one path part) and a tag pattern whose group 1 is the cycle. */
interface ProductImage {
  repository: string;
  registries: string[];
  tag: string;
}

interface Product {
  label: string;
  images?: ProductImage[];
  /** An extended-support window after `eol`; `free` = it reaches the public images (Debian LTS). */
  extendedSupport?: { name: string; free: boolean; source: string };
  cycles: Cycle[];
  older?: { below: string; eol: string; successor: string; except?: string[]; reposRemoved?: ReposRemoved };
}

export const PRODUCTS = eolData.products as Record<string, Product>;
/** Days before the end of support from which a base is reported as a warning. */
export const WARN_DAYS = 180;

export interface Match {
  product: string;
  cycle: Cycle;
  /** The date is only an upper bound (`older` entry). */
  approximate: boolean;
}

/** The cycle of `product` for a version (`18.04`, `3.9`, `7`) or codename (`bionic`). */
export function findCycle(product: string, version: string): Match | undefined {
  const data = PRODUCTS[product];
  if (!data) {
    return undefined;
  }
  const lower = version.toLowerCase();
  const exact = data.cycles.find((cycle) => cycle.cycle === lower || cycle.codename === lower);
  if (exact) {
    return { product, cycle: exact, approximate: false };
  }
  const older = data.older;
  if (older && /^\d+(\.\d+)*$/.test(lower) && compareVersions(lower, older.below) < 0 && !(older.except ?? []).includes(lower)) {
    return { product, cycle: { cycle: lower, eol: older.eol, successor: older.successor, reposRemoved: older.reposRemoved }, approximate: true };
  }
  return undefined;
}

const UBUNTU_CODENAMES = new Set(PRODUCTS.ubuntu.cycles.map((c) => c.codename).filter(Boolean));
const DEBIAN_CODENAMES = new Set(PRODUCTS.debian.cycles.map((c) => c.codename).filter(Boolean));

/** The release a debootstrap codename (`bionic`, `buster`) names, if the table knows it. */
export function codenameCycle(codename: string): Match | undefined {
  const product = UBUNTU_CODENAMES.has(codename) ? 'ubuntu' : DEBIAN_CODENAMES.has(codename) ? 'debian' : undefined;
  return product ? findCycle(product, codename) : undefined;
}

/** The codename of a release's successor (`jammy` after `focal`), if it has one. */
export function successorCodename(match: Match): string | undefined {
  return PRODUCTS[match.product]?.cycles.find((c) => c.cycle === match.cycle.successor)?.codename;
}

/** A finding candidate: product cycle plus where in the text it was read and how to replace it. */
export interface Hit extends Match {
  /** Offsets (into the recipe text) of the text naming the cycle, when it is literal. */
  span?: { start: number; end: number; replacement?: string };
}

/** A release named in a recipe, with where it is named. */
export interface LocatedHit {
  hit: Hit;
  range: Range;
  /** How the base is written, for the message. */
  source: string;
  /** The stage is the final image or one it inherits from. */
  shipped?: boolean;
}

/** A release named by the base of a stage (rules/util/eol-bases.ts locates them; RecipeFacts keeps them). */
export type BaseHit = LocatedHit & { shipped: boolean; stage: Stage };

export interface ParsedRef {
  registry?: string;
  repository: string;
  tag?: string;
}

/** Splits an image reference written as text (after variable substitution). */
export function parseReference(raw: string): ParsedRef {
  let rest = raw.replace(/@.*$/, '');
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    return { registry, repository: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  }
  return { registry, repository: rest };
}

/**
 * Products named by an image reference: the repository itself (`ubuntu:18.04`, `python:3.9`,
 * `redhat/ubi8`, `spack/centos7`) and distro suffixes inside the tag (`-ubuntu20.04`, `-bullseye`, `-alpine3.18`).
 * `tagOffset`/`repoOffset` locate tag and repository in the text for fixes (undefined if not literal).
 */
export function productsOfImage(ref: ParsedRef, repoOffset?: number, tagOffset?: number): Hit[] {
  const hits: Hit[] = [];
  const repository = ref.repository.toLowerCase().replace(/^library\//, '');
  const last = repository.slice(repository.lastIndexOf('/') + 1);
  const tag = ref.tag ?? '';
  const tagSpan = (start: number, end: number, replacement?: string): Hit['span'] =>
    tagOffset === undefined ? undefined : { start: tagOffset + start, end: tagOffset + end, replacement };
  const add = (hit: Hit | undefined): void => {
    if (hit && !hits.some((other) => other.product === hit.product)) {
      hits.push(hit);
    }
  };
  const withSpan = (match: Match | undefined, span: Hit['span']): Hit | undefined => (match ? { ...match, span } : undefined);

  // The repository is the product.
  const official = ref.registry === undefined || isDockerHub(ref.registry);
  if (last === 'ubuntu' && official) {
    const m = /^(\d\d\.\d\d|[a-z]+)(?=$|[-.])/.exec(tag);
    if (m) {
      const found = findCycle('ubuntu', m[1]);
      const successor = found?.cycle.successor;
      const replacement = successor ? (/^\d/.test(m[1]) ? successor : PRODUCTS.ubuntu.cycles.find((c) => c.cycle === successor)?.codename) : undefined;
      add(withSpan(found, tagSpan(0, tag.length, replacement)));
    }
  } else if (last === 'debian' && official) {
    const m = /^(\d+|[a-z]+)(?:\.\d+)*(-slim)?(?=$|-)/.exec(tag);
    if (m) {
      const found = findCycle('debian', m[1]);
      const successor = found?.cycle.successor;
      const successorName = successor ? (/^\d/.test(m[1]) ? successor : PRODUCTS.debian.cycles.find((c) => c.cycle === successor)?.codename) : undefined;
      add(withSpan(found, tagSpan(0, m[0].length, successorName ? successorName + (m[2] ?? '') : undefined)));
    }
  } else if (last === 'centos' && (official || repository === 'centos/centos')) {
    const stream = /^stream(\d+)/.exec(tag);
    if (stream) {
      const found = findCycle('centos-stream', stream[1]);
      add(withSpan(found, tagSpan(0, stream[0].length, found?.cycle.successor ? `stream${found.cycle.successor}` : undefined)));
    } else {
      const m = /^(?:centos)?(\d+)/.exec(tag);
      const version = m ? m[1] : tag === '' || tag === 'latest' ? '8' : undefined;
      const found = version ? findCycle('centos', version) : undefined;
      // Successor is another repository: replace the whole reference (repoOffset..end of tag).
      const span = repoOffset !== undefined && official && found ? { start: repoOffset, end: (tagOffset ?? repoOffset + ref.repository.length) + tag.length, replacement: 'almalinux:9' } : undefined;
      add(withSpan(found, span));
    }
  } else if ((last === 'rockylinux' || last === 'almalinux') && (official || repository.startsWith(last + '/'))) {
    const m = /^(\d+)/.exec(tag);
    add(withSpan(m ? findCycle(last === 'rockylinux' ? 'rocky' : 'almalinux', m[1]) : undefined, undefined));
  } else if (last === 'alpine' && official) {
    const m = /^(\d+\.\d+)(\.\d+)?/.exec(tag);
    const found = m ? findCycle('alpine', m[1]) : undefined;
    add(withSpan(found, m ? tagSpan(0, m[0].length, found?.cycle.successor) : undefined));
  } else if (last === 'python' && official) {
    const m = /^(\d+\.\d+)(\.\d+)?/.exec(tag);
    const found = m ? findCycle('python', m[1]) : undefined;
    add(withSpan(found, m ? tagSpan(0, m[0].length, found?.cycle.successor) : undefined));
  }

  // Products whose image names the data describes (Fedora, openSUSE Leap, SLE BCI, Amazon Linux, Oracle Linux).
  const fullName = `${(ref.registry ?? 'docker.io').toLowerCase()}/${repository}`;
  for (const [product, data] of Object.entries(PRODUCTS)) {
    for (const image of data.images ?? []) {
      if (!image.registries.some((registry) => imageName(`${registry}/${image.repository}`).test(fullName))) {
        continue;
      }
      const m = new RegExp(image.tag).exec(tag);
      const found = m ? findCycle(product, m[1]) : undefined;
      add(withSpan(found, m ? tagSpan(m.index, m.index + m[1].length, found?.cycle.successor) : undefined));
    }
  }
  // NGC framework images (`nvcr.io/nvidia/pytorch:21.10-py3`) are built on the Ubuntu release their notes name.
  const ngc = ngcBase(ref.registry, repository, tag);
  if (ngc?.ubuntu) {
    add(withSpan(findCycle('ubuntu', ngc.ubuntu), undefined));
  }

  // Successor tags exist for the official images (and quay.io/centos/centos) only; other repositories (`brimstone/ubuntu`) get no fix.
  const libraryRepo = official && /^[^/]+$/.test(repository);
  if (!libraryRepo) {
    for (const hit of hits) {
      if (hit.span && hit.product !== 'centos-stream') {
        hit.span = { ...hit.span, replacement: undefined };
      }
    }
  }

  // UBI in the repository path: `redhat/ubi8`, `ubi8/ubi-minimal`, `registry.access.redhat.com/ubi7`.
  const ubi = /(?:^|\/)(ubi(\d+))(?=$|[-/])/.exec(repository);
  if (ubi) {
    const found = findCycle('ubi', ubi[2]);
    const start = repoOffset === undefined ? undefined : repoOffset + ref.repository.toLowerCase().indexOf(ubi[1], ubi.index);
    add(withSpan(found, start === undefined || !found?.cycle.successor ? undefined : { start, end: start + ubi[1].length, replacement: `ubi${found.cycle.successor}` }));
  }
  // Distro names inside the repository path: `spack/centos7`, `spack/ubuntu-bionic`.
  for (const hit of embedded(repository)) {
    add({ ...hit, span: undefined });
  }
  // Distro suffixes inside the tag: `12.2.0-devel-ubuntu20.04`, `3.9-slim-bullseye`, `3.9-alpine3.18`.
  // Only the official python images are known to publish the successor Debian suffix (`3.12-slim-trixie`).
  const suffixFix = libraryRepo && last === 'python';
  for (const hit of embedded(tag)) {
    add(hit.span ? { ...hit, span: tagSpan(hit.span.start, hit.span.end, suffixFix ? hit.span.replacement : undefined) } : hit);
  }
  return hits;
}

/** `docker.io/opensuse/leap`, `registry.suse.com/bci/*` → an anchored pattern for the full image name. */
function imageName(pattern: string): RegExp {
  let compiled = IMAGE_NAMES.get(pattern);
  if (compiled === undefined) {
    compiled = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);
    IMAGE_NAMES.set(pattern, compiled);
  }
  return compiled;
}

/** The patterns come from the shipped data (a few dozen): each is compiled once. */
const IMAGE_NAMES = new Map<string, RegExp>();

/** Distro releases named inside a tag or repository path (`-ubuntu20.04`, `centos7`, `-bullseye`, `alpine3.18`). */
function embedded(text: string): Hit[] {
  const hits: Hit[] = [];
  const lower = text.toLowerCase();
  const patterns: { regex: RegExp; product: string; successor?: (cycle: Cycle) => string | undefined }[] = [
    { regex: /(?<![a-z0-9])ubuntu[-_]?(\d\d\.\d\d)(?![\d.])/g, product: 'ubuntu' },
    { regex: /(?<![a-z0-9])centos[-_]?(\d)(?![\d])/g, product: 'centos' },
    { regex: /(?<![a-z0-9])rockylinux[-_]?(\d+)(?![\d])/g, product: 'rocky' },
    { regex: /(?<![a-z0-9])ubi(\d+)(?![\d])/g, product: 'ubi' },
    { regex: /(?<![a-z0-9])alpine(3\.\d+)(?![\d])/g, product: 'alpine' },
    { regex: /(?<![a-z0-9])(jessie|stretch|buster|bullseye|bookworm|trixie)(?![a-z0-9])/g, product: 'debian', successor: (c) => PRODUCTS.debian.cycles.find((x) => x.cycle === c.successor)?.codename },
    { regex: /(?<![a-z0-9])(trusty|xenial|bionic|focal|jammy|noble)(?![a-z0-9])/g, product: 'ubuntu' },
  ];
  for (const { regex, product, successor } of patterns) {
    regex.lastIndex = 0;
    for (let m = regex.exec(lower); m; m = regex.exec(lower)) {
      const found = findCycle(product, m[1]);
      if (found) {
        const start = m.index + m[0].indexOf(m[1]);
        const replacement = successor ? successor(found.cycle) : undefined;
        hits.push({ ...found, span: { start, end: start + m[1].length, replacement } });
      }
    }
  }
  return hits;
}

/** The free extended window (Debian LTS) of a cycle, if its product has one: the public images keep getting fixes until `end`. */
export function freeExtendedWindow(hit: Match): { name: string; end: string } | undefined {
  const extended = PRODUCTS[hit.product]?.extendedSupport;
  return extended?.free && hit.cycle.extendedEol ? { name: extended.name, end: hit.cycle.extendedEol } : undefined;
}

/** Whole days from `today` to `date` (negative once past). */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(date) - Date.parse(today)) / 86_400_000);
}

/** `Debian 12 (bookworm)` and `; move to Debian 13` for messages. */
export function describeCycle(hit: Match): { name: string; successorText: string } {
  const product = PRODUCTS[hit.product];
  const name = `${product.label} ${hit.cycle.cycle}${hit.cycle.codename ? ` (${hit.cycle.codename})` : ''}`;
  const successor = hit.cycle.successor;
  const successorText = successor === undefined ? '' : successor.includes(' ') ? `; move to ${successor.replace(/^almalinux/, 'AlmaLinux')} (or Rocky Linux / UBI 9)` : `; move to ${product.label} ${successor}`;
  return { name, successorText };
}

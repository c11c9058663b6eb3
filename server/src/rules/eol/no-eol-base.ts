// HPC-EOL-001: base images (or bootstrapped OS releases) past or near the end of standard security support.
import eolData from '../../data/eol.json';
import { defineRule, type Fix, type RuleContext, type Severity } from '../../engine/rule';
import type { Range, Recipe, Stage, Word } from '../../recipe/model';
import { glibcText, MINIMUM_HOST_GLIBC, oldGlibc } from '../util/base-glibc';
import { ngcBase } from '../util/ngc';
import { baseStageOf, eolBaseCause, finalStageChain, lineIndexOf, offsetOf } from '../util/source';
import { repoWorkarounds, type RepoWorkaround } from '../util/repo-workarounds';
import docs from './no-eol-base.md';

interface Cycle {
  cycle: string;
  codename?: string;
  eol: string;
  successor?: string;
  /** End of the product's extended window (`extendedSupport`) for this cycle. */
  extendedEol?: string;
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
  older?: { below: string; eol: string; successor: string; except?: string[] };
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
    return { product, cycle: { cycle: lower, eol: older.eol, successor: older.successor }, approximate: true };
  }
  return undefined;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

const UBUNTU_CODENAMES = new Set(PRODUCTS.ubuntu.cycles.map((c) => c.codename).filter(Boolean));
const DEBIAN_CODENAMES = new Set(PRODUCTS.debian.cycles.map((c) => c.codename).filter(Boolean));

/** A finding candidate: product cycle plus where in the text it was read and how to replace it. */
export interface Hit extends Match {
  /** Offsets (into the recipe text) of the text naming the cycle, when it is literal. */
  span?: { start: number; end: number; replacement?: string };
}

interface ParsedRef {
  registry?: string;
  repository: string;
  tag?: string;
}

/** Splits an image reference written as text (after variable substitution). */
function parseReference(raw: string): ParsedRef {
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
  const official = ref.registry === undefined || ref.registry === 'docker.io' || ref.registry === 'index.docker.io';
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

export interface LocatedHit {
  hit: Hit;
  range: Range;
  /** How the base is written, for the message. */
  source: string;
  /** The stage is the final image or one it inherits from. */
  shipped?: boolean;
}

/** Every release named by the bases of all stages (stage references excluded). */
export function baseHits(recipe: Recipe): (LocatedHit & { shipped: boolean; stage: Stage })[] {
  const shipped = new Set(finalStageChain(recipe));
  const all: (LocatedHit & { shipped: boolean; stage: Stage })[] = [];
  for (const stage of recipe.stages) {
    if (stage.base.stageRef === undefined) {
      for (const located of stageHits(recipe, stage)) {
        all.push({ ...located, shipped: shipped.has(stage), stage });
      }
    }
  }
  return all;
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

/** The unsafe successor fix of a hit, if one is known. */
export function successorFixes(hit: Hit, range: Range): Fix[] {
  const replacement = hit.span?.replacement;
  return replacement ? [{ title: `Replace with \`${replacement}\` (new OS/runtime release: rebuild and test)`, safe: false, edits: [{ range, newText: replacement }] }] : [];
}

function stageHits(recipe: Recipe, stage: Stage): LocatedHit[] {
  const located: LocatedHit[] = [];
  const index = lineIndexOf(recipe);
  const { base } = stage;
  if (base.image) {
    const image = base.image;
    const raw = image.raw;
    const literal = !/[${]/.test(raw);
    const text = literal ? raw : substitute(recipe, stage, raw);
    if (text === undefined) {
      return located;
    }
    const ref = parseReference(text);
    const start = offsetOf(recipe, image.range.start);
    const repoStart = literal ? start + raw.indexOf(ref.repository, ref.registry ? ref.registry.length : 0) : undefined;
    const tagStart = literal && ref.tag !== undefined ? start + raw.lastIndexOf(`:${ref.tag}`) + 1 : undefined;
    for (const hit of productsOfImage(ref, repoStart, tagStart)) {
      const range = hit.span ? index.range(hit.span.start, hit.span.end) : image.range;
      located.push({ hit, range, source: literal ? `\`${text}\`` : `\`${raw}\` (= \`${text}\`)` });
    }
  }
  const osVersion = base.osVersion;
  if (osVersion && !base.image) {
    const hit = bootstrapHit(stage, osVersion);
    if (hit) {
      located.push({ hit, range: osVersion.range, source: `\`OSVersion: ${osVersion.value}\`` });
    }
  }
  return located;
}

/** `OSVersion:` of debootstrap (codename) or yum/dnf (release number; product from MirrorURL). */
function bootstrapHit(stage: Stage, osVersion: Word): Hit | undefined {
  const value = osVersion.value.trim().toLowerCase();
  if (stage.base.agent === 'debootstrap') {
    const product = UBUNTU_CODENAMES.has(value) ? 'ubuntu' : DEBIAN_CODENAMES.has(value) ? 'debian' : undefined;
    const found = product ? findCycle(product, value) : undefined;
    if (!found) {
      return undefined;
    }
    const successor = PRODUCTS[found.product].cycles.find((c) => c.cycle === found.cycle.successor)?.codename;
    return { ...found, span: successor ? { start: -1, end: -1, replacement: successor } : undefined };
  }
  if (stage.base.agent === 'yum' || stage.base.agent === 'dnf') {
    const mirror = stage.steps.find((step) => step.kind === 'header' && step.key === 'mirrorurl');
    const url = mirror && mirror.kind === 'header' ? mirror.value.value.toLowerCase() : '';
    const product = /centos/.test(url) ? 'centos' : /rockylinux|rocky/.test(url) ? 'rocky' : /almalinux/.test(url) ? 'almalinux' : undefined;
    const major = /^(\d+)/.exec(value)?.[1];
    const found = product && major ? findCycle(product, major) : undefined;
    return found ? { ...found, span: undefined } : undefined;
  }
  return undefined;
}

/** Substitutes `${VAR}`/`$VAR` from global ARG defaults (Dockerfile) and `{{ name }}` from `%arguments` (definition files). */
function substitute(recipe: Recipe, stage: Stage, raw: string): string | undefined {
  const values = new Map<string, string>();
  for (const step of recipe.globalArgs) {
    for (const pair of step.pairs) {
      if (pair.value) {
        values.set(pair.key.value, pair.value.value);
      }
    }
  }
  for (const s of recipe.format === 'apptainer' ? recipe.stages : [stage]) {
    for (const step of s.steps) {
      if (step.kind === 'arg' && recipe.format === 'apptainer') {
        for (const pair of step.pairs) {
          if (pair.value) {
            values.set(pair.key.value, pair.value.value);
          }
        }
      }
    }
  }
  let unresolved = false;
  const text = raw.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)|\{\{\s*(\w+)\s*\}\}/g, (_, braced: string, fallback: string | undefined, bare: string, template: string) => {
    const name = braced ?? bare ?? template;
    const value = values.get(name) ?? fallback;
    if (value === undefined) {
      unresolved = true;
      return '';
    }
    return value;
  });
  return unresolved ? undefined : text;
}

/** `Debian 12 (bookworm)` and `; move to Debian 13` for messages. */
export function describeCycle(hit: Match): { name: string; successorText: string } {
  const product = PRODUCTS[hit.product];
  const name = `${product.label} ${hit.cycle.cycle}${hit.cycle.codename ? ` (${hit.cycle.codename})` : ''}`;
  const successor = hit.cycle.successor;
  const successorText = successor === undefined ? '' : successor.includes(' ') ? `; move to ${successor.replace(/^almalinux/, 'AlmaLinux')} (or Rocky Linux / UBI 9)` : `; move to ${product.label} ${successor}`;
  return { name, successorText };
}

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

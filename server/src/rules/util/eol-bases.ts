// The end-of-life releases a recipe's bases name, located in the text (HPC-EOL-001/002/003, HPC-PORT-007).
import type { Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import { codenameCycle, findCycle, parseReference, productsOfImage, successorCodename, type BaseHit, type Hit, type LocatedHit } from '../../knowledge/eol';
import { factsOf } from '../../recipe/facts';
import type { Range, Recipe, Stage, Word } from '../../recipe/model';
import { lineIndexOf, offsetOf } from './source';

export type { BaseHit, LocatedHit } from '../../knowledge/eol';

/**
 * Every release named by the bases of all stages (stage references excluded), found once per recipe and kept in
 * its RecipeFacts (four rules ask, PORT-007 twice). Shared: never mutate the list or its entries.
 */
export function baseHits(recipe: Recipe): readonly BaseHit[] {
  const facts = factsOf(recipe);
  facts.baseHits ??= locateBaseHits(recipe);
  return facts.baseHits;
}

function locateBaseHits(recipe: Recipe): BaseHit[] {
  const facts = factsOf(recipe);
  const all: BaseHit[] = [];
  for (const stage of recipe.stages) {
    if (stage.base.stageRef === undefined) {
      for (const located of stageHits(recipe, stage)) {
        all.push({ ...located, shipped: facts.isShipped(stage), stage });
      }
    }
  }
  return all;
}

/** The unsafe successor fix of a hit, if one is known. */
export function successorFixes(hit: Hit, range: Range): Fix[] {
  const replacement = hit.span?.replacement;
  return replacement ? [unsafeFix(`Replace with \`${replacement}\` (new OS/runtime release: rebuild and test)`, replace(range, replacement))] : [];
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
    const found = codenameCycle(value);
    if (!found) {
      return undefined;
    }
    const successor = successorCodename(found);
    return { ...found, span: successor ? { start: -1, end: -1, replacement: successor } : undefined };
  }
  if (stage.base.agent === 'yum' || stage.base.agent === 'dnf') {
    const mirror = stage.steps.find((step) => step.kind === 'header' && step.key === 'mirrorurl');
    const url = mirror && mirror.kind === 'header' ? mirror.value.value.toLowerCase() : '';
    const product = /stream\.centos\.org|\/\d+-stream\//.test(url)
      ? 'centos-stream'
      : /centos/.test(url)
        ? 'centos'
        : /rockylinux|rocky/.test(url)
          ? 'rocky'
          : /almalinux/.test(url)
            ? 'almalinux'
            : /yum\.oracle\.com|oraclelinux/.test(url)
              ? 'oraclelinux'
              : /fedoraproject\.org/.test(url)
                ? 'fedora'
                : undefined;
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

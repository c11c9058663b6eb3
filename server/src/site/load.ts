// Loading site profiles: from a file, a bundled name, or a `site:` mapping inside `.hpclint.yaml`.
// Every problem is a ConfigError naming the file and the line.
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ConfigError, MAX_CONFIG_BYTES } from '../engine/config';
import { readBounded, repositoryEscape } from '../io/boundedRead';
import { targetFeatures } from './cpu';
import { BUNDLED_PROFILES } from './profiles/index';
import type { Partition, Site, SiteProfile } from './profile';
import { validateNode } from './schema';

/** How a configuration names a site: a bundled name or a path, or an inline profile; optionally narrowed to partitions. */
export interface SiteReference {
  /** Bundled name or file path (relative to `baseDir`), or an inline profile. */
  profile: string | SiteProfile;
  partitions?: string[];
  /** Where the reference is written (for error messages). */
  file: string;
  line: number;
  baseDir: string;
}

/** One parsed YAML file and a way to turn its nodes into `file:line` errors. */
export class YamlSource {
  private constructor(
    readonly document: Document.Parsed,
    readonly lineCounter: LineCounter,
    readonly file: string,
  ) {}

  /** Parses `text`; a syntax error is a ConfigError at its line. */
  static parse(text: string, file: string): YamlSource {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const syntaxError = document.errors[0];
    if (syntaxError) {
      const line = syntaxError.linePos?.[0].line ?? lineCounter.linePos(syntaxError.pos[0]).line;
      throw new ConfigError(file, line, `invalid YAML: ${syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
    }
    return new YamlSource(document, lineCounter, file);
  }

  /** Wraps a document someone else parsed with `lineCounter`. */
  static of(document: Document.Parsed, lineCounter: LineCounter, file: string): YamlSource {
    return new YamlSource(document, lineCounter, file);
  }

  lineOf(node: Node | Pair | null | undefined): number {
    const range = node && 'range' in node && node.range ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    return range ? this.lineCounter.linePos(range[0]).line : 1;
  }

  fail(node: Node | Pair | null | undefined, message: string): never {
    throw new ConfigError(this.file, this.lineOf(node), message);
  }
}

/** Parses a profile file's text (YAML or JSON). */
export function parseProfileText(text: string, file: string): SiteProfile {
  const source = YamlSource.parse(text, file);
  return profileFromNode(source.document.contents as Node | null, source, '');
}

/** Validates a profile node (a whole file, or the `site:` value of a config file) and converts it. */
export function profileFromNode(node: Node | null, source: YamlSource, prefix: string): SiteProfile {
  if (node === null || (isScalar(node) && (node.value === null || node.value === ''))) {
    source.fail(node, prefix ? `${prefix} is empty: expected a site profile` : 'empty site profile: expected "name" and "partitions"');
  }
  const [problem] = validateNode(node);
  if (problem) {
    const message = prefix ? problem.message.replace(/^the profile/, prefix).replace(/ in the profile/, ` in ${prefix}`) : problem.message;
    source.fail(problem.node, message);
  }
  const profile = (node as Node).toJSON() as SiteProfile;
  checkConsistency(profile, node as Node, source);
  return profile;
}

/** Rules the schema cannot express: unique partitions, microarchitecture matching the architecture, GPU fields per vendor. */
function checkConsistency(profile: SiteProfile, node: Node, source: YamlSource): void {
  const partitionsNode = isMap(node) ? (node.get('partitions', true) as Node | undefined) : undefined;
  const partitionNodes = isSeq(partitionsNode) ? (partitionsNode.items as Node[]) : [];
  const seen = new Set<string>();
  profile.partitions.forEach((partition, index) => {
    const at = partitionNodes[index] ?? node;
    if (seen.has(partition.name)) {
      source.fail(at, `partition "${partition.name}" is listed twice`);
    }
    seen.add(partition.name);
    const microarch = partition.cpu.microarch;
    const features = microarch ? targetFeatures(microarch) : undefined;
    if (features && features.arch !== partition.cpu.arch) {
      source.fail(at, `partition "${partition.name}": microarch "${microarch}" is not an ${partition.cpu.arch} CPU (it is ${features.arch})`);
    }
    for (const gpu of partition.gpus ?? []) {
      if (gpu.computeCapability !== undefined && gpu.vendor !== 'nvidia') {
        source.fail(at, `partition "${partition.name}": computeCapability is an NVIDIA property; ${gpu.vendor} GPUs use "target"`);
      }
      if (gpu.target !== undefined && gpu.vendor !== 'amd') {
        source.fail(at, `partition "${partition.name}": "target" (gfx…) is an AMD property; NVIDIA GPUs use "computeCapability"`);
      }
    }
  });
}

/** Reads a profile file. */
export function loadProfileFile(path: string): SiteProfile {
  const read = readBounded(path, MAX_CONFIG_BYTES);
  if (read.kind === 'unreadable') {
    throw new ConfigError(path, 1, `cannot read site profile: ${read.reason}`);
  }
  if (read.kind === 'tooLarge') {
    throw new ConfigError(path, 1, `site profile is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MB`);
  }
  return parseProfileText(read.bytes.toString('utf8'), path);
}

const bundledCache = new Map<string, SiteProfile>();

/** A bundled profile by name (parsed once). */
export function bundledProfile(name: string): SiteProfile | undefined {
  const text = Object.prototype.hasOwnProperty.call(BUNDLED_PROFILES, name) ? BUNDLED_PROFILES[name] : undefined;
  if (text === undefined) {
    return undefined;
  }
  let profile = bundledCache.get(name);
  if (!profile) {
    profile = parseProfileText(text, `bundled:${name}`);
    bundledCache.set(name, profile);
  }
  return profile;
}

export function bundledProfileNames(): string[] {
  return Object.keys(BUNDLED_PROFILES).sort();
}

/** Profile files are named `*.hpclint-site.yaml` (or `.yml`, `.json`): editors and file watchers find them by that name. */
export function isSiteProfileName(baseName: string): boolean {
  return /\.hpclint-site\.(ya?ml|json)$/i.test(baseName);
}

/** True when a `--site`/`site:` value names a file rather than a bundled profile. */
export function looksLikePath(value: string): boolean {
  return /[/\\]/.test(value) || /\.(ya?ml|json)$/i.test(value);
}

/** Loads the profile a reference names and applies its partition filter. */
export function resolveSiteReference(reference: SiteReference): Site {
  let profile: SiteProfile;
  let origin: string;
  if (typeof reference.profile !== 'string') {
    profile = reference.profile;
    origin = reference.file;
  } else if (looksLikePath(reference.profile)) {
    origin = isAbsolute(reference.profile) ? reference.profile : resolve(reference.baseDir, reference.profile);
    // A config file in a checkout may name profiles in that checkout only.
    const escape = isAbsolute(reference.file) ? repositoryEscape(origin, reference.file) : undefined;
    if (escape !== undefined) {
      throw new ConfigError(reference.file, reference.line, `site profile ${escape}`);
    }
    profile = loadProfileFile(origin);
  } else {
    const bundled = bundledProfile(reference.profile);
    if (!bundled) {
      throw new ConfigError(
        reference.file,
        reference.line,
        `unknown site profile "${reference.profile}" (bundled: ${bundledProfileNames().join(', ')}; or give a path to a profile file)`,
      );
    }
    profile = bundled;
    origin = `bundled:${reference.profile}`;
  }
  return { profile, origin, partitions: selectPartitions(profile, reference) };
}

function selectPartitions(profile: SiteProfile, reference: SiteReference): Partition[] {
  if (!reference.partitions || reference.partitions.length === 0) {
    return profile.partitions;
  }
  return reference.partitions.map((name) => {
    const partition = profile.partitions.find((candidate) => candidate.name === name);
    if (!partition) {
      throw new ConfigError(
        reference.file,
        reference.line,
        `site "${profile.name}" has no partition "${name}" (partitions: ${profile.partitions.map((p) => p.name).join(', ')})`,
      );
    }
    return partition;
  });
}

/**
 * A `--site` value: a bundled name or a profile path, optionally narrowed with `:part1,part2`
 * (`lumi:lumi-g`, `./sites/x.hpclint-site.yaml:gpu`).
 */
export function referenceFromArgument(value: string, cwd: string): SiteReference {
  const colon = value.lastIndexOf(':');
  const hasFilter = colon > 0 && !/^[a-z]:[\\/]/i.test(value) && !value.slice(colon + 1).includes('/');
  const profile = hasFilter ? value.slice(0, colon) : value;
  const partitions = hasFilter ? value.slice(colon + 1).split(',').map((name) => name.trim()).filter(Boolean) : undefined;
  return { profile, partitions, file: '--site', line: 1, baseDir: cwd };
}

/**
 * Reads the `site:` value of a config file: a name or path, `{ profile, partitions }`, an inline
 * profile, or a list of these.
 */
export function siteReferencesFromNode(node: Node | null, source: YamlSource): SiteReference[] {
  const baseDir = dirname(source.file);
  const one = (item: Node | null): SiteReference => {
    const line = source.lineOf(item);
    if (isScalar(item) && typeof item.value === 'string' && item.value.trim() !== '') {
      return { profile: item.value.trim(), file: source.file, line, baseDir };
    }
    if (isMap(item) && item.has('profile')) {
      const profileNode = item.get('profile', true) as Node | null;
      if (!isScalar(profileNode) || typeof profileNode.value !== 'string' || profileNode.value.trim() === '') {
        source.fail(profileNode ?? item, 'site.profile must be a bundled profile name or a path to a profile file');
      }
      for (const pair of item.items as Pair[]) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key !== 'profile' && key !== 'partitions') {
          source.fail(pair.key as Node, `unknown key "${key}" in a site reference (expected profile, partitions)`);
        }
      }
      const partitionsNode = item.get('partitions', true) as Node | null | undefined;
      let partitions: string[] | undefined;
      if (partitionsNode !== undefined && partitionsNode !== null) {
        if (!isSeq(partitionsNode) || !partitionsNode.items.every((entry) => isScalar(entry) && typeof entry.value === 'string')) {
          source.fail(partitionsNode, 'site.partitions must be a list of partition names');
        }
        partitions = (partitionsNode.items as { value: string }[]).map((entry) => entry.value);
      }
      return { profile: (profileNode as { value: string }).value.trim(), partitions, file: source.file, line, baseDir };
    }
    if (isMap(item)) {
      return { profile: profileFromNode(item, source, 'site'), file: source.file, line, baseDir };
    }
    return source.fail(item, 'site must be a bundled profile name, a path to a profile file, a profile mapping, or a list of these');
  };
  if (isSeq(node)) {
    if (node.items.length === 0) {
      source.fail(node, 'site: the list is empty');
    }
    return node.items.map((item) => one(item as Node | null));
  }
  return [one(node)];
}

// `.hadolint.yaml` read as a lower layer of hpclint's configuration, so teams keep one file while they switch:
// `ignored` and `override` map through the DL table (and ShellCheck codes), `trustedRegistries` feeds
// HPC-SEC-002, `failure-threshold` becomes the CLI's default `--fail-on`, and a licence label in
// `label-schema` makes HPC-LIC-006 a warning. hpclint's own setting for a rule wins (see engine/lint.ts).
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { ConfigError, findConfigFile, MAX_CONFIG_BYTES, type ConfigOverride } from '../engine/config';
import { readBounded, repositoryEscape } from '../io/boundedRead';
import type { SeveritySetting } from '../engine/rule';

export const HADOLINT_CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'] as const;

export type FailureThreshold = 'error' | 'warning' | 'info' | 'hint' | 'never';

export interface HadolintLayer extends ConfigOverride {
  path: string;
  /** `failure-threshold` as hpclint's `--fail-on` (style → hint, ignore/none → never). */
  failOn?: FailureThreshold;
}

const OVERRIDE_LEVELS: Record<string, SeveritySetting> = { error: 'error', warning: 'warning', info: 'info', style: 'hint' };
const THRESHOLDS: Record<string, FailureThreshold> = { error: 'error', warning: 'warning', info: 'info', style: 'hint', ignore: 'never', none: 'never' };
const LICENSE_LABELS = new Set(['org.opencontainers.image.licenses']);

/** The nearest `.hadolint.yaml`/`.yml` in `startDir` or above (same walk as `.hpclint.yaml`). */
export function findHadolintConfig(startDir: string, stopDir?: string): string | undefined {
  return findConfigFile(startDir, stopDir, HADOLINT_CONFIG_NAMES);
}

/**
 * Reads a `.hadolint.yaml` (found by the upward search: like a looked-up `.hpclint.yaml`, a regular file of at
 * most 1 MB, not through a link out of its repository); keys hpclint has no use for are skipped; throws
 * `ConfigError` for bad YAML or bad values of the keys it reads.
 */
export function loadHadolintConfig(path: string): HadolintLayer {
  const escape = repositoryEscape(path);
  if (escape !== undefined) {
    throw new ConfigError(path, 1, escape);
  }
  const read = readBounded(path, MAX_CONFIG_BYTES);
  if (read.kind === 'unreadable') {
    throw new ConfigError(path, 1, `cannot read hadolint config: ${read.reason}`);
  }
  if (read.kind === 'tooLarge') {
    throw new ConfigError(path, 1, `hadolint config is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MB`);
  }
  return { path, ...parseHadolintConfig(read.bytes.toString('utf8'), path) };
}

export function parseHadolintConfig(text: string, path: string): Omit<HadolintLayer, 'path'> {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (node: Node | Pair | null | undefined, message: string): never => {
    const range = node && 'range' in node && node.range ? node.range : undefined;
    throw new ConfigError(path, range ? lineCounter.linePos(range[0]).line : 1, message);
  };
  const syntaxError = document.errors[0];
  if (syntaxError) {
    throw new ConfigError(path, syntaxError.linePos?.[0].line ?? 1, `invalid YAML: ${syntaxError.message.split('\n')[0]}`);
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return {};
  }
  if (!isMap(root)) {
    return fail(root, 'expected a mapping of hadolint settings');
  }
  const layer: Omit<HadolintLayer, 'path'> = {};
  const compat: Array<{ key: string; setting: SeveritySetting }> = [];
  const severities: Array<{ key: string; setting: SeveritySetting }> = [];
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    switch (key) {
      case 'ignored':
        for (const code of codeList(value, 'ignored', fail)) {
          compat.push({ key: code, setting: 'off' });
        }
        break;
      case 'override':
        if (value !== null && !isMap(value)) {
          fail(value, 'override must be a mapping of error|warning|info|style to lists of rule codes');
        }
        for (const item of isMap(value) ? value.items : []) {
          const level = isScalar(item.key) ? String(item.key.value).toLowerCase() : '';
          const setting = OVERRIDE_LEVELS[level];
          if (!setting) {
            fail(item.key as Node, `unknown override level "${level}" (expected error, warning, info or style)`);
          }
          for (const code of codeList(item.value as Node | null, `override.${level}`, fail)) {
            severities.push({ key: code, setting });
          }
        }
        break;
      case 'trustedRegistries':
        layer.trustedRegistries = isScalar(value) && typeof value.value === 'string' ? [value.value] : codeList(value, 'trustedRegistries', fail);
        break;
      case 'failure-threshold': {
        const threshold = isScalar(value) ? THRESHOLDS[String(value.value).toLowerCase()] : undefined;
        if (!threshold) {
          fail(value ?? pair, 'failure-threshold must be error, warning, info, style, ignore or none');
        }
        layer.failOn = threshold;
        break;
      }
      case 'label-schema':
        if (isMap(value) && value.items.some((item) => isScalar(item.key) && LICENSE_LABELS.has(String(item.key.value)))) {
          severities.push({ key: 'HPC-LIC-006', setting: 'warning' });
        }
        break;
      default:
        break; // format, no-color, no-fail, strict-labels, disable-ignore-pragma: nothing for hpclint to do
    }
  }
  // hadolint drops ignored rules whatever their override says: ignored entries come first (first match wins).
  compat.push(...severities);
  if (compat.length > 0) {
    layer.compat = compat;
  }
  return layer;
}

function codeList(value: Node | null, name: string, fail: (node: Node | Pair | null | undefined, message: string) => never): string[] {
  if (value === null || (isScalar(value) && value.value === null)) {
    return [];
  }
  if (!isSeq(value)) {
    return fail(value, `${name} must be a list`);
  }
  return value.items.map((item) => {
    if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
      return fail(item as Node, `${name} must be a list of strings`);
    }
    return String(item.value).trim();
  });
}

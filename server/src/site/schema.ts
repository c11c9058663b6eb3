// A small JSON Schema (draft-07 subset) validator that walks YAML nodes, so every problem has a node
// and therefore a line. It supports what schemas/site-profile.schema.json uses: type, enum, pattern,
// minimum, minItems, minLength, properties, required, additionalProperties, items, $ref (local).
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import profileSchema from '../../../schemas/site-profile.schema.json';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  /** VS Code's extension keyword: the message shown when `pattern` fails. */
  patternErrorMessage?: string;
  minimum?: number;
  minItems?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  $ref?: string;
  definitions?: Record<string, JsonSchema>;
  description?: string;
  markdownDescription?: string;
}

export const SITE_PROFILE_SCHEMA = profileSchema as JsonSchema;

export interface SchemaProblem {
  /** The node the problem is about (a key node for unknown or missing properties). */
  node: Node | Pair | null;
  /** Dotted path of the value, `partitions[0].cpu.arch`. */
  path: string;
  message: string;
}

/** Every problem of `node` against `schema`, in document order of discovery. */
export function validateNode(node: Node | null, schema: JsonSchema = SITE_PROFILE_SCHEMA, root: JsonSchema = SITE_PROFILE_SCHEMA): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(node, schema, root, '', problems);
  return problems;
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) {
    return schema;
  }
  const match = /^#\/definitions\/(.+)$/.exec(schema.$ref);
  const target = match ? root.definitions?.[match[1]] : undefined;
  if (!target) {
    throw new Error(`unsupported $ref ${schema.$ref}`);
  }
  return resolve(target, root);
}

function typeOf(node: Node | null): string {
  if (node === null || node === undefined) {
    return 'null';
  }
  if (isMap(node)) {
    return 'object';
  }
  if (isSeq(node)) {
    return 'array';
  }
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) {
      return 'null';
    }
    if (typeof value === 'number') {
      return Number.isInteger(value) ? 'integer' : 'number';
    }
    return typeof value;
  }
  return 'unknown';
}

function typeMatches(actual: string, expected: string): boolean {
  return actual === expected || (expected === 'number' && actual === 'integer');
}

const ARTICLE: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  null: 'empty',
};

function describeType(type: string): string {
  return ARTICLE[type] ?? type;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${path}[${key}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}

function label(path: string): string {
  return path === '' ? 'the profile' : `"${path}"`;
}

function check(node: Node | null, rawSchema: JsonSchema, root: JsonSchema, path: string, problems: SchemaProblem[]): void {
  const schema = resolve(rawSchema, root);
  const actual = typeOf(node);
  if (schema.type !== undefined) {
    const expected = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!expected.some((type) => typeMatches(actual, type))) {
      const shown = typeof (node as { value?: unknown } | null)?.value === 'string' ? ` "${String((node as { value: unknown }).value)}"` : '';
      const quote = expected.includes('string') && (actual === 'number' || actual === 'integer' || actual === 'boolean') ? ' (write it in quotes)' : '';
      problems.push({ node, path, message: `${label(path)} must be ${expected.map(describeType).join(' or ')}, not ${describeType(actual)}${shown}${quote}` });
      return;
    }
  }
  if (schema.enum !== undefined && isScalar(node) && !schema.enum.includes(node.value)) {
    problems.push({ node, path, message: `${label(path)}: unknown value "${String(node.value)}"${suggest(String(node.value), schema.enum.map(String))}` });
    return;
  }
  if (isScalar(node) && typeof node.value === 'string') {
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(node.value)) {
      problems.push({ node, path, message: `${label(path)}: "${node.value}" ${schema.patternErrorMessage ?? `must match ${schema.pattern}`}` });
    }
    if (schema.minLength !== undefined && node.value.length < schema.minLength) {
      problems.push({ node, path, message: `${label(path)} must not be empty` });
    }
  }
  if (isScalar(node) && typeof node.value === 'number' && schema.minimum !== undefined && node.value < schema.minimum) {
    problems.push({ node, path, message: `${label(path)} must be at least ${schema.minimum}` });
  }
  if (isSeq(node)) {
    if (schema.minItems !== undefined && node.items.length < schema.minItems) {
      problems.push({ node, path, message: `${label(path)} needs at least ${schema.minItems} ${schema.minItems === 1 ? 'entry' : 'entries'}` });
    }
    if (schema.items) {
      node.items.forEach((item, index) => check(item as Node | null, schema.items as JsonSchema, root, join(path, index), problems));
    }
  }
  if (isMap(node)) {
    checkMapping(node.items as Pair[], node, schema, root, path, problems);
  }
}

function checkMapping(pairs: Pair[], node: Node, schema: JsonSchema, root: JsonSchema, path: string, problems: SchemaProblem[]): void {
  const present = new Set<string>();
  const known = schema.properties ?? {};
  for (const pair of pairs) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      problems.push({ node: keyNode ?? pair, path, message: `keys in ${label(path)} must be plain names` });
      continue;
    }
    present.add(key);
    const propertySchema = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
    if (propertySchema) {
      check(pair.value as Node | null, propertySchema, root, join(path, key), problems);
    } else if (schema.additionalProperties === false) {
      problems.push({ node: keyNode, path: join(path, key), message: `unknown key "${key}" in ${label(path)}${suggest(key, Object.keys(known))}` });
    } else if (typeof schema.additionalProperties === 'object') {
      check(pair.value as Node | null, schema.additionalProperties, root, join(path, key), problems);
    }
  }
  for (const required of schema.required ?? []) {
    if (!present.has(required)) {
      problems.push({ node, path: join(path, required), message: `${label(path)} needs "${required}"` });
    }
  }
}

/** ` (did you mean "x"?)`, or the list of allowed values when short enough. */
function suggest(value: string, allowed: readonly string[]): string {
  const lower = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))) {
    return ` (did you mean "${best}"?)`;
  }
  return allowed.length <= 12 ? ` (expected one of: ${allowed.join(', ')})` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

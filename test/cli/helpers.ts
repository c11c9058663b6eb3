// Runs the bundled CLI (dist/cli.js) as a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

export const root = join(__dirname, '../..');
export const cliPath = join(root, 'dist/cli.js');
export const fixtures = join(root, 'test/fixtures/cli');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function ensureBuilt(): void {
  if (!existsSync(cliPath)) {
    const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) {
      throw new Error(`build failed: ${build.stderr}`);
    }
  }
}

export function runCli(args: readonly string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  ensureBuilt();
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? root,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, HPCLINT_TODAY: '2026-01-15', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonReport {
  version: number;
  tool: { name: string; version: string };
  files: Array<{
    path: string;
    format: string;
    diagnostics: Array<{
      code: string;
      name: string;
      category: string;
      severity: string;
      message: string;
      line: number;
      column: number;
      endLine: number;
      endColumn: number;
      fixable: boolean;
    }>;
  }>;
}

export function parseJson(run: CliRun): JsonReport {
  return JSON.parse(run.stdout) as JsonReport;
}

export const SARIF_SCHEMA = join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/** A validator for the SARIF 2.1.0 schema, or undefined when the schema is not installed. */
export function sarifValidator(): ValidateFunction | undefined {
  if (!existsSync(SARIF_SCHEMA)) {
    return undefined;
  }
  // The schema is draft-04 with a non-unicode regex; Ajv 8 reads it once `id` is spelled `$id`.
  const schema = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as Record<string, unknown>;
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

// xml2js (sax underneath, strict mode) ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const xml2js = require('xml2js') as {
  parseString: (xml: string, options: Record<string, unknown>, callback: (error: Error | null, result: unknown) => void) => void;
};

export interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: unknown;
}

/** Parses XML strictly (a malformed report throws). */
export function parseXml(text: string): Record<string, XmlNode> {
  let parsed: unknown;
  let failure: Error | null = null;
  xml2js.parseString(text, { async: false, strict: true, explicitArray: true }, (error, result) => {
    failure = error;
    parsed = result;
  });
  if (failure) {
    throw failure;
  }
  return parsed as Record<string, XmlNode>;
}

export const children = (node: XmlNode, name: string): XmlNode[] => (node[name] as XmlNode[] | undefined) ?? [];

// Command-line parsing for `hpclint [options] <file|dir>…`.
import type { SeveritySetting } from '../engine/rule';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
export type FailOn = 'error' | 'warning' | 'info' | 'never';

export interface CliOptions {
  paths: string[];
  format: OutputFormat;
  config?: string;
  rules: Array<{ key: string; severity: SeveritySetting }>;
  failOn: FailOn;
  explain?: string;
  listRules: boolean;
  fix: boolean;
  stdin: boolean;
  stdinFilename?: string;
  version: boolean;
  help: boolean;
}

/** A bad command line; printed as one line on stderr, exit status 2. */
export class UsageError extends Error {}

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github'];
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];
const SEVERITIES: readonly SeveritySetting[] = ['off', 'error', 'warning', 'info', 'hint'];

export const USAGE = `Usage: hpclint [options] <file|dir>...
       hpclint lsp --stdio

Lints Dockerfiles/Containerfiles and Apptainer/Singularity definition files for HPC pitfalls.
Directories are searched for recipes (skipping node_modules and .git).

Options:
  --format text|json|sarif|github   Output format (default: text)
  --config FILE                     Use this config file instead of looking for .hpclint.yaml
  --rule CODE=SEVERITY              Set a rule's severity: off|error|warning|info|hint (repeatable)
  --fail-on error|warning|info|never
                                    Exit 1 when a finding is at or above this level (default: warning)
  --fix                             Apply safe fixes in place, then report what is left
  --stdin                           Read one recipe from standard input
  --stdin-filename NAME             File name for --stdin (format detection, config lookup, output)
  --explain CODE                    Print a rule's documentation (code or name)
  --list-rules                      List every rule
  --version                         Print the version
  --help                            Print this help

Exit status: 0 = nothing at or above --fail-on, 1 = findings at or above it,
2 = usage error, unreadable file or invalid config.`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    paths: [],
    format: 'text',
    rules: [],
    failOn: 'warning',
    listRules: false,
    fix: false,
    stdin: false,
    version: false,
    help: false,
  };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      options.paths.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) {
        return inline;
      }
      const next = argv[i + 1];
      if (next === undefined) {
        throw new UsageError(`option ${name} needs a value`);
      }
      i++;
      return next;
    };
    const flag = (): true => {
      if (inline !== undefined) {
        throw new UsageError(`option ${name} takes no value`);
      }
      return true;
    };
    switch (name) {
      case '--':
        onlyPaths = true;
        break;
      case '--format':
      case '-f':
        options.format = oneOf(value(), FORMATS, name);
        break;
      case '--config':
      case '-c':
        options.config = value();
        break;
      case '--rule':
        options.rules.push(parseRuleOption(value()));
        break;
      case '--fail-on':
        options.failOn = oneOf(value(), FAIL_ON, name);
        break;
      case '--explain':
        options.explain = value();
        break;
      case '--list-rules':
        options.listRules = flag();
        break;
      case '--fix':
        options.fix = flag();
        break;
      case '--stdin':
        options.stdin = flag();
        break;
      case '--stdin-filename':
        options.stdinFilename = value();
        break;
      case '--version':
      case '-v':
        options.version = flag();
        break;
      case '--help':
      case '-h':
        options.help = flag();
        break;
      default:
        throw new UsageError(`unknown option ${name} (see hpclint --help)`);
    }
  }
  if (options.stdinFilename !== undefined && !options.stdin) {
    throw new UsageError('--stdin-filename needs --stdin');
  }
  if (options.stdin && options.paths.length > 0) {
    throw new UsageError('--stdin cannot be combined with file or directory arguments');
  }
  if (options.stdin && options.fix) {
    throw new UsageError('--fix cannot be combined with --stdin');
  }
  return options;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`invalid value "${value}" for ${option} (expected ${allowed.join('|')})`);
  }
  return value as T;
}

function parseRuleOption(text: string): { key: string; severity: SeveritySetting } {
  const eq = text.lastIndexOf('=');
  if (eq <= 0) {
    throw new UsageError(`invalid --rule "${text}" (expected CODE=off|error|warning|info|hint)`);
  }
  const key = text.slice(0, eq).trim();
  const severity = oneOf(text.slice(eq + 1).trim().toLowerCase(), SEVERITIES, `--rule ${key}`);
  return { key, severity };
}

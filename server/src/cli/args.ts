// Command-line parsing for `hpclint [options] <file|dir>…`.
import { SEVERITIES, SEVERITY_SETTINGS, type Severity, type SeveritySetting } from '../engine/rule';

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github' | 'gitlab' | 'checkstyle' | 'junit';
export type ColorMode = 'auto' | 'always' | 'never';
export type FailOn = Severity | 'never';

export interface CliOptions {
  paths: string[];
  format: OutputFormat;
  config?: string;
  /** `--site NAME|FILE[:partition,…]` values, in order (replace the config file's `site:`). */
  sites: string[];
  rules: Array<{ key: string; severity: SeveritySetting }>;
  failOn: FailOn;
  /**
   * Lowest severity reported (`--min-severity`, default `info`: hints are for the editor). Findings that
   * can fail the run (at or above `--fail-on`) are always reported.
   */
  minSeverity: Severity;
  /** `--fail-on` was given (otherwise a `.hadolint.yaml` failure-threshold may set it). */
  failOnGiven?: boolean;
  explain?: string;
  listRules: boolean;
  fix: boolean;
  stdin: boolean;
  stdinFilename?: string;
  version: boolean;
  help: boolean;
  /** Colour in text output: `auto` = only on a terminal and without NO_COLOR. */
  color: ColorMode;
  /** Report (and fail on) errors only. */
  quiet: boolean;
  /** Treat named files like files found in directories: skip those that are not recipes. */
  ignoreUnknown: boolean;
  /** Run ShellCheck on the recipes' scripts when it is installed (`--no-shellcheck` turns it off). */
  shellcheck: boolean;
  /** ShellCheck executable to use instead of `shellcheck` on the PATH. */
  shellcheckPath?: string;
  /** `--shellcheck-cache FILE`: keep ShellCheck's results between runs in this file. */
  shellcheckCache?: string;
}

/** A bad command line; printed as one line on stderr, exit status 2. */
export class UsageError extends Error {}

export const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif', 'github', 'gitlab', 'checkstyle', 'junit'];
const COLOR_MODES: readonly ColorMode[] = ['auto', 'always', 'never'];
const FAIL_ON: readonly FailOn[] = [...SEVERITIES, 'never'];

/** Severities in order, for `--fail-on` and `--min-severity` comparisons (`never` fails on nothing). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1, hint: 0 };
export const FAIL_ON_RANK: Readonly<Record<FailOn, number>> = { ...SEVERITY_RANK, never: Infinity };

export const USAGE = `Usage: hpclint [options] <file|dir>...
       hpclint [options] --stdin [--stdin-filename NAME]    (or - as the only path)
       hpclint convert <Dockerfile> [options]               (see hpclint convert --help)
       hpclint lsp --stdio                                  (language server for any LSP editor)
       hpclint site list|show|check|schema|init             (site profiles: see hpclint site --help)

Lints Dockerfiles/Containerfiles and Apptainer/Singularity definition files for HPC pitfalls.
Directories are searched for recipes (skipping node_modules and .git).

Commands:
  (none)                            Lint the given files and directories
  convert                           Convert a Dockerfile to an Apptainer definition file
  lsp --stdio                       Start the language server on stdin/stdout
  site                              Site profiles: list, show, check, schema, init

Options:
  -f, --format FORMAT               Output format (default: text):
                                      text        path:line:col severity CODE message, with a summary
                                      json        hpclint's JSON report (version 1)
                                      sarif       SARIF 2.1.0 (GitHub code scanning and other viewers)
                                      github      GitHub Actions workflow annotations
                                      gitlab      GitLab Code Quality report (Code Climate JSON)
                                      checkstyle  Checkstyle XML (Jenkins, Gerrit, reviewdog)
                                      junit       JUnit XML (Jenkins, GitLab and other test reports)
  -c, --config FILE                 Use this config file instead of looking for .hpclint.yaml
      --rule CODE=SEVERITY          Set a rule's severity: off|error|warning|info|hint (repeatable)
      --site NAME|FILE[:PARTITIONS] Check against a site profile: a bundled name (hpclint site list) or a
                                    profile file, optionally narrowed to partitions (lumi:lumi-g);
                                    repeatable for several target sites; replaces the config's site:
      --fail-on error|warning|info|hint|never
                                    Exit 1 when a finding is at or above this level (default: warning)
      --min-severity error|warning|info|hint
                                    Report findings at or above this level (default: info; hints, which are
                                    style and hygiene, show in the editor and with --min-severity hint)
  -q, --quiet                       Report errors only (and exit 1 only for errors)
      --color auto|always|never     Colour text output (default: auto: on a terminal, unless NO_COLOR is set)
      --no-color                    Same as --color never
      --fix                         Apply safe fixes in place, then report what is left
      --ignore-unknown              Skip named files that are not recipes (for pre-commit, lint-staged)
      --no-shellcheck               Do not run ShellCheck on RUN lines and script sections
                                    (by default it runs when shellcheck is on the PATH; codes shellcheck/SC<NNNN>)
      --shellcheck FILE             ShellCheck executable to run instead of the one on the PATH
      --shellcheck-cache FILE       Keep ShellCheck's results in FILE between runs (by script text and
                                    ShellCheck version); a script checked before is not checked again
      --stdin                       Read one recipe from standard input
      --stdin-filename NAME         File name for --stdin (format detection, config lookup, output)
      --explain CODE                Print a rule's documentation (code or name)
      --list-rules                  List every rule
  -v, --version                     Print the version
  -h, --help                        Print this help

Paths in the output are relative to the working directory.
Exit status: 0 = nothing at or above --fail-on, 1 = findings at or above it,
2 = usage error, unreadable file or invalid config.`;

export const LSP_USAGE = `Usage: hpclint lsp [--stdio | --node-ipc | --socket=PORT]

Starts the hpclint language server (stdio when no transport is named) for any LSP client:
diagnostics, hovers, code actions, fix-all, and editor features for Dockerfiles and
Apptainer/Singularity definition files. Settings come from the client's "hpclint" section
(workspace/configuration) and from .hpclint.yaml files. See the README's "Other editors".`;

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    paths: [],
    format: 'text',
    sites: [],
    rules: [],
    failOn: 'warning',
    minSeverity: 'info',
    listRules: false,
    fix: false,
    stdin: false,
    version: false,
    help: false,
    color: 'auto',
    quiet: false,
    ignoreUnknown: false,
    shellcheck: true,
  };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-' && !onlyPaths) {
      options.stdin = true;
      continue;
    }
    if (onlyPaths || !arg.startsWith('-')) {
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
      case '--site': {
        const site = value().trim();
        if (site === '') {
          throw new UsageError('--site needs a bundled profile name or a profile file');
        }
        options.sites.push(site);
        break;
      }
      case '--fail-on':
        options.failOn = oneOf(value(), FAIL_ON, name);
        options.failOnGiven = true;
        break;
      case '--min-severity':
        options.minSeverity = oneOf(value(), SEVERITIES, name);
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
      case '--quiet':
      case '-q':
        options.quiet = flag();
        break;
      case '--no-shellcheck':
        options.shellcheck = !flag();
        break;
      case '--shellcheck':
        options.shellcheckPath = value();
        break;
      case '--shellcheck-cache': {
        const file = value();
        if (file.trim() === '') {
          throw new UsageError('--shellcheck-cache needs a file');
        }
        options.shellcheckCache = file;
        break;
      }
      case '--color':
        options.color = inline === undefined && !COLOR_MODES.includes(argv[i + 1] as ColorMode) ? 'always' : oneOf(value(), COLOR_MODES, name);
        break;
      case '--ignore-unknown':
        options.ignoreUnknown = flag();
        break;
      case '--no-color':
        options.color = flag() && 'never';
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
  const severity = oneOf(text.slice(eq + 1).trim().toLowerCase(), SEVERITY_SETTINGS, `--rule ${key}`);
  return { key, severity };
}

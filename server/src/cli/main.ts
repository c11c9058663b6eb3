// `hpclint` command line: lint files, print a report, exit 0/1/2; `hpclint lsp --stdio` starts the language server.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import packageJson from '../../../package.json';
import { homepageUrl, ruleDocUrl } from '../docs/links';
import { renderRuleDoc } from '../docs/render';
import { ConfigError, defaultConfig, findConfigFile, loadConfigFile, mergeConfig, type ConfigFile } from '../engine/config';
import { fixAll } from '../engine/fixes';
import { encodeRecipe } from './recipeBytes';
import { lint, skippedDiagnostic, tooLargeMessage } from '../engine/lint';
import { isNonRuleCode, ruleByCodeOrName } from '../engine/registry';
import type { Severity, SeveritySetting } from '../engine/rule';
import type { ResolvedConfig } from '../engine/types';
import { detectFormat, formatFromName } from '../recipe/parse';
import { allRules } from '../rules/index';
import { LSP_USAGE, parseArgs, USAGE, UsageError, type CliOptions, type FailOn } from './args';
import { collectFiles, ignoreMatcher, readFoundFile, unreadableDiagnostic, type ReadOutcome } from './files';
import { ANSI, PLAIN, useColor } from './color';
import { formatReport, type FileReport, type ToolInfo } from './formatters';
import { runConvert } from './convert';
import { CliShellCheck, shellcheckStatus } from './shellcheck';
import { locateShellCheck } from '../shellcheck/runner';
import { referenceFromArgument, resolveSiteReference } from '../site/load';
import type { Site } from '../site/profile';
import { runSite } from './site';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
const FAIL_ON_RANK: Record<FailOn, number> = { error: 3, warning: 2, info: 1, never: Infinity };

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  cwd: string;
  /** Environment (NO_COLOR); defaults to none. */
  env?: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colour in `--color auto`). */
  stdoutIsTerminal?: boolean;
}

function toolInfo(): ToolInfo {
  return { name: 'hpclint', version: packageJson.version, homepage: homepageUrl(), ruleDocUrl: (code) => ruleDocUrl(code), rules: allRules };
}

/** Runs the CLI (everything except `lsp`) and returns the exit status. */
export function run(argv: readonly string[], io: CliIo): number {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`hpclint: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
  const tool = toolInfo();

  if (options.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (options.version) {
    io.stdout(`${tool.version}\n`);
    return EXIT_OK;
  }
  if (options.explain !== undefined) {
    const rule = ruleByCodeOrName(options.explain);
    if (!rule) {
      io.stderr(`hpclint: unknown rule "${options.explain}" (see hpclint --list-rules)\n`);
      return EXIT_FAILURE;
    }
    io.stdout(renderRuleDoc(rule.meta));
    return EXIT_OK;
  }
  if (options.listRules) {
    io.stdout(listRules(options.format === 'json'));
    if (options.format !== 'json' && options.shellcheck) {
      io.stdout(`${shellcheckStatus(locateShellCheck(options.shellcheckPath))}\n`);
    }
    return EXIT_OK;
  }
  if (!options.stdin && options.paths.length === 0) {
    io.stderr('hpclint: no files given (see hpclint --help)\n');
    return EXIT_FAILURE;
  }

  const cliRules: Record<string, SeveritySetting> = {};
  for (const { key, severity } of options.rules) {
    const rule = ruleByCodeOrName(key);
    if (!rule && !isNonRuleCode(key)) {
      io.stderr(`hpclint: unknown rule "${key}" in --rule (see hpclint --list-rules)\n`);
      return EXIT_FAILURE;
    }
    cliRules[rule ? rule.meta.code : key] = severity;
  }

  let cliSites: Site[] | undefined;
  try {
    cliSites = options.sites.length > 0 ? options.sites.map((value) => resolveSiteReference(referenceFromArgument(value, io.cwd))) : undefined;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`hpclint: ${error.file === '--site' ? `--site: ${error.detail}` : `invalid site profile ${error.message}`}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }

  const configs = new ConfigResolver(options.config, cliRules, io.cwd, cliSites);
  const shellcheck = new CliShellCheck(options.shellcheck, options.shellcheckPath);
  const reports: FileReport[] = [];
  let failed = false;
  try {
    if (options.stdin) {
      const name = options.stdinFilename;
      const text = io.readStdin();
      const config = configs.forDirectory(name ? dirname(resolve(io.cwd, name)) : io.cwd);
      reports.push(lintText(name ? displayPath(name, io.cwd) : '<stdin>', text, config.resolved, shellcheck));
    } else {
      const { found, directories } = collectFiles(options.paths, { cwd: io.cwd, ignoreUnknown: options.ignoreUnknown });
      const productive = new Set<number>();
      for (const entry of found) {
        const absolute = resolve(io.cwd, entry.path);
        const file = { ...entry, path: displayPath(entry.path, io.cwd) };
        const config = configs.forDirectory(dirname(absolute));
        if (!file.explicit && config.ignores(absolute)) {
          productive.add(file.origin);
          continue;
        }
        const read: ReadOutcome =
          file.kind === 'problem' ? { kind: 'unreadable', reason: file.reason } : readFoundFile(file, absolute);
        if (read.kind === 'notRecipe') {
          continue;
        }
        productive.add(file.origin);
        if (read.kind === 'unreadable') {
          io.stderr(`hpclint: cannot read ${file.path}: ${read.reason}\n`);
          const diagnostic = unreadableDiagnostic({ directory: file.kind === 'problem' && file.directory, reason: read.reason });
          reports.push({ path: file.path, format: formatFromName(basename(file.path)) ?? 'dockerfile', diagnostics: [diagnostic] });
          failed = true;
          continue;
        }
        if (read.kind === 'tooLarge') {
          // Not read. A warning, so that a CI run does not pass on a recipe it never checked.
          const format = formatFromName(basename(file.path)) ?? 'dockerfile';
          reports.push({ path: file.path, format, diagnostics: [{ ...skippedDiagnostic(tooLargeMessage(read.bytes)), severity: 'warning' }] });
          continue;
        }
        let text = read.text;
        if (options.fix) {
          const fixed = fixAll(text, { fileName: file.path, config: config.resolved });
          const bytes = fixed.applied > 0 && fixed.text !== text ? encodeRecipe(fixed.text, read.encoding) : undefined;
          if (fixed.applied > 0 && fixed.text !== text && !bytes) {
            io.stderr(`hpclint: not fixing ${file.path}: it is not UTF-8, and the fixes would add characters its encoding cannot hold\n`);
          } else if (bytes) {
            try {
              writeFileSync(absolute, bytes);
            } catch (error) {
              io.stderr(`hpclint: cannot write ${file.path}: ${describeError(error)}\n`);
              failed = true;
            }
            text = fixed.text;
          }
        }
        reports.push(lintText(file.path, text, config.resolved, shellcheck));
      }
      for (const origin of directories.filter((index) => !productive.has(index))) {
        io.stderr(`hpclint: no recipes found in ${options.paths[origin]}\n`);
        failed = true;
      }
    }
    for (const problem of shellcheck.run()) {
      io.stderr(`hpclint: shellcheck: ${problem}\n`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`hpclint: invalid config ${error.message}\n`);
      return EXIT_FAILURE;
    }
    if (isErrno(error)) {
      io.stderr(`hpclint: ${describeError(error)}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }

  const shown = options.quiet
    ? reports.map((report) => ({ ...report, diagnostics: report.diagnostics.filter((d) => d.severity === 'error') }))
    : reports;
  const failOn: FailOn = options.quiet ? 'error' : options.failOn;
  const quietAndClean = options.quiet && options.format === 'text' && shown.every((report) => report.diagnostics.length === 0);
  if (!quietAndClean) {
    const palette = options.format === 'text' && useColor(options.color, io.stdoutIsTerminal === true, io.env ?? {}) ? ANSI : PLAIN;
    io.stdout(formatReport(options.format, shown, tool, { palette, failOn }));
  }
  if (failed) {
    return EXIT_FAILURE;
  }
  const threshold = FAIL_ON_RANK[failOn];
  const failing = shown.some((report) => report.diagnostics.some((d) => SEVERITY_RANK[d.severity] >= threshold));
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

/** Lints one file (its scripts go to ShellCheck later); a file whose format cannot be detected is linted as a Dockerfile. */
function lintText(path: string, text: string, config: ResolvedConfig, shellcheck: CliShellCheck): FileReport {
  const format = detectFormat(path, text) ?? 'dockerfile';
  const result = lint(text, { fileName: path, format, config });
  const report: FileReport = { path, format: result.format, diagnostics: result.diagnostics, text };
  shellcheck.add(report, result.recipe, config);
  return report;
}

/** How a path appears in reports: relative to the working directory when it is below it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const absolute = resolve(cwd, path);
  const fromCwd = relative(cwd, absolute);
  if (fromCwd === '' || fromCwd === '..' || fromCwd.startsWith(`..${sep}`) || isAbsolute(fromCwd)) {
    return absolute;
  }
  return fromCwd;
}

interface DirectoryConfig {
  resolved: ResolvedConfig;
  ignores: (absolutePath: string) => boolean;
}

/** Effective config per directory: defaults < nearest (or `--config`) file < `--rule` flags. */
class ConfigResolver {
  private readonly byDirectory = new Map<string, DirectoryConfig>();
  private readonly byFile = new Map<string, DirectoryConfig>();

  constructor(
    private readonly explicitFile: string | undefined,
    private readonly cliRules: Record<string, SeveritySetting>,
    private readonly cwd: string,
    private readonly cliSites: Site[] | undefined,
  ) {}

  forDirectory(dir: string): DirectoryConfig {
    let config = this.byDirectory.get(dir);
    if (!config) {
      const file = this.explicitFile !== undefined ? resolve(this.cwd, this.explicitFile) : findConfigFile(dir);
      config = file === undefined ? this.build(undefined) : this.fromFile(file);
      this.byDirectory.set(dir, config);
    }
    return config;
  }

  private fromFile(path: string): DirectoryConfig {
    let config = this.byFile.get(path);
    if (!config) {
      config = this.build(loadConfigFile(path));
      this.byFile.set(path, config);
    }
    return config;
  }

  private build(file: ConfigFile | undefined): DirectoryConfig {
    const withFile = file ? mergeConfig(defaultConfig(), file) : defaultConfig();
    const resolved = mergeConfig(withFile, { rules: this.cliRules, sites: this.cliSites });
    if (!file?.ignorePaths?.length) {
      return { resolved, ignores: () => false };
    }
    const base = dirname(file.path);
    const matches = ignoreMatcher(file.ignorePaths);
    return {
      resolved,
      ignores: (absolutePath) => {
        const rel = relative(base, absolutePath);
        return !rel.startsWith('..') && matches(rel.split(sep).join('/'));
      },
    };
  }
}

function listRules(json: boolean): string {
  const metas = allRules.map((rule) => rule.meta);
  if (json) {
    return (
      JSON.stringify(
        metas.map((m) => ({
          code: m.code,
          name: m.name,
          category: m.category,
          severity: m.severity,
          formats: m.formats,
          fix: m.fix,
          summary: m.docs.summary,
        })),
        null,
        2,
      ) + '\n'
    );
  }
  if (metas.length === 0) {
    return 'No rules registered.\n';
  }
  const width = (pick: (m: (typeof metas)[number]) => string): number => Math.max(...metas.map((m) => pick(m).length));
  const codeWidth = width((m) => m.code);
  const nameWidth = width((m) => m.name);
  const categoryWidth = width((m) => m.category);
  return (
    metas
      .map((m) =>
        [
          m.code.padEnd(codeWidth),
          m.name.padEnd(nameWidth),
          m.category.padEnd(categoryWidth),
          m.severity.padEnd(7),
          (m.fix === 'none' ? '' : 'fix').padEnd(3),
          m.docs.summary,
        ].join('  '),
      )
      .join('\n') + '\n'
  );
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function describeError(error: unknown): string {
  if (isErrno(error)) {
    switch (error.code) {
      case 'ENOENT':
        return `${error.path ?? 'file'}: no such file or directory`;
      case 'EACCES':
      case 'EPERM':
        return `${error.path ?? 'file'}: permission denied`;
      case 'EISDIR':
        return `${error.path ?? 'file'}: is a directory`;
      default:
        return error.message;
    }
  }
  return String(error);
}

function startLanguageServer(argv: readonly string[]): void {
  if (!argv.some((arg) => arg === '--stdio' || arg === '--node-ipc' || arg.startsWith('--socket') || arg.startsWith('--pipe'))) {
    process.argv.push('--stdio');
  }
  // Loaded lazily so that linting never pays for the server's start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const server = require('../lsp/server') as typeof import('../lsp/server');
  server.startServer();
}

/** `hpclint … | head`: a reader that stops early ends the run quietly, like any Unix filter. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      process.exit();
    }
    throw error;
  });
}

/** The `hpclint` command: `lsp`, `convert`, or lint (see `run`). */
export function main(): void {
  const argv = process.argv.slice(2);
  if (argv[0] === 'lsp' && argv.slice(1).some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(`${LSP_USAGE}\n`);
    return;
  }
  if (argv[0] === 'lsp') {
    try {
      startLanguageServer(argv.slice(1));
    } catch (error) {
      process.stderr.write(`hpclint: cannot start the language server: ${String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    }
    return;
  }
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  if (argv[0] === 'convert') {
    process.exitCode = runConvert(argv.slice(1));
    return;
  }
  if (argv[0] === 'site') {
    process.exitCode = runSite(argv.slice(1), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      cwd: process.cwd(),
    });
    return;
  }
  let status: number;
  try {
    status = run(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      readStdin: () => readFileSync(0, 'utf8'),
      cwd: process.cwd(),
      env: process.env,
      stdoutIsTerminal: process.stdout.isTTY === true,
    });
  } catch (error) {
    process.stderr.write(`hpclint: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    status = EXIT_FAILURE;
  }
  process.exitCode = status;
}

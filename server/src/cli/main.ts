// `hpclint` command line: lint files, print a report, exit 0/1/2; `hpclint lsp --stdio` starts the language server.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import packageJson from '../../../package.json';
import { homepageUrl, ruleDocUrl } from '../docs/links';
import { renderRuleDoc } from '../docs/render';
import { availableParallelism } from 'node:os';
import { ConfigError } from '../engine/config';
import { encodeRecipe, type RecipeEncoding } from './recipeBytes';
import { skippedDiagnostic, tooLargeMessage } from '../engine/lint';
import { isNonRuleCode, ruleByCodeOrName } from '../engine/registry';
import type { Severity, SeveritySetting } from '../engine/rule';
import type { HpcDiagnostic, ResolvedConfig } from '../engine/types';
import type { ScriptContext } from '../io/copiedScripts';
import { repositoryRoot } from '../io/boundedRead';
import { formatFromName } from '../recipe/parse';
import { allRules } from '../rules/index';
import type { ConfigLayers } from '../service/configCache';
import { createLinter } from '../service/linter';
import type { LintOutcome } from '../service/jobs';
import { LintService } from '../service/lintService';
import { FAIL_ON_RANK, LSP_USAGE, parseArgs, SEVERITY_RANK, USAGE, UsageError, type CliOptions, type FailOn } from './args';
import { collectFiles, ignoreMatcher, readFoundFile, unreadableDiagnostic, type ReadOutcome } from './files';
import { ANSI, PLAIN, useColor } from './color';
import { formatReport, type FileReport, type ToolInfo } from './formatters';
import { runConvert } from './convert';
import { CliShellCheck, shellcheckStatus } from './shellcheck';
import { findHadolintConfig, loadHadolintConfig } from '../compat/hadolintConfig';
import { locateShellCheck } from '../shellcheck/runner';
import { referenceFromArgument, resolveSiteReference } from '../site/load';
import type { Site } from '../site/profile';
import { runSite } from './site';
import { tierUpLater } from '../service/jit';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;


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
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
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
    const rule = ruleByCodeOrName(options.explain, allRules);
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
    const rule = ruleByCodeOrName(key, allRules);
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

  const layers: ConfigLayers = { flags: { rules: cliRules, sites: cliSites } };
  if (options.config !== undefined) {
    layers.configFile = resolve(io.cwd, options.config);
  }
  const cacheFile = options.shellcheckCache === undefined ? undefined : resolve(io.cwd, options.shellcheckCache);
  const shellcheck = new CliShellCheck(options.shellcheck, options.shellcheckPath, availableParallelism(), cacheFile);
  let service: LintService | undefined;
  const reports: Array<FileReport | Promise<FileReport>> = [];
  let failed = false;
  try {
    if (options.stdin) {
      service = cliLintService(1, shellcheck.active);
      const configs = new DirectoryConfigs(service, layers);
      const name = options.stdinFilename;
      const text = io.readStdin();
      const config = configs.forDirectory(name ? dirname(resolve(io.cwd, name)) : io.cwd);
      const absolute = name ? resolve(io.cwd, name) : undefined;
      const scripts = absolute === undefined ? undefined : configs.buildContext(dirname(absolute));
      reports.push(lintFile(service, { path: name ? displayPath(name, io.cwd) : '<stdin>', text, config: config.resolved, scripts }, shellcheck));
    } else {
      const { found, directories } = collectFiles(options.paths, { cwd: io.cwd, ignoreUnknown: options.ignoreUnknown });
      service = cliLintService(found.length, shellcheck.active);
      const configs = new DirectoryConfigs(service, layers);
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
        const work = { path: file.path, text: read.text, config: config.resolved, scripts: configs.buildContext(dirname(absolute)) };
        reports.push(
          options.fix
            ? fixFile(service, { ...work, absolute, encoding: read.encoding }, io, shellcheck).then((fixed) => {
                failed ||= fixed.writeFailed;
                return fixed.report;
              })
            : lintFile(service, work, shellcheck),
        );
      }
      for (const origin of directories.filter((index) => !productive.has(index))) {
        io.stderr(`hpclint: no recipes found in ${options.paths[origin]}\n`);
        failed = true;
      }
    }
  } catch (error) {
    // The lints already started are abandoned: closing the pool fails them, quietly.
    for (const report of reports) {
      void Promise.resolve(report).catch(() => undefined);
    }
    await service?.close();
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

  let done: FileReport[];
  let problems: string[];
  try {
    done = await Promise.all(reports);
    // ShellCheck's findings are placed on the lint workers (see shellcheck.ts): the pool closes after them.
    problems = await shellcheck.finish(done);
  } finally {
    await service?.close();
  }
  for (const problem of problems) {
    io.stderr(`hpclint: shellcheck: ${problem}\n`);
  }
  const failOn: FailOn = options.quiet ? 'error' : options.failOnGiven ? options.failOn : (hadolintFailOn(io.cwd) ?? options.failOn);
  const reported = reportedSeverity(options.quiet ? 'error' : options.minSeverity, failOn);
  const shown = done.map((report) => ({ ...report, diagnostics: report.diagnostics.filter((d) => SEVERITY_RANK[d.severity] >= SEVERITY_RANK[reported]) }));
  const hidden = countFindings(done) - countFindings(shown);
  const quietAndClean = options.quiet && options.format === 'text' && shown.every((report) => report.diagnostics.length === 0);
  if (!quietAndClean) {
    const palette = options.format === 'text' && useColor(options.color, io.stdoutIsTerminal === true, io.env ?? {}) ? ANSI : PLAIN;
    io.stdout(formatReport(options.format, shown, tool, { palette, failOn, hidden: options.quiet ? undefined : { count: hidden, below: reported } }));
  }
  if (failed) {
    return EXIT_FAILURE;
  }
  const threshold = FAIL_ON_RANK[failOn];
  const failing = shown.some((report) => report.diagnostics.some((d) => SEVERITY_RANK[d.severity] >= threshold));
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

/** The lowest severity reported: `--min-severity`, lowered to `--fail-on` so that a run never fails on a finding it does not show. */
function reportedSeverity(minimum: Severity, failOn: FailOn): Severity {
  return failOn !== 'never' && SEVERITY_RANK[failOn] < SEVERITY_RANK[minimum] ? failOn : minimum;
}

function countFindings(reports: readonly FileReport[]): number {
  return reports.reduce((sum, report) => sum + report.diagnostics.length, 0);
}

/** `failure-threshold` of the `.hadolint.yaml` that applies in the working directory (a broken one was reported with its files). */
function hadolintFailOn(cwd: string): FailOn | undefined {
  const path = findHadolintConfig(cwd);
  try {
    return path === undefined ? undefined : loadHadolintConfig(path).failOn;
  } catch (error) {
    if (error instanceof ConfigError) {
      return undefined;
    }
    throw error;
  }
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

/** Below this many files the start-up of worker threads costs more than it saves. */
const FILES_PER_WORKER = 32;

/**
 * With ShellCheck, the cores one lint worker thread is given. ShellCheck's processes (one per core) take about twice
 * the lint's CPU time over a corpus run and keep the other cores busy, and every further lint worker is an isolate
 * that warms up its own JIT: on two cores one lint worker spends ~1-2 s less CPU time over the corpus Dockerfiles.
 */
const CORES_PER_WORKER_WITH_SHELLCHECK = 3;

/** A LintService whose engine runs on worker threads when there are enough files to share between the cores. */
function cliLintService(files: number, shellcheck: boolean): LintService {
  const cores = availableParallelism();
  const workers = shellcheck ? Math.max(1, Math.floor(cores / CORES_PER_WORKER_WITH_SHELLCHECK)) : cores;
  const threads = Math.min(workers, Math.floor(files / FILES_PER_WORKER));
  const interactive = createLinter(allRules, { size: threads, maxHeapMb: 2048 });
  return new LintService(allRules, { interactive });
}

interface FileWork {
  path: string;
  text: string;
  config: ResolvedConfig;
  /** Where the scripts it copies in are read from (the file's directory); none for stdin without a name. */
  scripts?: ScriptContext;
}

/** Related locations in copied scripts, as paths the way the report shows the recipe's (next to it). */
function withScriptPaths(path: string, diagnostics: HpcDiagnostic[]): HpcDiagnostic[] {
  return diagnostics.map((d) => (d.related ? { ...d, related: d.related.map((related) => ({ ...related, path: join(dirname(path), related.path) })) } : d));
}

/** Lints one file (its scripts go to ShellCheck's queue); a file whose format cannot be detected is linted as a Dockerfile. */
async function lintFile(service: LintService, { path, text, config, scripts }: FileWork, shellcheck: CliShellCheck): Promise<FileReport> {
  const format = service.formatFor({ fileName: path, text }) ?? 'dockerfile';
  const outcome = await service.run(
    { kind: 'lint', text, fileName: path, format, config, shellScripts: shellcheck.active },
    { scripts },
  );
  return withShellCheck({ path, format: outcome.format, diagnostics: withScriptPaths(path, outcome.diagnostics), text }, config, shellcheck, outcome, service);
}

/** Queues the scripts the lint found (`outcome.shellScripts`) for ShellCheck. */
function withShellCheck(
  report: FileReport & { text: string },
  config: ResolvedConfig,
  shellcheck: CliShellCheck,
  outcome: LintOutcome,
  service: LintService,
): FileReport {
  shellcheck.add(report, config, outcome.shellScripts ?? [], service);
  return report;
}

/** `--fix`: applies the safe fixes, writes the file back in its encoding, and reports what is left. */
async function fixFile(
  service: LintService,
  work: FileWork & { absolute: string; encoding: RecipeEncoding },
  io: CliIo,
  shellcheck: CliShellCheck,
): Promise<{ report: FileReport; writeFailed: boolean }> {
  const { path, text, config } = work;
  const format = service.formatFor({ fileName: path, text }) ?? 'dockerfile';
  const outcome = await service.run(
    { kind: 'fix', text, fileName: path, format, config, lintFixed: true, shellScripts: shellcheck.active },
    { scripts: work.scripts },
  );
  const fixed = outcome.fixed;
  if (!fixed || fixed.applied === 0 || fixed.text === text) {
    return { report: withShellCheck({ path, format, diagnostics: withScriptPaths(path, outcome.diagnostics), text }, config, shellcheck, outcome, service), writeFailed: false };
  }
  const bytes = encodeRecipe(fixed.text, work.encoding);
  if (!bytes) {
    io.stderr(`hpclint: not fixing ${path}: it is not UTF-8, and the fixes would add characters its encoding cannot hold\n`);
    return { report: await lintFile(service, work, shellcheck), writeFailed: false };
  }
  let writeFailed = false;
  try {
    writeFileSync(work.absolute, bytes);
  } catch (error) {
    io.stderr(`hpclint: cannot write ${path}: ${describeError(error)}\n`);
    writeFailed = true;
  }
  return { report: withShellCheck({ path, format, diagnostics: withScriptPaths(path, outcome.diagnostics), text: fixed.text }, config, shellcheck, outcome, service), writeFailed };
}

interface DirectoryConfig {
  resolved: ResolvedConfig;
  ignores: (absolutePath: string) => boolean;
}

/**
 * The LintService's layered configuration per directory (`--config` or the nearest file, then `--rule` flags), with its
 * `ignorePaths`, and the directory as the build context of its recipes.
 */
class DirectoryConfigs {
  private readonly matchers = new Map<string, (absolutePath: string) => boolean>();
  private readonly contexts = new Map<string, ScriptContext>();

  constructor(
    private readonly service: LintService,
    private readonly layers: ConfigLayers,
  ) {}

  /** Throws the config file's ConfigError (exit status 2). */
  forDirectory(dir: string): DirectoryConfig {
    const { config, configFile, ignorePaths, error } = this.service.configFor(dir, this.layers);
    if (error) {
      throw error;
    }
    return { resolved: config, ignores: configFile && ignorePaths ? this.matcher(configFile, ignorePaths) : () => false };
  }

  /** The directory as a build context, read no further than its repository. */
  buildContext(dir: string): ScriptContext {
    let context = this.contexts.get(dir);
    if (!context) {
      context = { directory: dir, root: repositoryRoot(dir) };
      this.contexts.set(dir, context);
    }
    return context;
  }

  private matcher(configFile: string, patterns: readonly string[]): (absolutePath: string) => boolean {
    let ignores = this.matchers.get(configFile);
    if (!ignores) {
      const base = dirname(configFile);
      const matches = ignoreMatcher(patterns);
      ignores = (absolutePath) => {
        const rel = relative(base, absolutePath);
        return !rel.startsWith('..') && matches(rel.split(sep).join('/'));
      };
      this.matchers.set(configFile, ignores);
    }
    return ignores;
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
export async function main(): Promise<void> {
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
  tierUpLater();
  let status: number;
  try {
    status = await run(argv, {
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

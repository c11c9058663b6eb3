// Runs the `shellcheck` binary on generated scripts: one process per batch of scripts (written to a private
// temporary directory), JSON output, results cached by script text. Starting a process is the one thing in
// hpclint that executes code: callers decide whether that is allowed (trusted workspaces, the CLI).
import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

export type ShellCheckLevel = 'error' | 'warning' | 'info' | 'style';

export interface ShellCheckReplacement {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  replacement: string;
}

/** One finding of ShellCheck's `json1` format (1-based lines and columns, end exclusive). */
export interface ShellCheckComment {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  level: ShellCheckLevel;
  code: number;
  message: string;
  replacements?: ShellCheckReplacement[];
}

export interface ShellCheckBinary {
  path: string;
  version: string;
}

export type Availability = ({ available: true } & ShellCheckBinary) | { available: false; reason: string };

export const INSTALL_HINT = 'install it (Debian/Ubuntu: apt-get install shellcheck)';

const VERSION_TIMEOUT_MS = 5_000;
/** Scripts per process and characters per process: keeps command lines and memory small. */
export const BATCH_FILES = 100;
export const BATCH_CHARS = 1_000_000;
/** A script longer than this is not checked (ShellCheck's run time grows quickly on huge inputs). */
export const MAX_SCRIPT_CHARS = 200_000;
const CACHE_ENTRIES = 4_000;

/**
 * Finds ShellCheck: `configured` (a path) when given, else `shellcheck` on the PATH, and asks it for its
 * version. This starts a process: call it only where running ShellCheck is allowed.
 */
export function locateShellCheck(configured?: string, env: NodeJS.ProcessEnv = process.env): Availability {
  const path = configured && configured.trim().length > 0 ? configured.trim() : onPath('shellcheck', env);
  if (path === undefined) {
    return { available: false, reason: `shellcheck was not found on the PATH; ${INSTALL_HINT}` };
  }
  if (!isExecutable(path)) {
    return { available: false, reason: `${path} is not an executable file; ${INSTALL_HINT}` };
  }
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: VERSION_TIMEOUT_MS, windowsHide: true, shell: false });
  const version = /version:\s*(\S+)/.exec(result.stdout ?? '')?.[1];
  if (result.error || result.status !== 0 || version === undefined) {
    const why = result.error ? result.error.message : `exit status ${String(result.status)}`;
    return { available: false, reason: `${path} --version failed (${why}); ${INSTALL_HINT}` };
  }
  if (compareVersions(version, '0.7.0') < 0) {
    return { available: false, reason: `ShellCheck ${version} at ${path} is too old (hpclint needs 0.7.0 or later for JSON output)` };
  }
  return { available: true, path, version };
}

function onPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? [`${command}.exe`, `${command}.cmd`, command] : [command];
  for (const directory of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (directory.length === 0 || !isAbsolute(directory)) {
      continue; // relative PATH entries would resolve against the workspace
    }
    for (const name of names) {
      const candidate = join(directory, name);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) {
      return false;
    }
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function compareVersions(a: string, b: string): number {
  const left = a.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return 0;
}

/** The outcome for one script: its findings, or why it could not be checked. */
export type ScriptResult = ShellCheckComment[] | { error: string };

/** How long one ShellCheck process may run before it is stopped. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface RunnerOptions {
  /** Per process; the process is killed after it. */
  timeoutMs?: number;
}

/** Runs one ShellCheck binary; remembers results by script text. */
export class ShellCheckRunner {
  private readonly cache = new Map<string, ShellCheckComment[]>();
  private readonly timeoutMs: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly binary: ShellCheckBinary,
    options: RunnerOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Checks `scripts` synchronously (the CLI). */
  checkSync(scripts: readonly string[]): ScriptResult[] {
    return this.withCache(scripts, (batch) => this.runSync(batch));
  }

  /** Checks one batch in one process, without the cache (the CLI's queue keeps its own, see queue.ts). */
  async runBatch(texts: readonly string[]): Promise<ScriptResult[]> {
    try {
      return await this.runAsync(texts);
    } catch (error) {
      return texts.map(() => ({ error: `shellcheck could not be run: ${error instanceof Error ? error.message : String(error)}` }));
    }
  }

  /** Checks `scripts` in the background; one ShellCheck process at a time per runner. */
  check(scripts: readonly string[]): Promise<ScriptResult[]> {
    const run = this.queue.then(() => this.withCacheAsync(scripts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private withCache(scripts: readonly string[], runBatch: (batch: string[]) => ScriptResult[]): ScriptResult[] {
    const results: ScriptResult[] = new Array<ScriptResult>(scripts.length);
    const missing = this.fromCache(scripts, results);
    for (const batch of batches(missing.map((index) => scripts[index]))) {
      const outcome = runBatch(batch.texts);
      this.store(batch, outcome, missing, results);
    }
    return results;
  }

  private async withCacheAsync(scripts: readonly string[]): Promise<ScriptResult[]> {
    const results: ScriptResult[] = new Array<ScriptResult>(scripts.length);
    const missing = this.fromCache(scripts, results);
    for (const batch of batches(missing.map((index) => scripts[index]))) {
      const outcome = await this.runAsync(batch.texts);
      this.store(batch, outcome, missing, results);
    }
    return results;
  }

  /** Fills cached results; returns the indexes still to check. Over-long scripts get an error result. */
  private fromCache(scripts: readonly string[], results: ScriptResult[]): number[] {
    const missing: number[] = [];
    scripts.forEach((text, index) => {
      const cached = this.cache.get(text);
      if (cached) {
        this.cache.delete(text);
        this.cache.set(text, cached);
        results[index] = cached;
      } else if (text.length > MAX_SCRIPT_CHARS) {
        results[index] = { error: `script longer than ${MAX_SCRIPT_CHARS} characters, not checked` };
      } else {
        missing.push(index);
      }
    });
    return missing;
  }

  private store(batch: Batch, outcome: ScriptResult[], missing: readonly number[], results: ScriptResult[]): void {
    batch.positions.forEach((position, i) => {
      const result = outcome[i];
      results[missing[position]] = result;
      if (Array.isArray(result)) {
        this.cache.set(batch.texts[i], result);
        if (this.cache.size > CACHE_ENTRIES) {
          this.cache.delete(this.cache.keys().next().value as string);
        }
      }
    });
  }

  /** What a script's result depends on besides its text: the binary's version and the options hpclint runs it with. */
  get identity(): string {
    return `ShellCheck ${this.binary.version} ${this.arguments([]).join(' ')}`;
  }

  private arguments(files: readonly string[]): string[] {
    const args = ['--format=json1', '--severity=style'];
    if (compareVersions(this.binary.version, '0.8.0') >= 0) {
      args.unshift('--norc');
    }
    return [...args, '--', ...files];
  }

  private runSync(texts: readonly string[]): ScriptResult[] {
    const work = writeScripts(texts);
    try {
      const result = spawnSync(this.binary.path, this.arguments(work.files), {
        cwd: work.directory,
        encoding: 'utf8',
        timeout: this.timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        windowsHide: true,
        shell: false,
      });
      if (result.error) {
        return texts.map(() => ({ error: describeSpawnError(result.error as NodeJS.ErrnoException, this.timeoutMs) }));
      }
      return parseOutput(result.stdout, result.status, result.stderr, work.files);
    } finally {
      work.remove();
    }
  }

  private runAsync(texts: readonly string[]): Promise<ScriptResult[]> {
    const work = writeScripts(texts);
    return new Promise<ScriptResult[]>((resolve) => {
      execFile(
        this.binary.path,
        this.arguments(work.files),
        { cwd: work.directory, encoding: 'utf8', timeout: this.timeoutMs, maxBuffer: 64 * 1024 * 1024, windowsHide: true, shell: false },
        (error, stdout, stderr) => {
          work.remove();
          const code = error && typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : error ? null : 0;
          if (error && code === null) {
            resolve(texts.map(() => ({ error: describeSpawnError(error as NodeJS.ErrnoException, this.timeoutMs) })));
            return;
          }
          resolve(parseOutput(stdout, code, stderr, work.files));
        },
      );
    });
  }
}

interface Batch {
  texts: string[];
  /** Index of each text in the list the batches were cut from. */
  positions: number[];
}

function batches(texts: readonly string[]): Batch[] {
  const result: Batch[] = [];
  let current: Batch = { texts: [], positions: [] };
  let chars = 0;
  texts.forEach((text, position) => {
    if (current.texts.length > 0 && (current.texts.length >= BATCH_FILES || chars + text.length > BATCH_CHARS)) {
      result.push(current);
      current = { texts: [], positions: [] };
      chars = 0;
    }
    current.texts.push(text);
    current.positions.push(position);
    chars += text.length;
  });
  if (current.texts.length > 0) {
    result.push(current);
  }
  return result;
}

interface WrittenScripts {
  directory: string;
  files: string[];
  remove(): void;
}

/** Writes each script to `<private temp dir>/<n>.sh` (mode 0600); `remove()` deletes the directory. */
function writeScripts(texts: readonly string[]): WrittenScripts {
  const directory = mkdtempSync(join(tmpdir(), 'hpclint-shellcheck-'));
  const files = texts.map((text, index) => {
    const name = `${index}.sh`;
    writeFileSync(join(directory, name), text, { mode: 0o600 });
    return name;
  });
  return {
    directory,
    files,
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

interface Json1Comment {
  file?: unknown;
  line?: unknown;
  column?: unknown;
  endLine?: unknown;
  endColumn?: unknown;
  level?: unknown;
  code?: unknown;
  message?: unknown;
  fix?: { replacements?: unknown } | null;
}

const LEVELS = new Set<string>(['error', 'warning', 'info', 'style']);

/** ShellCheck exits 0 (clean) or 1 (findings); anything else is a failure of the run. */
function parseOutput(stdout: string, status: number | null, stderr: string, files: readonly string[]): ScriptResult[] {
  if (status !== 0 && status !== 1) {
    const detail = stderr.trim().split('\n')[0] || `exit status ${String(status)}`;
    return files.map(() => ({ error: `shellcheck failed: ${detail}` }));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return files.map(() => ({ error: 'shellcheck printed output that is not JSON' }));
  }
  const comments = (parsed as { comments?: unknown }).comments;
  const byFile = new Map<string, ShellCheckComment[]>(files.map((file) => [file, []]));
  if (Array.isArray(comments)) {
    for (const raw of comments as Json1Comment[]) {
      const comment = toComment(raw);
      const list = typeof raw.file === 'string' ? byFile.get(raw.file) : undefined;
      if (comment && list) {
        list.push(comment);
      }
    }
  }
  return files.map((file) => byFile.get(file) ?? []);
}

/** Comments as `json1` gives them (or as the CLI's cache stored them), checked field by field; undefined if `raw` is no list. */
export function commentsFrom(raw: unknown): ShellCheckComment[] | undefined {
  if (!Array.isArray(raw)) {
    return undefined;
  }
  const comments: ShellCheckComment[] = [];
  for (const item of raw as Json1Comment[]) {
    const comment = item !== null && typeof item === 'object' ? toComment(item) : undefined;
    if (!comment) {
      return undefined;
    }
    comments.push(comment);
  }
  return comments;
}

function toComment(raw: Json1Comment): ShellCheckComment | undefined {
  const { line, column, endLine, endColumn, level, code, message } = raw;
  if (
    typeof line !== 'number' ||
    typeof column !== 'number' ||
    typeof endLine !== 'number' ||
    typeof endColumn !== 'number' ||
    typeof level !== 'string' ||
    !LEVELS.has(level) ||
    typeof code !== 'number' ||
    typeof message !== 'string'
  ) {
    return undefined;
  }
  const comment: ShellCheckComment = { line, column, endLine, endColumn, level: level as ShellCheckLevel, code, message };
  const replacements = raw.fix && Array.isArray(raw.fix.replacements) ? (raw.fix.replacements as Record<string, unknown>[]) : [];
  const valid = replacements.filter(
    (r) =>
      typeof r.line === 'number' &&
      typeof r.column === 'number' &&
      typeof r.endLine === 'number' &&
      typeof r.endColumn === 'number' &&
      typeof r.replacement === 'string',
  );
  if (valid.length > 0 && valid.length === replacements.length) {
    comment.replacements = valid.map((r) => ({
      line: r.line as number,
      column: r.column as number,
      endLine: r.endLine as number,
      endColumn: r.endColumn as number,
      replacement: r.replacement as string,
    }));
  }
  return comment;
}

function describeSpawnError(error: NodeJS.ErrnoException & { killed?: boolean; signal?: string | null }, timeoutMs: number): string {
  if (error.code === 'ETIMEDOUT' || error.killed || error.signal === 'SIGTERM') {
    return `shellcheck did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`;
  }
  return `shellcheck could not be started: ${error.message}`;
}

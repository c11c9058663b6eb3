// `hpclint --shellcheck-cache FILE`: ShellCheck's results kept between CLI runs, by script text. ShellCheck is most
// of a CLI run's time, and a script's result depends only on its text, the binary's version and hpclint's options
// for it (`ShellCheckRunner.identity`). A file written for another identity, unreadable or not ours counts as empty
// and is replaced; its entries are checked like ShellCheck's own output before they are used.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeFileError, readBounded } from '../io/boundedRead';
import { commentsFrom, type ShellCheckComment } from './runner';

/** Larger files are not read (the cache of the 1,144 corpus Dockerfiles is ~0.5 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Entries kept: those of this run first, then older ones up to this many. */
const MAX_ENTRIES = 50_000;
const FORMAT = 1;

interface CacheFile {
  hpclintShellCheckCache: number;
  identity: string;
  /** sha256 of the script text (hex) → ShellCheck's comments. */
  results: Record<string, unknown>;
}

export class ShellCheckResultCache {
  private readonly stored: Map<string, unknown>;
  private readonly used = new Map<string, ShellCheckComment[]>();

  /** Reads `path` (nothing there, or a file for another identity: an empty cache). */
  constructor(
    private readonly path: string,
    private readonly identity: string,
  ) {
    this.stored = new Map(Object.entries(readCacheFile(path, identity)));
  }

  /** The results stored for `text`, or undefined. */
  get(text: string): ShellCheckComment[] | undefined {
    const key = keyOf(text);
    const known = this.used.get(key);
    if (known) {
      return known;
    }
    const comments = commentsFrom(this.stored.get(key));
    if (comments) {
      this.used.set(key, comments);
    }
    return comments;
  }

  /** Keeps ShellCheck's results for `text` (errors are never kept). */
  set(text: string, comments: ShellCheckComment[]): void {
    this.used.set(keyOf(text), comments);
  }

  /** Writes the cache (to a temporary file renamed over `path`); returns why it could not, or undefined. */
  save(): string | undefined {
    const results: Record<string, unknown> = Object.fromEntries(this.used);
    let count = this.used.size;
    for (const [key, value] of this.stored) {
      if (count >= MAX_ENTRIES) {
        break;
      }
      if (!Object.hasOwn(results, key)) {
        results[key] = value;
        count++;
      }
    }
    const file: CacheFile = { hpclintShellCheckCache: FORMAT, identity: this.identity, results };
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(temporary, JSON.stringify(file));
      renameSync(temporary, this.path);
      return undefined;
    } catch (error) {
      try {
        rmSync(temporary, { force: true });
      } catch {
        // nothing was written there
      }
      return describeFileError(error);
    }
  }
}

function keyOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readCacheFile(path: string, identity: string): Record<string, unknown> {
  const read = readBounded(path, MAX_CACHE_BYTES);
  if (read.kind !== 'bytes') {
    return {};
  }
  try {
    const parsed = JSON.parse(read.bytes.toString('utf8')) as Partial<CacheFile> | null;
    const fits = parsed?.hpclintShellCheckCache === FORMAT && parsed.identity === identity;
    return fits && parsed.results !== null && typeof parsed.results === 'object' && !Array.isArray(parsed.results) ? parsed.results : {};
  } catch {
    return {};
  }
}

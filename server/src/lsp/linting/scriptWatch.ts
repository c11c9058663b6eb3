// The copied scripts each open recipe runs (#12 item 10): where they are read from (the document's
// directory, no further than its workspace folder), which documents to lint again when one changes,
// and the file watchers the client keeps for them.
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScriptContext } from '../../io/copiedScripts';
import { isInside } from '../../io/boundedRead';
import { filePathOf } from '../uri';

export interface ScriptWatchTarget {
  /** Replaces the client's watchers for copied scripts (file URIs of directories with base names). */
  watch(files: ReadonlyArray<{ directory: string; name: string }>): void;
}

export class ScriptWatch {
  /** Document URI → absolute paths of the copied scripts its last lint wanted. */
  private readonly byDocument = new Map<string, ReadonlySet<string>>();
  private watched = '';

  constructor(
    private readonly workspaceFolders: () => readonly string[],
    private readonly target: ScriptWatchTarget | undefined,
  ) {}

  /** The build context of a document: its directory inside the innermost workspace folder holding it; none outside the workspace. */
  contextOf(uri: string): ScriptContext | undefined {
    const path = filePathOf(uri);
    if (path === undefined) {
      return undefined;
    }
    const directory = dirname(resolve(path));
    const root = this.workspaceFolders()
      .map((folder) => resolve(folder))
      .filter((folder) => isInside(directory, folder))
      .sort((a, b) => b.length - a.length)[0];
    return root === undefined ? undefined : { directory, root };
  }

  /** Records the scripts (context paths) a document's last lint wanted. */
  update(uri: string, context: ScriptContext | undefined, paths: readonly string[]): void {
    const absolute = context ? new Set(paths.map((path) => join(context.directory, ...path.split('/')))) : new Set<string>();
    if (absolute.size > 0) {
      this.byDocument.set(uri, absolute);
    } else {
      this.byDocument.delete(uri);
    }
    this.sync();
  }

  forget(uri: string): void {
    this.byDocument.delete(uri);
    this.sync();
  }

  /** The open documents that run `path` (an absolute file path). */
  documentsUsing(path: string): string[] {
    const wanted = resolve(path);
    return [...this.byDocument].filter(([, paths]) => paths.has(wanted)).map(([uri]) => uri);
  }

  private sync(): void {
    const files = [...new Set([...this.byDocument.values()].flatMap((paths) => [...paths]))].sort();
    const key = files.join('\n');
    if (key === this.watched || !this.target) {
      return;
    }
    this.watched = key;
    this.target.watch(files.map((file) => ({ directory: pathToFileURL(dirname(file)).href, name: file.slice(dirname(file).length + 1) })));
  }
}

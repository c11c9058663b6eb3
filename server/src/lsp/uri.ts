// URI helpers: file paths for `file:` URIs, base names for every scheme.
import { fileURLToPath } from 'node:url';

/** The file-system path of a `file:` URI, undefined for other schemes or malformed URIs. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) {
    return undefined;
  }
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The last path segment of any URI (`untitled:Untitled-1` → `Untitled-1`). */
export function baseNameOf(uri: string): string {
  const withoutQuery = uri.replace(/[?#].*$/, '');
  const afterScheme = withoutQuery.replace(/^[a-zA-Z][\w+.-]*:/, '');
  const segments = afterScheme.split('/');
  const last = segments[segments.length - 1] ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

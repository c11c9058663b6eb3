import type { Draft, ImageRef, Range } from './model';

/**
 * Splits `[registry/]repository[:tag][@digest]` as written. The registry is the first path component when
 * it looks like a host (`.`, `:` or `localhost`); the tag starts at the first `:` after the last `/`
 * (so `${TAG:-22.04}` stays whole). `raw` and `range` are what the recipe shows.
 */
export function splitImageRef(reference: string, raw: string, range: Range): ImageRef {
  let rest = reference;
  const ref: Draft<ImageRef> = { repository: '', raw, range };
  const at = rest.indexOf('@');
  if (at >= 0) {
    ref.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.indexOf(':', rest.lastIndexOf('/') + 1);
  if (colon >= 0) {
    ref.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const firstSlash = rest.indexOf('/');
  if (firstSlash > 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      ref.registry = first;
      rest = rest.slice(firstSlash + 1);
    }
  }
  ref.repository = rest;
  return ref;
}

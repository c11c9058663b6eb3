// Recipe files as bytes: `--fix` must write back every byte it did not mean to change, also in files that are not UTF-8.
import { TextDecoder } from 'node:util';

export type RecipeEncoding = 'utf8' | 'latin1';

export interface DecodedRecipe {
  text: string;
  /** `latin1` for bytes that are not valid UTF-8: one character per byte, so writing back restores them exactly. */
  encoding: RecipeEncoding;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 when the bytes are valid UTF-8 (a BOM is kept as U+FEFF), otherwise Latin-1 (ISO-8859-1, byte = character). */
export function decodeRecipe(bytes: Uint8Array): DecodedRecipe {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}

/** The bytes of `text` in the file's own encoding; undefined when a Latin-1 file would get a character it cannot hold. */
export function encodeRecipe(text: string, encoding: RecipeEncoding): Buffer | undefined {
  if (encoding === 'latin1' && [...text].some((char) => char.charCodeAt(0) > 0xff)) {
    return undefined;
  }
  return Buffer.from(text, encoding);
}

// Dockerfile words as Docker reads them (quotes, escapes, `$VAR` references) and shell quoting for the output.

/** A piece of a Dockerfile word: literal text, or a variable reference Docker substitutes at build time. */
export type WordPart = { literal: string } | { variable: string; raw: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Splits a raw Dockerfile word (as written, e.g. `"$HOME/x y"`, `a\ b`, `'$lit'`) into literal text and
 * variable references, following Docker's word processing: single quotes are literal, double quotes group,
 * the escape character escapes the next character, `$NAME` / `${NAME…}` are references.
 */
export function dockerWordParts(raw: string, escapeChar = '\\'): WordPart[] {
  const parts: WordPart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal.length > 0) {
      parts.push({ literal });
      literal = '';
    }
  };
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i];
    if (quote === "'") {
      if (char === "'") {
        quote = undefined;
      } else {
        literal += char;
      }
      continue;
    }
    if (char === escapeChar && i + 1 < raw.length) {
      literal += raw[i + 1];
      i++;
      continue;
    }
    if (char === '"') {
      quote = quote === '"' ? undefined : '"';
      continue;
    }
    if (char === "'" && quote === undefined) {
      quote = "'";
      continue;
    }
    if (char === '$') {
      const reference = variableAt(raw, i);
      if (reference) {
        flush();
        parts.push(reference.part);
        i = reference.end - 1;
        continue;
      }
    }
    literal += char;
  }
  flush();
  return parts;
}

function variableAt(raw: string, start: number): { part: WordPart; end: number } | undefined {
  if (raw[start + 1] === '{') {
    const close = raw.indexOf('}', start + 2);
    const name = NAME.exec(raw.slice(start + 2))?.[0];
    if (close < 0 || !name) {
      return undefined;
    }
    return { part: { variable: name, raw: raw.slice(start, close + 1) }, end: close + 1 };
  }
  const name = NAME.exec(raw.slice(start + 1))?.[0];
  return name ? { part: { variable: name, raw: raw.slice(start, start + 1 + name.length) }, end: start + 1 + name.length } : undefined;
}

/** The text of a Dockerfile word with quotes and escapes removed and references kept as written. */
export function dockerWordText(raw: string, escapeChar = '\\'): string {
  return dockerWordParts(raw, escapeChar)
    .map((part) => ('literal' in part ? part.literal : part.raw))
    .join('');
}

/** `'text'` for POSIX sh (single quotes; an embedded `'` becomes `'\''`); bare when only safe characters. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) {
    return text;
  }
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Escapes text for use inside a double-quoted shell string where `$` must stay literal. */
export function escapeDoubleQuotedLiteral(text: string): string {
  return text.replace(/[\\"`$]/g, (char) => `\\${char}`);
}

/** `{{ name }}` placeholders Apptainer would substitute (its `{{\s*(\w+)\s*}}`). */
export const TEMPLATE = /\{\{\s*(\w+)\s*\}\}/;

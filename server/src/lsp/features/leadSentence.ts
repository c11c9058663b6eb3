// The opening of a markdown paragraph for compact views: its first sentence, cut to a length bound
// without splitting a `code span` or a [link](…).

export interface Excerpt {
  text: string;
  /** True when `text` leaves out part of the paragraph. */
  truncated: boolean;
}

const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|vs|cf|approx|incl|no|ca)|\b[A-Z])\.$/i;
const UNSPLITTABLE = /`[^`]*`|\[[^\]]*\]\([^)]*\)/g;

/**
 * The first sentence of `markdown` (ending in `.`, `!` or `?` and a space, outside code spans, links
 * and parentheses), shortened at a word boundary to at most `max` characters plus ` …`.
 */
export function leadSentence(markdown: string, max: number): Excerpt {
  const text = markdown.replace(/\s+/g, ' ').trim();
  const plain = positions(text);
  const end = sentenceEnd(text, plain, true) ?? sentenceEnd(text, plain, false) ?? text.length;
  const sentence = text.slice(0, end);
  if (sentence.length <= max) {
    return { text: sentence, truncated: end < text.length };
  }
  return { text: `${sentence.slice(0, cutBefore(sentence, plain, max)).trimEnd()} …`, truncated: true };
}

interface Position {
  /** Not inside a code span or a link. */
  free: boolean;
  /** Parenthesis depth. */
  depth: number;
}

function positions(text: string): Position[] {
  const free = new Array<boolean>(text.length).fill(true);
  for (const match of text.matchAll(UNSPLITTABLE)) {
    free.fill(false, match.index, match.index + match[0].length);
  }
  let depth = 0;
  return free.map((isFree, index) => {
    const char = text[index];
    if (isFree && char === '(') {
      depth++;
    } else if (isFree && char === ')' && depth > 0) {
      depth--;
    }
    return { free: isFree, depth };
  });
}

function sentenceEnd(text: string, plain: Position[], outsideParentheses: boolean): number | undefined {
  for (let index = 0; index < text.length - 1; index++) {
    const { free, depth } = plain[index];
    if (
      free &&
      (!outsideParentheses || depth === 0) &&
      /[.!?]/.test(text[index]) &&
      text[index + 1] === ' ' &&
      !ABBREVIATION.test(text.slice(Math.max(0, index - 7), index + 1))
    ) {
      return index + 1;
    }
  }
  return undefined;
}

/** The last free space at or before `max`, preferably outside parentheses; `max` when there is none. */
function cutBefore(text: string, plain: Position[], max: number): number {
  let outside = 0;
  let inside = 0;
  for (let index = 1; index <= max && index < text.length; index++) {
    if (text[index] === ' ' && plain[index].free) {
      if (plain[index].depth === 0) {
        outside = index;
      } else {
        inside = index;
      }
    }
  }
  return outside || inside || max;
}

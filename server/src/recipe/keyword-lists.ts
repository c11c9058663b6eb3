// The keyword lists the rules ask about (module constants), numbered in the order first asked: a recipe's steps keep one
// answer bit per number (recipe/keyword-steps.ts).

/** The registered lists, by number. */
export const keywordLists: (readonly string[])[] = [];
const numbers = new Map<readonly string[], number>();
/** Beyond this many lists (lists made at run time), a list gets no number. */
const MAX_LISTS = 1024;

/**
 * The list's number, registered on first sight; -1 for a list that gets none: one with a keyword that is not ASCII or
 * holds a line break (a match of it might cross a line, or depend on the case mapping of the text around it).
 */
export function keywordListNumber(keywords: readonly string[]): number {
  let number = numbers.get(keywords);
  if (number === undefined) {
    number = keywords.every(isOneLineAscii) && keywordLists.length < MAX_LISTS ? keywordLists.push(keywords) - 1 : -1;
    numbers.set(keywords, number);
  }
  return number;
}

function isOneLineAscii(keyword: string): boolean {
  for (let i = 0; i < keyword.length; i++) {
    const code = keyword.charCodeAt(i);
    if (code > 0x7f || code === 0x0a || code === 0x0d) {
      return false;
    }
  }
  return true;
}

// The lint memos of the documents a thread lints (engine/memo.ts), for the few documents being edited.
import { LintMemo } from '../engine/memo';

/** How many documents keep a memo: the ones being typed into, not every open tab. */
const EDITED_DOCUMENTS = 4;
/** How many documents are remembered as linted once (a name each), so that their next lint starts a memo. */
const SEEN_DOCUMENTS = 1000;

const memos = new Map<string, LintMemo>();
const seen = new Set<string>();

/**
 * The memo of `document` (the editor's uri), or undefined on its first lint: a memo keeps the previous model of its
 * document (several MB for a large recipe), so a document opened and linted once keeps none. From its second lint on
 * it has one; the least recently linted of them is dropped.
 */
export function memoOf(document: string): LintMemo | undefined {
  let memo = memos.get(document);
  if (memo !== undefined) {
    memos.delete(document);
  } else if (seen.delete(document)) {
    memo = new LintMemo();
  } else {
    remember(document);
    return undefined;
  }
  memos.set(document, memo);
  if (memos.size > EDITED_DOCUMENTS) {
    const dropped = memos.keys().next().value as string;
    memos.delete(dropped);
    remember(dropped);
  }
  return memo;
}

function remember(document: string): void {
  seen.add(document);
  if (seen.size > SEEN_DOCUMENTS) {
    seen.delete(seen.values().next().value as string);
  }
}

/** The document was closed: it keeps nothing. */
export function forgetMemo(document: string): void {
  memos.delete(document);
  seen.delete(document);
}

// The lint memos of the documents a thread lints (engine/memo.ts), for the few documents edited most recently.
import { LintMemo } from '../engine/memo';

/** How many documents keep a memo: an editor's open tabs, not a workspace. */
const DOCUMENTS = 8;

const memos = new Map<string, LintMemo>();

/** The memo of `document` (the editor's uri), made on first use; the least recently linted one is dropped. */
export function memoOf(document: string): LintMemo {
  let memo = memos.get(document);
  if (memo === undefined) {
    memo = new LintMemo();
  } else {
    memos.delete(document);
  }
  memos.set(document, memo);
  if (memos.size > DOCUMENTS) {
    memos.delete(memos.keys().next().value as string);
  }
  return memo;
}

// What one lint of a document leaves for the next lint of the same document (the language server's keystrokes). The
// language server's lint worker keeps one per document being edited (service/documentMemos.ts); the engine alone reads
// and replaces its parts.
import { DefinitionParseMemo } from '../recipe/definition-memo';
import { DockerfileParseMemo } from '../recipe/dockerfile-memo';
import type { StepFindingsMemo } from './stepMemo';
import { SyntaxMemo } from './syntaxMemo';
import { commonPrefixLength, commonSuffixLength } from '../recipe/text';

/**
 * How much text a memo's parts may keep alive, in characters: at least this much, or `MIN_LINTS_KEPT` times the text's
 * length. The model objects a lint reuses hold slices of the text they were parsed from (V8 keeps a substring's whole
 * text), so edits at many places keep many versions of the text alive: typing at random lines of the 4,000-line
 * Dockerfile grew the heap by ~0.37 MB a keystroke. Each lint counts its text's length against it, a lint that only
 * changed the line the previous one changed an eighth of it: the next edit there parses that part again, so typing in
 * one place keeps one version (measured flat), and the bound still holds within eight times.
 */
export const KEPT_TEXT_CHARS = 4 * 1024 * 1024;
export const MIN_LINTS_KEPT = 4;
export const SAME_LINE_SHARE = 8;

/** Per document: pass the same LintMemo to every lint of one document, never to another document's. */
export class LintMemo {
  /** The characters of the texts linted since the parts were last emptied (`admit`). */
  private textSinceEmptied = 0;
  /** The previous lint's text, and where the line it changed starts in it when it changed one line only (else -1). */
  private previousText?: string;
  private previousLineStart = -1;

  /** The previous Dockerfile parse (recipe/dockerfile-memo.ts). */
  parse?: DockerfileParseMemo;
  /** The previous definition-file parse (recipe/definition-memo.ts). */
  definitionParse?: DefinitionParseMemo;
  /** The findings of the step-local rules, per step, of the previous lint (engine/stepMemo.ts). */
  steps?: StepFindingsMemo;
  /** The findings of the command-local rules in a definition file, per unit of its run steps (engine/commandLocality.ts). */
  commands?: StepFindingsMemo;
  /** dockerfile-utils' problems per instruction of the previous syntax check (engine/syntaxMemo.ts). */
  syntax?: SyntaxMemo;

  /**
   * Called by the engine with each text it lints with this memo, before it reads the parts: empties them (that lint
   * then reuses nothing) when keeping them would keep more text alive than `KEPT_TEXT_CHARS` allows. Returns whether
   * the lint may use the memo: not for a text with a lone `\r`, where dockerfile-ast breaks lines that the model's
   * LineIndex does not, so offsets found from positions point into other lines (the parts are emptied then too).
   */
  admit(text: string): boolean {
    if (hasLoneCarriageReturn(text)) {
      this.empty();
      this.previousText = undefined;
      this.previousLineStart = -1;
      return false;
    }
    const lineStart = this.changedLineStart(text);
    const counted = lineStart >= 0 && lineStart === this.previousLineStart ? Math.ceil(text.length / SAME_LINE_SHARE) : text.length;
    if (this.textSinceEmptied + counted > Math.max(KEPT_TEXT_CHARS, MIN_LINTS_KEPT * text.length)) {
      this.empty();
    }
    this.textSinceEmptied += counted;
    this.previousText = text;
    this.previousLineStart = lineStart;
    return true;
  }

  private empty(): void {
    this.parse = undefined;
    this.definitionParse = undefined;
    this.steps = undefined;
    this.commands = undefined;
    this.syntax = undefined;
    this.textSinceEmptied = 0;
  }

  /** Where the line `text` changed against the previous text starts, when the change is within that line; else -1. */
  private changedLineStart(text: string): number {
    const previous = this.previousText;
    if (previous === undefined || previous === text) {
      return -1;
    }
    const prefix = commonPrefixLength(previous, text);
    const suffix = commonSuffixLength(previous, text, prefix);
    if (hasLineBreak(previous, prefix, previous.length - suffix) || hasLineBreak(text, prefix, text.length - suffix)) {
      return -1;
    }
    return prefix === 0 ? 0 : Math.max(text.lastIndexOf('\n', prefix - 1), text.lastIndexOf('\r', prefix - 1)) + 1;
  }
}

function hasLoneCarriageReturn(text: string): boolean {
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

function hasLineBreak(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x0d) {
      return true;
    }
  }
  return false;
}

/** The document's parse memo, made on first use. */
export function parseMemoOf(memo: LintMemo): DockerfileParseMemo {
  memo.parse ??= new DockerfileParseMemo();
  return memo.parse;
}

/** The document's syntax-check memo, made on first use. */
export function syntaxMemoOf(memo: LintMemo): SyntaxMemo {
  memo.syntax ??= new SyntaxMemo();
  return memo.syntax;
}

/** The document's definition-file parse memo, made on first use. */
export function definitionParseMemoOf(memo: LintMemo): DefinitionParseMemo {
  memo.definitionParse ??= new DefinitionParseMemo();
  return memo.definitionParse;
}

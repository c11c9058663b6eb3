// What one lint of a document leaves for the next lint of the same document (the language server's keystrokes). The
// language server's lint worker keeps one per document being edited (service/documentMemos.ts); the engine alone reads
// and replaces its parts.
import { DefinitionParseMemo } from '../recipe/definition-memo';
import { DockerfileParseMemo } from '../recipe/dockerfile-memo';
import type { StepFindingsMemo } from './stepMemo';
import { SyntaxMemo } from './syntaxMemo';

/**
 * How much text a memo's parts may keep alive, in characters, counted as the texts linted since they were last emptied:
 * at least this much, or `MIN_LINTS_KEPT` times the text's length. The model objects a lint reuses hold slices of the
 * text they were parsed from (V8 keeps a substring's whole text), so edits at many places keep many versions of the
 * text: typing at random lines of the 4,000-line Dockerfile grew the heap by ~0.37 MB a keystroke.
 */
export const KEPT_TEXT_CHARS = 4 * 1024 * 1024;
export const MIN_LINTS_KEPT = 4;

/** Per document: pass the same LintMemo to every lint of one document, never to another document's. */
export class LintMemo {
  /** The characters of the texts linted since the parts were last emptied (`admit`). */
  private textSinceEmptied = 0;

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
   * then reuses nothing) when keeping them would keep more text alive than `KEPT_TEXT_CHARS` allows.
   */
  admit(text: string): void {
    if (this.textSinceEmptied + text.length > Math.max(KEPT_TEXT_CHARS, MIN_LINTS_KEPT * text.length)) {
      this.parse = undefined;
      this.definitionParse = undefined;
      this.steps = undefined;
      this.commands = undefined;
      this.syntax = undefined;
      this.textSinceEmptied = 0;
    }
    this.textSinceEmptied += text.length;
  }
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

// What one lint of a document leaves for the next lint of the same document (the language server's keystrokes). The
// language server's lint worker keeps one per document being edited (service/documentMemos.ts); the engine alone reads
// and replaces its parts.
import { DefinitionParseMemo } from '../recipe/definition-memo';
import { DockerfileParseMemo } from '../recipe/dockerfile-memo';
import type { StepFindingsMemo } from './stepMemo';
import { SyntaxMemo } from './syntaxMemo';

/** Per document: pass the same LintMemo to every lint of one document, never to another document's. */
export class LintMemo {
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

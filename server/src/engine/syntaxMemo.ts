// dockerfile-utils' per-instruction checks, reused for the instructions a keystroke left as they were.
//
// `Validator.validateInstruction` and `checkVariables` find most of validate's problems (and spend most of its time,
// ~8.5 of ~10 ms per keystroke in a 4,000-line Dockerfile). For most keywords what the first finds is a function of
// the instruction alone: the text of the lines it spans (its empty-continuation check reads whole lines), where it
// starts and ends on them, its keyword, the escape character and the validator's settings; every position it reports
// lies on those lines, so an instruction moved down by n lines has the same problems n lines lower. Here such
// problems are kept per document (engine/memo.ts), keyed by those lines, and given back for an instruction with the
// same key at the next lint. Not kept, run as always:
// - FROM, EXPOSE and STOPSIGNAL: they read variables' values (earlier ARGs and ENVs) or the global ARGs;
// - ADD and COPY with a `$` outside every image: asking for their variables may crash validate (syntaxVariableCheck.ts);
// - ONBUILD triggers (their check differs and they are few).
// What `checkVariables` finds (variables with a modifier) is a function of the instruction alone too, once its
// variables can be asked for without crashing (syntaxVariableCheck.ts): it is kept with the same key where they can.
// Everything else validate does (directives, the first instruction, duplicates per stage, stage names, ignore
// comments) runs as always, on the same problems in the same order (test/unit/engine/syntaxMemo.test.ts).
import type { Instruction } from 'dockerfile-ast';
import { Validator } from 'dockerfile-utils/lib/dockerValidator';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { resolvesInAnImage } from './syntaxVariableCheck';

interface Position {
  line: number;
  character: number;
}

/** A problem as dockerfile-utils makes it (Validator.createDiagnostic). */
interface Problem {
  instructionLine: number | null;
  range: { start: Position; end: Position };
  tags?: unknown[];
}

/** What one instruction's check found, its lines counted from the instruction's first line. */
interface InstructionProblems {
  keyword: string;
  escapeChar: string;
  startCharacter: number;
  lineCount: number;
  endCharacter: number;
  problems: readonly Problem[];
  /** What `checkVariables` found, once asked where the instruction's variables can be asked for. */
  variables?: readonly Problem[];
}

type CheckVariables = (this: unknown, instruction: Instruction, problems: Problem[]) => void;

type ValidateInstruction = (
  this: unknown,
  document: TextDocument,
  escapeChar: string,
  instruction: Instruction,
  keyword: string,
  isTrigger: boolean,
  problems: Problem[],
) => void;

/** Keywords whose check reads more than the instruction: variables' values, the global ARGs. */
const READS_CONTEXT = new Set(['FROM', 'EXPOSE', 'STOPSIGNAL']);
/** Keywords whose check asks for the instruction's variables (their ranges only). */
const ASKS_FOR_VARIABLES = new Set(['ADD', 'COPY']);

/** Per document: the previous syntax check's problems per instruction, by the text of the lines it spans. */
export class SyntaxMemo {
  settings = '';
  instructions = new Map<string, InstructionProblems>();
}

/** The problem with every line moved by `lines`, a new object like the library makes for each check. */
function moved(problem: Problem, lines: number): Problem {
  const { start, end } = problem.range;
  return {
    ...problem,
    instructionLine: problem.instructionLine === null ? null : problem.instructionLine + lines,
    range: { start: { line: start.line + lines, character: start.character }, end: { line: end.line + lines, character: end.character } },
    tags: problem.tags === undefined ? undefined : [...problem.tags],
  };
}

function kept(instruction: Instruction, keyword: string, isTrigger: boolean, lines: string): boolean {
  if (isTrigger || READS_CONTEXT.has(keyword)) {
    return false;
  }
  return !ASKS_FOR_VARIABLES.has(keyword) || !lines.includes('$') || resolvesInAnImage(instruction);
}

function sameShape(found: InstructionProblems, keyword: string, escapeChar: string, start: Position, end: Position): boolean {
  return (
    found.keyword === keyword &&
    found.escapeChar === escapeChar &&
    found.startCharacter === start.character &&
    found.lineCount === end.line - start.line &&
    found.endCharacter === end.character
  );
}

/**
 * Runs `run` (a validate with `settings`) with each instruction's checks answered from `memo` when the previous
 * validate of the document checked the same instruction, and `memo` then holding this validate's instructions; the
 * library is restored afterwards.
 */
export function withMemoizedInstructionChecks<T>(memo: SyntaxMemo, settings: string, run: () => T): T {
  const prototype = Validator.prototype as unknown as { validateInstruction: ValidateInstruction; checkVariables: CheckVariables };
  const original = prototype.validateInstruction;
  const originalCheckVariables = prototype.checkVariables;
  // validate checks the variables of each instruction right after the instruction: its entry, when it is kept.
  let last: { instruction: Instruction; found: InstructionProblems; start: number } | undefined;
  const previous = memo.settings === settings ? memo.instructions : new Map<string, InstructionProblems>();
  const current = new Map<string, InstructionProblems>();
  prototype.validateInstruction = function memoizedValidateInstruction(document, escapeChar, instruction, keyword, isTrigger, problems) {
    const { start, end } = instruction.getRange();
    const lines = document.getText().slice(document.offsetAt({ line: start.line, character: 0 }), document.offsetAt({ line: end.line + 1, character: 0 }));
    last = undefined;
    if (!kept(instruction, keyword, isTrigger, lines)) {
      original.call(this, document, escapeChar, instruction, keyword, isTrigger, problems);
      return;
    }
    let found = previous.get(lines) ?? current.get(lines);
    if (found !== undefined && sameShape(found, keyword, escapeChar, start, end)) {
      for (const problem of found.problems) {
        problems.push(moved(problem, start.line));
      }
    } else {
      const before = problems.length;
      original.call(this, document, escapeChar, instruction, keyword, isTrigger, problems);
      const own = problems.slice(before).map((problem) => moved(problem, -start.line));
      found = { keyword, escapeChar, startCharacter: start.character, lineCount: end.line - start.line, endCharacter: end.character, problems: own };
    }
    current.set(lines, found);
    last = { instruction, found, start: start.line };
  };
  prototype.checkVariables = function memoizedCheckVariables(instruction, problems) {
    const entry = last?.instruction === instruction ? last : undefined;
    last = undefined;
    if (entry === undefined || !resolvesInAnImage(instruction)) {
      originalCheckVariables.call(this, instruction, problems);
      return;
    }
    const { found, start } = entry;
    if (found.variables !== undefined) {
      for (const problem of found.variables) {
        problems.push(moved(problem, start));
      }
      return;
    }
    const before = problems.length;
    originalCheckVariables.call(this, instruction, problems);
    found.variables = problems.slice(before).map((problem) => moved(problem, -start));
  };
  try {
    return run();
  } finally {
    prototype.validateInstruction = original;
    prototype.checkVariables = originalCheckVariables;
    memo.settings = settings;
    memo.instructions = current;
  }
}

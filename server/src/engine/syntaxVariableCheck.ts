// dockerfile-utils' variable check, skipped for instructions where it can find nothing.
//
// dockerfile-ast 0.7.1 gives an instruction one more argument for every line that is an escaped space and a
// continuation (`\ \`): each is empty and runs from the keyword's last character to that line, so they overlap, and
// `Instruction.getVariables` parses the text of every one of them again. dockerfile-utils' `checkVariables` asks
// for the variables of every instruction: 2,276 such lines in one 305 KB instruction made millions of variables
// (fuzz 647335787:1870, 51 s). The check reports only a variable with a modifier (`${NAME:-x}`) outside RUN, CMD
// and ENTRYPOINT, and a modifier needs a `${`; where neither can be, the variables are not asked for.
//
// Asking can also throw: a variable on a line outside the instructions before the first FROM and outside every
// build stage (an indented instruction before any FROM) sends dockerfile-ast's `Dockerfile.resolveVariable` into
// endless recursion, and validate's crash is reported. An image's range runs from its first instruction to its last,
// so the lines after an instruction's first lie in its own image's range: its first line decides. Where that line
// is outside, the library's check runs.
import type { Instruction } from 'dockerfile-ast';
import { Validator } from 'dockerfile-utils/lib/dockerValidator';

/** dockerfile-utils allows every modifier in these (shell expansions go through). */
const MODIFIERS_ALLOWED = new Set(['RUN', 'CMD', 'ENTRYPOINT']);

interface VariableChecker {
  checkVariables(this: unknown, instruction: Instruction, problems: unknown[]): void;
}

interface ImageFinder {
  getContainingImage(position: { line: number; character: number }): object | null;
}

function cannotReport(instruction: Instruction): boolean {
  return MODIFIERS_ALLOWED.has(instruction.getKeyword()) || !instruction.getTextContent().includes('${');
}

/** Whether every variable of the instruction resolves in an image (the library's resolution does not recurse). */
export function resolvesInAnImage(instruction: Instruction): boolean {
  const dockerfile = (instruction as unknown as { dockerfile: ImageFinder }).dockerfile;
  const image = dockerfile.getContainingImage({ line: instruction.getRange().start.line, character: 0 });
  return image !== null && image !== dockerfile;
}

/** Runs `run` with dockerfile-utils' variable check skipping instructions it can find nothing in; the library is restored afterwards. */
export function withVariableCheckWhereItCanReport<T>(run: () => T): T {
  const prototype = Validator.prototype as unknown as VariableChecker;
  const original = prototype.checkVariables;
  prototype.checkVariables = function checkVariablesWhereItCanReport(this: unknown, instruction: Instruction, problems: unknown[]): void {
    if (cannotReport(instruction) && resolvesInAnImage(instruction)) {
      return;
    }
    original.call(this, instruction, problems);
  };
  try {
    return run();
  } finally {
    prototype.checkVariables = original;
  }
}

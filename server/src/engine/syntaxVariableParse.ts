// dockerfile-ast's `Instruction.parseVariables`, linear in the length of an argument.
//
// In dockerfile-ast 0.7.1, an escape character inside `${…` starts a scan for the newline it may escape, and the scan
// does not stop at the first character that is not whitespace: it runs to the next newline or the end of the
// argument, whatever lies between. Every escape character of a `${…` after the argument's last newline scans to its
// end, so `LABEL a=${\a\a\a…` is quadratic (20,000 of them: 1 s). The library's result is that such an escape
// character is skipped when no newline follows in the argument, and otherwise everything up to that newline is; here
// the next newline is looked up once per argument position instead of scanned for. Everything else is the library's
// code as it is (its four pushes of a `$NAME` variable made one helper), with the same Variables, made by the same
// calls in the same order (test/unit/engine/syntaxVariableParse.test.ts compares the two over the corpus and random
// arguments).
//
// Adapted from dockerfile-ast 0.7.1, lib/instruction.js. Copyright (c) 2017-2021 Remy Suen. MIT License; its text is in
// node_modules/dockerfile-ast/License.txt and, for the shipped bundles, dist/ThirdPartyNotices.txt.
import { Instruction, Variable } from 'dockerfile-ast';
import { Range, type Position } from 'vscode-languageserver-types';

interface ParsingInstruction {
  escapeChar: string;
  document: { positionAt(offset: number): Position };
  dockerfile: { resolveVariable(variable: string, line: number): string | null | undefined };
  isBuildVariable(variable: string, line: number): boolean | undefined;
  parseVariables(this: ParsingInstruction, offset: number, arg: string): Variable[];
}

const isWhitespace = (char: string): boolean => char === ' ' || char === '\t' || char === '\r' || char === '\n';

/** The index of the first `\n` after each position, found once for an argument: `next(j)` is the first newline at an index > j, or -1. */
function newlineFinder(arg: string): (j: number) => number {
  let known = -2;
  let at = -1;
  return (j) => {
    if (j < known || known === -2 || (at !== -1 && j >= at)) {
      at = arg.indexOf('\n', j + 1);
      known = j;
    }
    return at;
  };
}

function parseVariables(this: ParsingInstruction, offset: number, arg: string): Variable[] {
  const document = this.document;
  const variable = (name: string, nameRange: Range, range: Range, modifier: string | null, modifierRange: Range | null, parameter: string | null, parameterRange: Range | null, line: number, text: string) =>
    new Variable(name, nameRange, range, modifier, modifierRange, parameter, parameterRange, this.dockerfile.resolveVariable(name, line) !== undefined, this.isBuildVariable(name, line) as boolean, text);
  /** A `$NAME` variable from `arg[i]` (its `$`) to `arg[end]` (excluded). */
  const unbraced = (name: string, i: number, end: number): Variable => {
    const start = document.positionAt(offset + i);
    return variable(
      name,
      Range.create(document.positionAt(offset + i + 1), document.positionAt(offset + end)),
      Range.create(start, document.positionAt(offset + end)),
      null,
      null,
      null,
      null,
      start.line,
      '$' + name,
    );
  };
  const nextNewline = newlineFinder(arg);
  const variables: Variable[] = [];
  variableLoop: for (let i = 0; i < arg.length; i++) {
    switch (arg.charAt(i)) {
      case this.escapeChar:
        if (arg.charAt(i + 1) === '$') {
          i++;
        }
        break;
      case '$':
        if (arg.charAt(i + 1) === '{') {
          let escapedString = '${';
          let escapedName = '';
          let nameEnd = -1;
          let escapedSubstitutionParameter = '';
          let substitutionStart = -1;
          let substitutionEnd = -1;
          let modifierRead = -1;
          nameLoop: for (let j = i + 2; j < arg.length; j++) {
            const char = arg.charAt(j);
            switch (char) {
              case this.escapeChar: {
                // The library scans on to the next newline, whatever is between: it escapes that newline.
                const newline = nextNewline(j);
                if (newline !== -1) {
                  j = newline;
                  continue nameLoop;
                }
                break;
              }
              case '}': {
                escapedString += '}';
                let modifier: string | null = null;
                let modifierRange: Range | null = null;
                const substitutionParameter = modifierRead !== -1 ? escapedSubstitutionParameter : null;
                let substitutionRange: Range | null = null;
                if (nameEnd === -1) {
                  nameEnd = j;
                } else if (nameEnd + 1 === j) {
                  modifier = '';
                  modifierRange = Range.create(document.positionAt(offset + nameEnd + 1), document.positionAt(offset + nameEnd + 1));
                } else {
                  if (substitutionStart === -1) {
                    substitutionStart = modifierRead + 1;
                    substitutionEnd = modifierRead + 1;
                  } else {
                    substitutionEnd = substitutionEnd + 1;
                  }
                  modifier = arg.substring(modifierRead, modifierRead + 1);
                  modifierRange = Range.create(document.positionAt(offset + modifierRead), document.positionAt(offset + modifierRead + 1));
                  substitutionRange = Range.create(document.positionAt(offset + substitutionStart), document.positionAt(offset + substitutionEnd));
                }
                const start = document.positionAt(offset + i);
                variables.push(
                  variable(
                    escapedName,
                    Range.create(document.positionAt(offset + i + 2), document.positionAt(offset + nameEnd)),
                    Range.create(start, document.positionAt(offset + j + 1)),
                    modifier,
                    modifierRange,
                    substitutionParameter,
                    substitutionRange,
                    start.line,
                    escapedString,
                  ),
                );
                i = j;
                continue variableLoop;
              }
              case ':':
                if (nameEnd === -1) {
                  nameEnd = j;
                } else if (modifierRead !== -1) {
                  if (substitutionStart === -1) {
                    substitutionStart = j;
                    substitutionEnd = j;
                  } else {
                    substitutionEnd = j;
                  }
                  escapedSubstitutionParameter += ':';
                } else {
                  modifierRead = j;
                }
                escapedString += ':';
                break;
              case '\n':
              case '\r':
              case ' ':
              case '\t':
                break;
              default:
                if (nameEnd === -1) {
                  escapedName += char;
                } else if (modifierRead !== -1) {
                  if (substitutionStart === -1) {
                    substitutionStart = j;
                    substitutionEnd = j;
                  } else {
                    substitutionEnd = j;
                  }
                  escapedSubstitutionParameter += char;
                } else {
                  modifierRead = j;
                }
                escapedString += char;
                break;
            }
          }
          // no } found, not a valid variable, stop processing
          break variableLoop;
        } else if (isWhitespace(arg.charAt(i + 1)) || i === arg.length - 1) {
          // $ followed by whitespace or EOF, ignore this variable
          continue;
        } else {
          let escapedName = '';
          nameLoop: for (let j = i + 1; j < arg.length; j++) {
            const char = arg.charAt(j);
            switch (char) {
              case '\r':
              case '\n':
              case ' ':
              case '\t':
                continue;
              case '$':
              case "'":
              case '"': {
                variables.push(unbraced(escapedName, i, j));
                i = j - 1;
                continue variableLoop;
              }
              case this.escapeChar: {
                for (let k = j + 1; k < arg.length; k++) {
                  switch (arg.charAt(k)) {
                    case ' ':
                    case '\t':
                    case '\r':
                      continue;
                    case '\n':
                      j = k;
                      continue nameLoop;
                  }
                }
                // reached EOF after an escape character
                variables.push(unbraced(escapedName, i, j));
                break variableLoop;
              }
            }
            if (char.match(/^[a-z0-9_]+$/i) === null) {
              variables.push(unbraced(escapedName, i, j));
              i = j - 1;
              continue variableLoop;
            }
            escapedName += char;
          }
          variables.push(unbraced(escapedName, i, arg.length));
        }
        break variableLoop;
    }
  }
  return variables;
}

/** Runs `run` with dockerfile-ast's `parseVariables` linear in an argument's length; the library is restored afterwards. */
export function withLinearVariableParsing<T>(run: () => T): T {
  const prototype = Instruction.prototype as unknown as ParsingInstruction;
  const original = prototype.parseVariables;
  prototype.parseVariables = parseVariables;
  try {
    return run();
  } finally {
    prototype.parseVariables = original;
  }
}

// dockerfile-utils' syntax check with the document's memo finds exactly what a check without one finds (the same
// problems, in the same order), through random edits of every corpus Dockerfile and hand-made sequences of edits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from 'dockerfile-utils/lib/dockerValidator';
import { ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { validateDockerfile } from '../../../server/src/engine/syntax';
import { SyntaxMemo } from '../../../server/src/engine/syntaxMemo';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { allRules } from '../../../server/src/rules/index';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { seededNumbers, testSeed } from '../../fuzz/fuzzer';

const SNIPPETS = [
  'x', ' ', '\n', '\n\n', '\\\n', '\\\n\n', '`', '`\n', '\r', '\r\n', '"', "'", '$', '${A:x}', '=', '-',
  '\nRUN <<EOF\n\nx\nEOF\n', '<<EOF\n', '\nEOF\n', '\nONBUILD RUN a \\\n\n b\n', '\nONBUILD ', '\nWORKDIR rel\n', '\nworkdir rel\n',
  '\n# dockerfile-utils: ignore\n', '# escape=`\n', '#escape=\\\n', '\nCOPY a $B c\n', '\nEXPOSE $P 80/xyz\n', '\nSTOPSIGNAL $S\n',
  '\nHEALTHCHECK --retries=0 --interval=1x CMD x\n', '\nLABEL l=${A:x} m=${B:}\n', '\nCMD a\n', '\nFROM b AS one\n', '\nENV A="x\\" B\n', '\nMAINTAINER me\n', '\nFOO bar\n',
];

function edit(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const choice = next();
  if (choice < 0.1) {
    // At the top, where the parser directives are.
    return SNIPPETS[Math.floor(next() * SNIPPETS.length)] + text;
  }
  if (choice < 0.7) {
    return text.slice(0, at) + SNIPPETS[Math.floor(next() * SNIPPETS.length)] + text.slice(at);
  }
  if (choice < 0.9) {
    return text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 10));
  }
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at);
  return text.slice(0, lineStart) + (lineEnd < 0 ? '' : text.slice(lineEnd + 1));
}

const STRICT: ValidatorSettings = { instructionWorkdirRelative: ValidationSeverity.ERROR, emptyContinuationLine: ValidationSeverity.IGNORE };

/** Checks `text` with `memo` as the editor does (on the front end's tree) and fresh; says what differs, if anything. */
function difference(text: string, memo: SyntaxMemo, settings?: ValidatorSettings): string | undefined {
  const { syntaxTree } = parseDockerfileWithSyntaxTree(text, true);
  const withMemo = validateDockerfile(text, settings, syntaxTree, memo);
  const fresh = validateDockerfile(text, settings);
  try {
    assert.deepStrictEqual(withMemo, fresh);
    return undefined;
  } catch (error) {
    return `${JSON.stringify(text.slice(0, 300))}: ${(error as Error).message.slice(0, 600)}`;
  }
}

/** Each sequence is checked in order with one memo: the check of each text after the first may reuse the one before. */
const SEQUENCES: Array<{ texts: string[]; settings?: Array<ValidatorSettings | undefined> }> = [
  // Moved down a line, then back: the same problems one line lower.
  { texts: ['FROM a\nRUN x \\\n\n y\nWORKDIR rel\nENV A="x\\" B\n', '\nFROM a\nRUN x \\\n\n y\nWORKDIR rel\nENV A="x\\" B\n', 'FROM a\nRUN x \\\n\n y\nWORKDIR rel\nENV A="x\\" B\n'] },
  // Another escape character: `\"` escapes the quote or does not.
  { texts: ['# escape=\\\nFROM a\nENV A="x\\" B=1\n', '# escape=`\nFROM a\nENV A="x\\" B=1\n', '# escape=\\\nFROM a\nENV A="x\\" B=1\n'] },
  // CRLF, a lone `\r`, LF: other line breaks, other lines.
  { texts: ['FROM a\r\nRUN a \\\r\n\r\n b\r\nWORKDIR rel\r\n', 'FROM a\rRUN a \\\r\r b\rWORKDIR rel\r', 'FROM a\nRUN a \\\n\n b\nWORKDIR rel\n', 'FROM a\nRUN a \\\r\n\n b\nWORKDIR rel\r\n'] },
  // The last line with and without its line break; an empty continuation line that is the file's end.
  { texts: ['FROM a\nRUN a \\\n', 'FROM a\nRUN a \\\n\n', 'FROM a\nRUN a \\\n\nx', 'FROM a\nWORKDIR rel', 'FROM a\nWORKDIR rel\n'] },
  // Heredocs whose lines are not continuation lines, opened and closed.
  { texts: ['FROM a\nRUN <<EOF\n\nx\n\nEOF\n', 'FROM a\nRUN <<EOF\n\nx\n\nEO\n', 'FROM a\nRUN <<EOF\n\nx\n\nEOF\n', 'FROM a\nCOPY <<EOF /x\n\n\nEOF\n'] },
  // ONBUILD and its trigger; the same trigger alone, also on lines of its own (a trigger's lines are not checked).
  { texts: ['FROM a\nONBUILD RUN a \\\n\n b\n', 'FROM a\nONBUILD FROM a \\\n\n b\n', 'FROM a\nRUN a \\\n\n b\n', 'FROM a\nONBUILD RUN a \\\n\n b\n'] },
  { texts: ['FROM a\nRUN a \\\n\n b\n', 'FROM a\nONBUILD \\\nRUN a \\\n\n b\n', 'FROM a\nRUN a \\\n\n b\n'] },
  // An ignore comment before an instruction, then not.
  { texts: ['FROM a\n# dockerfile-utils: ignore\nWORKDIR rel\n', 'FROM a\n# dockerfile-utils: nope\nWORKDIR rel\n', 'FROM a\n# dockerfile-utils: ignore\nWORKDIR rel\n'] },
  // The first instruction not a FROM, then a FROM; CMD duplicated per stage.
  { texts: ['WORKDIR rel\nCMD a\nCMD a\n', 'FROM a\nWORKDIR rel\nCMD a\nCMD a\n', 'FROM a\nCMD a\nFROM b\nCMD a\n'] },
  // Variables whose values (or whose absence) the check reads: FROM, EXPOSE, STOPSIGNAL, and ADD/COPY before any stage.
  {
    texts: [
      'ARG P=80\nFROM $IMG\nEXPOSE $P\nSTOPSIGNAL $S\nCOPY a $B c\n',
      'ARG IMG=a\nFROM $IMG\nARG P=x\nEXPOSE $P\nARG S=1\nSTOPSIGNAL $S\nCOPY a $B c\n',
      '  COPY a $B c\nFROM a\nCOPY a $B c\n',
      'COPY a $B c\nFROM a\nCOPY a $B c\n',
    ],
  },
  // Variables with a modifier the check reports, moved; then where asking for them crashes validate (before any stage).
  { texts: ['FROM a\nENV A=${B:x} C=${D}\nLABEL l=${E:+y} m=${F:}\n', '\nFROM a\nENV A=${B:x} C=${D}\nLABEL l=${E:+y} m=${F:}\n', 'FROM a\nENV A=${B:x} C=${D}\nLABEL l=${E:+y} m=${F:}\n'] },
  { texts: ['FROM a\n  LABEL a=${B:x}\n  COPY a $B c\n', '  LABEL a=${B:x}\nFROM a\n', '  COPY a $B c\nFROM a\n', 'FROM a\n  LABEL a=${B:x}\n  COPY a $B c\n'] },
  // The same lines twice in one file; stage names defused (their messages restored in place).
  { texts: ['FROM a\nWORKDIR rel\nWORKDIR rel\n', 'FROM a AS b-!c\nLABEL a="!c\nWORKDIR rel\nWORKDIR rel\n', 'FROM ubuntu:22.04 \\\nLABEL a=b-!c\nLABEL a="!c\n', 'FROM a\nLABEL a="!c\n'] },
  // Other validator settings: other problems from the same instructions.
  { texts: ['FROM a\nRUN a \\\n\n b\nWORKDIR rel\n', 'FROM a\nRUN a \\\n\n b\nWORKDIR rel\n', 'FROM a\nRUN a \\\n\n b\nWORKDIR rel\n'], settings: [undefined, STRICT, undefined] },
];

test('the memo changes no problem: hand-made sequences of edits', () => {
  const differences: string[] = [];
  for (const { texts, settings } of SEQUENCES) {
    const memo = new SyntaxMemo();
    texts.forEach((text, i) => {
      const found = difference(text, memo, settings?.[i]);
      if (found !== undefined) {
        differences.push(`step ${i}: ${found}`);
      }
    });
  }
  assert.deepEqual(differences, []);
});

test('the memo changes no problem: random edits of every corpus Dockerfile', (t) => {
  const next = seededNumbers(testSeed(26));
  const differences: string[] = [];
  let checks = 0;
  for (const original of corpusDockerfileTexts(t)) {
    if (original.length > 100_000) {
      continue;
    }
    let text = original;
    const memo = new SyntaxMemo();
    for (let round = 0; round < 4; round++) {
      const found = difference(text, memo, round === 2 ? STRICT : undefined);
      checks++;
      if (found !== undefined) {
        differences.push(`round ${round}: ${found}`);
      }
      text = edit(text, next);
    }
  }
  t.diagnostic(`${checks} checks`);
  assert.deepEqual(differences.slice(0, 5), []);
});

test('with the memo an unchanged instruction is not checked again, a changed one is', () => {
  const prototype = Validator.prototype as unknown as { validateInstruction(...args: unknown[]): void };
  const original = prototype.validateInstruction;
  const checked: string[] = [];
  const counted = function (this: unknown, ...args: unknown[]) {
    checked.push(String(args[3]));
    original.apply(this, args);
  };
  prototype.validateInstruction = counted;
  try {
    const memo = new SyntaxMemo();
    const text = 'FROM a\nRUN a\nWORKDIR rel\nEXPOSE 80\n';
    validateDockerfile(text, undefined, undefined, memo);
    assert.deepEqual(checked.splice(0), ['FROM', 'RUN', 'WORKDIR', 'EXPOSE']);
    validateDockerfile(`\n${text.replace('RUN a', 'RUN b')}`, undefined, undefined, memo);
    // FROM and EXPOSE read the context: always checked.
    assert.deepEqual(checked.splice(0), ['FROM', 'RUN', 'EXPOSE']);
    // The library is restored after each check.
    assert.equal(prototype.validateInstruction, counted);
  } finally {
    prototype.validateInstruction = original;
  }
});

test('a lint with the memo = a lint without it, syntax check on, through random edits of corpus Dockerfiles', (t) => {
  const config = { ...defaultConfig(), syntaxValidation: true };
  const next = seededNumbers(testSeed(7));
  const differences: string[] = [];
  for (const [i, original] of corpusDockerfileTexts(t).entries()) {
    if (i % 12 !== 0 || original.length > 100_000) {
      continue;
    }
    let text = original;
    const memo = new LintMemo();
    for (let round = 0; round < 4; round++) {
      const withMemo = lint(text, { format: 'dockerfile', config, rules: allRules, memo }).diagnostics;
      const without = lint(text, { format: 'dockerfile', config, rules: allRules }).diagnostics;
      if (JSON.stringify(withMemo) !== JSON.stringify(without)) {
        differences.push(`${JSON.stringify(text.slice(0, 200))} round ${round}`);
      }
      text = edit(text, next);
    }
  }
  assert.deepEqual(differences.slice(0, 5), []);
});

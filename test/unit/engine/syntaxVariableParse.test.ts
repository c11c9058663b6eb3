// hpclint's linear `parseVariables` gives exactly the Variables of dockerfile-ast's own (and throws where it throws):
// every argument of every corpus Dockerfile, those Dockerfiles mutated, tricky and random arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { withLinearVariableParsing } from '../../../server/src/engine/syntaxVariableParse';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

type Parse = (this: Instruction, offset: number, arg: string) => unknown[];

const prototype = Instruction.prototype as unknown as { parseVariables: Parse };
const library = prototype.parseVariables;
const linear = withLinearVariableParsing(() => prototype.parseVariables);

function outcome(parse: Parse, instruction: Instruction, offset: number, arg: string): unknown {
  try {
    return parse.call(instruction, offset, arg);
  } catch (error) {
    return `throws: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Compares the two on every raw argument and expanded argument of every instruction of `text`; returns how many were compared. */
function compareArguments(text: string): number {
  const dockerfile = DockerfileParser.parse(text);
  const document = (dockerfile as unknown as { document: { getText(): string; offsetAt(p: { line: number; character: number }): number } }).document;
  let compared = 0;
  for (const instruction of [...dockerfile.getInstructions(), ...dockerfile.getOnbuildTriggers()]) {
    for (const arg of (instruction as unknown as { getRawArguments(): ReturnType<Instruction['getArguments']> }).getRawArguments()) {
      const range = arg.getRange();
      const offset = document.offsetAt(range.start);
      for (const value of [document.getText().substring(offset, document.offsetAt(range.end)), arg.getValue()]) {
        assert.deepEqual(outcome(linear, instruction, offset, value), outcome(library, instruction, offset, value), `${JSON.stringify(value)} in ${JSON.stringify(text.slice(0, 200))}`);
        compared++;
      }
    }
  }
  return compared;
}

const TRICKY = [
  'FROM alpine\nENV A=${B \\\n\tC=${D:-${E}} F=\\${G:x} H=$\nUSER ${U\\ser:x}\nEXPOSE ${P:-80}/tcp $\nVOLUME ${V\\\n:y}\nSTOPSIGNAL ${S:x}\nSTOPSIGNAL $',
  'FROM alpine\nLABEL a=${\\a\\b\\c \\\n d=${x\\ \\\ny} e=${} f=${:} g=${a::b} h=${a:b:c} i=$a$b"$c"\'$d\' j=$a\\\n',
  'FROM alpine\nRUN echo ${A\\\n\\\nB} $C\\ D ${E:-F\\}G} $H\\\n',
  '  ENV A=$B\nFROM alpine\n',
  'ARG T=1\n  FROM alpine:${T:-3} AS a\nONBUILD ADD ${Y:z} /w\nRUN <<EOF\necho ${H:x}\nEOF\nCOPY <<EOF /f\n${I:y}\nEOF\n',
  '# escape=`\nFROM alpine\nLABEL a=${X`x} `\n\t` `\n\tb=${Y:y}`\nRUN echo `${Z:z} ${A`\n:b}\n',
];

test('tricky arguments (unclosed and nested ${, escapes, $ at the end, heredocs, CR and CRLF): the library\'s Variables', () => {
  for (const text of TRICKY) {
    for (const eol of ['\n', '\r\n', '\r']) {
      assert.ok(compareArguments(text.replaceAll('\n', eol)) > 0);
    }
  }
});

test('random arguments of the characters that matter: the library\'s Variables', () => {
  // Every offset an argument can reach lies in the FROM or the stage (elsewhere the library's resolution overflows the stack, slowly).
  const dockerfile = DockerfileParser.parse(`FROM alpine\nLABEL a=b${' \\\n  c=d'.repeat(10)}\n`);
  const [, label] = dockerfile.getInstructions();
  let variables = 0;
  const alphabet = ['$', '$', '{', '}', ':', '\\', '\\', '\n', '\r', ' ', '\t', 'a', 'B', '_', '-', '"', "'", '`', '+', '?'];
  const random = new Random(20261207);
  for (let n = 0; n < 20_000; n++) {
    let arg = '';
    for (let length = 1 + random.int(40); arg.length < length; ) {
      arg += random.pick(alphabet);
    }
    const offset = random.int(30);
    const expected = outcome(library, label, offset, arg);
    assert.deepEqual(outcome(linear, label, offset, arg), expected, JSON.stringify(arg));
    variables += Array.isArray(expected) ? expected.length : 0;
  }
  assert.ok(variables > 10_000, `${variables} variables`);
});

test('every argument of every corpus Dockerfile, and of each with escapes and ${ put into its lines: the library\'s Variables', (t) => {
  const random = new Random(20261208);
  let compared = 0;
  for (const text of corpusDockerfileTexts(t)) {
    compared += compareArguments(text);
    const mutated = text
      .split('\n')
      .map((line) => (random.chance(0.1) ? `${line}${random.pick([' ${', ' ${A\\b', ' \\ \\', ' $', ' ${A:\\', '\\'])}` : line))
      .join(random.pick(['\n', '\r\n']));
    compared += compareArguments(mutated);
  }
  t.diagnostic(`${compared} arguments compared`);
});

test('an escape character in ${ no longer scans to the end of the argument: 8x the escapes, about 8x the work', () => {
  const text = (n: number) => `FROM alpine\nLABEL a=\${${'\\a'.repeat(n)}\n`;
  const charAt = String.prototype.charAt;
  let reads = 0;
  const counting = function (this: string, position: number) {
    reads++;
    return charAt.call(this, position);
  };
  const readsOf = (check: () => unknown): number => {
    reads = 0;
    String.prototype.charAt = counting;
    try {
      check();
    } finally {
      String.prototype.charAt = charAt;
    }
    return reads;
  };
  const growth = (parse: (t: string) => unknown) => readsOf(() => parse(text(4000))) / readsOf(() => parse(text(500)));
  assert.ok(growth((t) => validate(t)) > 30, 'the library alone is quadratic (the test can tell)');
  const ours = growth((t) => withLinearVariableParsing(() => validate(t)));
  assert.ok(ours < 10, `characters read grew ${ours.toFixed(1)}x for 8x the escapes`);
});

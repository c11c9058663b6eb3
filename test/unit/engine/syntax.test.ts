// dockerfile-utils' syntax check with hpclint's speed-ups gives exactly the library's own findings,
// and stays linear in the length of a stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileParser, Instruction } from 'dockerfile-ast';
import { ImageTemplate } from 'dockerfile-ast/lib/imageTemplate';
import { Parser } from 'dockerfile-ast/lib/parser';
import { validate } from 'dockerfile-utils';
import { lint } from '../../../server/src/engine/lint';
import { MAX_SYNTAX_CHECK_STAGES, validateDockerfile } from '../../../server/src/engine/syntax';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { allRules } from '../../../server/src/rules/index';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

const EDGE_CASES = [
  // Redefinitions, two values for one name in one ENV, ENV over ARG, ARG before FROM, per-stage scope.
  'ARG BASE=alpine\nARG TAG\nFROM $BASE:${TAG:-3.20} AS one\nENV A=1 A=2 B=$A\nARG A=3\nRUN echo $A $B $C ${D:-x}\nENV A=4\nRUN echo $A\n' +
    'FROM one\nRUN echo $A $BASE\nARG BASE\nRUN echo $BASE\nENV C\nRUN echo $C\n',
  // Variables on continuation lines and in ONBUILD triggers; escaped dollars; a heredoc.
  'FROM ubuntu:24.04\nARG V=1\nENV P=/opt/$V \\\n    Q=$P/bin\nONBUILD RUN echo $V $Q \\$R\nRUN <<EOF\necho $V $UNSET\nEOF\nWORKDIR $P\nUSER ${USERNAME}\n',
  // An instruction the parser keeps but that is not a stage's (before any FROM), and an empty stage.
  'ENV X=1\nFROM scratch\nFROM alpine AS empty\nCOPY --from=empty $X /x\n',
];

test('the speed-ups change no finding: edge cases and every corpus Dockerfile', (t) => {
  const texts = [...EDGE_CASES];
  texts.push(...corpusDockerfileTexts(t));
  for (const text of texts) {
    const expected = validate(text);
    assert.deepEqual(validateDockerfile(text), expected, text.slice(0, 200));
    // The tree hpclint's front end built (and walked) answers the syntax check exactly like a fresh parse.
    const { syntaxTree } = parseDockerfileWithSyntaxTree(text, true);
    assert.ok(syntaxTree);
    assert.deepEqual(validateDockerfile(text, undefined, syntaxTree), expected, text.slice(0, 200));
  }
});

test('a lint parses a Dockerfile once: the syntax check reuses the front end\'s tree', () => {
  // Every parse of dockerfile-ast goes through its Parser: `DockerfileParser.parse` and the front end's parseDockerfileTree.
  const original = Parser.prototype.parse;
  let parses = 0;
  Parser.prototype.parse = function (this: Parser, content: string) {
    parses++;
    return original.call(this, content);
  };
  try {
    lint(EDGE_CASES[0], { format: 'dockerfile', rules: allRules });
  } finally {
    Parser.prototype.parse = original;
  }
  assert.equal(parses, 1);
});

test('a lint tokenises each instruction once: the syntax check reuses the front end\'s raw arguments', () => {
  const prototype = Instruction.prototype as unknown as { getRawArguments(): unknown };
  const original = prototype.getRawArguments;
  const tokenised: string[] = [];
  prototype.getRawArguments = function counted(this: Instruction) {
    const { start, end } = this.getRange();
    tokenised.push(`${start.line}:${start.character}-${end.line}:${end.character}`);
    return original.call(this);
  };
  let readByCheckOnly = 0;
  try {
    for (const text of EDGE_CASES) {
      tokenised.length = 0;
      parseDockerfileWithSyntaxTree(text, true);
      const byParse = tokenised.length;
      tokenised.length = 0;
      lint(text, { format: 'dockerfile', rules: allRules });
      readByCheckOnly += tokenised.length - byParse;
      // The check reads instructions the front end did not tokenise (an ONBUILD trigger), never one it did.
      assert.equal(new Set(tokenised).size, tokenised.length, `${text}: ${tokenised.join(' ')}`);
    }
    assert.ok(readByCheckOnly > 0, 'the check tokenised nothing of its own: the count could not see a second tokenisation');
  } finally {
    prototype.getRawArguments = original;
  }
});

test('dockerfile-ast is restored after each check', () => {
  const patched = () => [
    DockerfileParser.parse,
    ImageTemplate.prototype.resolveVariable,
    ImageTemplate.prototype.getENVs,
    (Instruction.prototype as unknown as { isBuildVariable: unknown }).isBuildVariable,
  ];
  const before = patched();
  validateDockerfile(EDGE_CASES[0]);
  validateDockerfile(EDGE_CASES[0], undefined, parseDockerfileWithSyntaxTree(EDGE_CASES[0], true).syntaxTree);
  assert.deepEqual(patched(), before);
});

test('a long stage costs linear time: twice the lines, about twice the ENV walks (the library alone: four times)', () => {
  const line = Object.getPrototypeOf(Instruction.prototype) as { isBefore(line: number): boolean };
  const original = line.isBefore;
  let walks = 0;
  line.isBefore = function (this: unknown, at: number) {
    walks++;
    return original.call(this, at);
  };
  const stage = (n: number) => `FROM ubuntu:24.04\n${Array.from({ length: n }, (_, i) => `ENV V${i}=$V${i - 1}\nRUN echo $V${i} $HOME`).join('\n')}\n`;
  const growth = (check: (text: string) => unknown): number => {
    walks = 0;
    check(stage(400));
    const small = walks;
    walks = 0;
    check(stage(800));
    return walks / Math.max(1, small);
  };
  try {
    assert.ok(growth((text) => validate(text)) > 3.5, 'the library alone is quadratic (the test can tell)');
    const ours = growth((text) => validateDockerfile(text));
    assert.ok(ours < 2.5, `ENV walks grew ${ours.toFixed(2)}x for twice the lines`);
  } finally {
    line.isBefore = original;
  }
});

test(`more than ${MAX_SYNTAX_CHECK_STAGES} stages: the syntax check is skipped with one info finding`, () => {
  const stages = (n: number) => Array.from({ length: n }, (_, i) => `FROM alpine:3.20 AS s${i}\nFOO bar`).join('\n');
  const config = { rules: {}, categories: {}, settings: { trustedRegistries: [], today: '2026-01-15' }, syntaxValidation: true };
  const many = lint(stages(MAX_SYNTAX_CHECK_STAGES + 1), { format: 'dockerfile', config, rules: allRules }).diagnostics;
  assert.equal(many.filter((d) => d.source === 'dockerfile-utils').length, 0);
  const skipped = many.filter((d) => d.code === 'hpclint/skipped');
  assert.deepEqual(
    skipped.map((d) => [d.severity, d.message]),
    [['info', `Syntax checks skipped: ${MAX_SYNTAX_CHECK_STAGES + 1} stages (dockerfile-utils checks up to ${MAX_SYNTAX_CHECK_STAGES}); hpclint's own rules still ran.`]],
  );
  const few = lint(stages(3), { format: 'dockerfile', config, rules: allRules }).diagnostics;
  assert.equal(few.filter((d) => d.code === 'dockerfile-utils/UNKNOWN_INSTRUCTION').length, 3);
});

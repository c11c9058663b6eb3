// dockerfile-utils' exponential stage-name check is defused without changing what it reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate } from 'dockerfile-utils';
import { Parser } from 'dockerfile-ast/lib/parser';
import { lint } from '../../../server/src/engine/lint';
import { defuseStageNames } from '../../../server/src/engine/syntaxTraps';
import { allRules } from '../../../server/src/rules/index';

const syntax = (text: string): string[] =>
  lint(text, { rules: allRules, format: 'dockerfile' })
    .diagnostics.filter((d) => d.source === 'dockerfile-utils')
    .map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`);

test('short invalid stage names: the same findings as dockerfile-utils gives by itself', () => {
  for (const text of [
    'FROM ubuntu:24.04 AS a.b.c=d\nRUN true\n',
    'FROM --platform=linux/amd64 ubuntu AS x-y.z!\n',
    'FROM ubuntu:24.04 \\\nLABEL a.b=c\n',
    'FROM ubuntu AS 1bad\nFROM ubuntu AS good.name\n',
  ]) {
    const direct = validate(text).map(
      (d) => `dockerfile-utils/${String(d.code)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.message)}`,
    );
    assert.deepEqual(syntax(text).map((line) => line.replace(/^dockerfile-utils\/\w+/, '')), direct.map((line) => line.replace(/^dockerfile-utils\/\w+/, '')), text);
  }
});

test('a long invalid stage name (a stray continuation after FROM) is checked at once', () => {
  const text = 'FROM ubuntu:22.04 \\\nLABEL org.opencontainers.image.compilation.and.some.more.words=auto\n';
  assert.deepEqual(syntax(text), [
    'dockerfile-utils/INVALID_AS 1:0-1:5 Second argument should be AS',
    'dockerfile-utils/INVALID_BUILD_STAGE_NAME 1:6-1:67 invalid name for build stage: "org.opencontainers.image.compilation.and.some.more.words=auto", name can\'t start with a number or contain symbols',
  ]);
  assert.equal(defuseStageNames('FROM ubuntu AS good.name\n').names.size, 0);
  assert.equal(defuseStageNames('FROM ubuntu\nRUN make\n').text, 'FROM ubuntu\nRUN make\n');
});

test('a FROM that must be looked at does not cost a second parse: the front end\'s tree is read (fuzz 647335787:1415)', () => {
  const text = 'FROM ubuntu:24.04 \\\n  AS build\nRUN make\nFROM build AS final\n';
  assert.deepEqual(syntax(text), validate(text).map((d) => `dockerfile-utils/${String(d.code)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${String(d.message)}`));
  const original = Parser.prototype.parse;
  let parses = 0;
  Parser.prototype.parse = function counted(this: Parser, content: string) {
    parses++;
    return original.call(this, content);
  };
  try {
    lint(text, { rules: allRules, format: 'dockerfile' });
  } finally {
    Parser.prototype.parse = original;
  }
  assert.equal(parses, 1);
});

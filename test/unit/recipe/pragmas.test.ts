// Pragma writing beside pragma parsing: what writePragma writes, parsePragmas reads back with the same codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePragmas, pragmaOnLine, writePragma } from '../../../server/src/recipe/pragmas';
import { parseRecipe } from '../../../server/src/recipe/parse';
import type { Comment } from '../../../server/src/recipe/model';

const comment = (text: string): Comment => ({ text, range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } } });
const readBack = (text: string) => parsePragmas([comment(text)], [text, 'RUN true'], (line) => ({ startLine: line, endLine: line }));

test('a written pragma parses back to the same codes, scope and reason', () => {
  const cases: [string[], { global?: boolean; reason?: string }][] = [
    [['HPC-PORT-001'], {}],
    [['HPC-PORT-001', 'no-march-native', 'dockerfile-utils/CASING_INSTRUCTION', 'buildkit/JSONArgsRecommended'], {}],
    [['HPC-EOL-001', 'HPC-SEC-003'], { global: true }],
    [['HPC-SEC-003'], { reason: 'the vendor installer checks its own signature' }],
    [['HPC-SEC-003', 'HPC-PORT-001'], { global: true, reason: 'built for one site' }],
  ];
  for (const [codes, options] of cases) {
    const written = writePragma(codes, options);
    const [pragma] = readBack(written);
    assert.deepEqual(
      { codes: pragma?.codes, global: pragma?.global, reason: pragma?.reason, appliesTo: pragma?.appliesTo },
      { codes, global: options.global === true, reason: options.reason, appliesTo: options.global ? undefined : { startLine: 1, endLine: 1 } },
      written,
    );
    assert.deepEqual(pragmaOnLine(`  ${written}`)?.codes, codes, written);
  }
  assert.equal(writePragma(['HPC-PORT-001'], { global: true, reason: 'why' }), '# hpclint global ignore=HPC-PORT-001 -- why');
});

test('a written pragma silences its codes in a parsed recipe of each format', () => {
  for (const [format, text] of [
    ['dockerfile', `FROM alpine:3.20\n${writePragma(['HPC-PORT-001', 'HPC-SEC-003'])}\nRUN gcc -march=native x.c\n`],
    ['apptainer', `Bootstrap: docker\nFrom: alpine:3.20\n\n%post\n    ${writePragma(['HPC-PORT-001', 'HPC-SEC-003'])}\n    gcc -march=native x.c\n`],
  ] as const) {
    const [pragma] = parseRecipe(text, format).pragmas;
    assert.deepEqual(pragma?.codes, ['HPC-PORT-001', 'HPC-SEC-003'], format);
    assert.equal(pragma?.appliesTo?.startLine, text.split('\n').findIndex((line) => line.includes('gcc')), format);
  }
});

test('pragmaOnLine finds where one more code goes, before a reason', () => {
  const line = '  #  hpclint ignore = HPC-SEC-003 , HPC-PORT-001   -- why not';
  const found = pragmaOnLine(line);
  assert.deepEqual(found && { ...found, before: line.slice(0, found.codesEnd) }, {
    global: false,
    codes: ['HPC-SEC-003', 'HPC-PORT-001'],
    codesEnd: line.indexOf('HPC-PORT-001') + 'HPC-PORT-001'.length,
    before: '  #  hpclint ignore = HPC-SEC-003 , HPC-PORT-001',
  });
  assert.equal(pragmaOnLine('# hpclint global ignore=HPC-EOL-001')?.global, true);
  assert.equal(pragmaOnLine('# just a comment'), undefined);
  assert.equal(pragmaOnLine('# hpclint ignore='), undefined);
  assert.equal(pragmaOnLine('RUN true # hpclint ignore=HPC-SEC-003'), undefined);
});

// hadolint pragmas and BuildKit's `# check=skip=` silence exactly the hpclint findings of the checks they name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { compact, haveShellCheck, shellcheckFindings } from '../shellcheck/helpers';
import { allRules } from '../../../server/src/rules/index';

const FIXTURES = join(__dirname, '../../fixtures/hadolint');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

function codes(text: string): string[] {
  return lint(text, { rules: allRules, format: 'dockerfile', config: defaultConfig() }).diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}`);
}

test('a recipe annotated for hadolint: its pragmas silence the hpclint findings of the same checks, and nothing else', () => {
  const plain = codes(fixture('plain.Dockerfile'));
  const annotated = codes(fixture('annotated.Dockerfile'));
  // annotated.Dockerfile is plain.Dockerfile plus pragma/directive lines: its line for each plain line.
  const annotatedLine = [0, 1, 5, 6, 8, 9, 11, 13, 14];
  const shift = (entry: string): string => {
    const [line, code] = entry.split(' ');
    return `${annotatedLine[Number(line)]} ${code}`;
  };
  assert.deepEqual(
    plain.map(shift).filter((entry) => !annotated.includes(entry)),
    [
      '5 HPC-PORT-004', // # check=skip=FromPlatformFlagConstDisallowed
      '5 HPC-SEC-001', // # hadolint ignore=DL3007 (ubuntu:latest)
      '11 HPC-SEC-005', // # hadolint ignore=DL3064 (ENV API_TOKEN=…)
      '13 HPC-SEC-007', // # hadolint ignore=DL3002 (final USER root)
      '14 HPC-USE-001', // # check=skip=JSONArgsRecommended (shell-form ENTRYPOINT)
    ],
  );
  assert.deepEqual(annotated, ['5 HPC-SEC-008', '5 HPC-LIC-006', '6 dockerfile-utils/DEPRECATED_MAINTAINER', '8 HPC-CACHE-002', '8 HPC-PERF-006']);
});

test('ShellCheck codes in hadolint pragmas silence ShellCheck findings (instruction and global)', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  assert.deepEqual(compact(shellcheckFindings(fixture('plain.Dockerfile'), 'dockerfile')), [
    '4:55-4:66 hint SC2086',
    '4:55-4:66 info SC2154',
    '5:5-5:12 info SC2164',
  ]);
  assert.deepEqual(compact(shellcheckFindings(fixture('annotated.Dockerfile'), 'dockerfile')), []);
});

test('a mapping that covers part of an hpclint rule silences only that part', () => {
  const setuid = 'FROM rockylinux:9\nRUN chmod u+s /usr/bin/ping\nUSER root\n';
  assert.deepEqual(codes(setuid).filter((entry) => entry.endsWith('HPC-SEC-007')), ['2 HPC-SEC-007', '3 HPC-SEC-007']);
  assert.deepEqual(codes(`# hadolint global ignore=DL3002\n${setuid}`).filter((entry) => entry.endsWith('HPC-SEC-007')), ['3 HPC-SEC-007']);
  assert.deepEqual(codes('# hadolint ignore=DL3002\nFROM rockylinux:9\nRUN chmod u+s /usr/bin/ping\n').filter((entry) => entry.endsWith('HPC-SEC-007')), ['3 HPC-SEC-007']);
  // DL3007 is about `:latest`: a pinned-version tag keeps HPC-SEC-001's digest advice.
  assert.ok(codes('# hadolint ignore=DL3007\nFROM ubuntu:24.04\n').includes('2 HPC-SEC-001'));
  assert.ok(!codes('# hadolint ignore=DL3007\nFROM ubuntu:latest\n').includes('2 HPC-SEC-001'));
});

test('# check=skip=all silences every mapped BuildKit check; a check= comment after FROM is no directive', () => {
  const recipe = 'FROM debian:12\nENV DB_PASSWORD=hunter2\nENTRYPOINT python3 app.py\n';
  const mapped = (entries: string[]): string[] => entries.filter((entry) => /HPC-SEC-005|HPC-USE-001/.test(entry));
  assert.deepEqual(mapped(codes(recipe)), ['2 HPC-SEC-005', '3 HPC-USE-001']);
  assert.deepEqual(mapped(codes(`# check=skip=all\n${recipe}`)), []);
  assert.deepEqual(mapped(codes(`# check=skip=SecretsUsedInArgOrEnv;error=true\n${recipe}`)), ['4 HPC-USE-001']);
  assert.deepEqual(mapped(codes(recipe.replace('\n', '\n# check=skip=all\n'))), ['3 HPC-SEC-005', '4 HPC-USE-001']);
});

test('hadolint pragmas allow a trailing # comment; hpclint pragmas may name DL codes too', () => {
  assert.ok(!codes('# hadolint ignore=DL3007 # we track latest on purpose\nFROM ubuntu:latest\n').includes('2 HPC-SEC-001'));
  assert.ok(!codes('# hpclint ignore=DL3007 -- we track latest on purpose\nFROM ubuntu:latest\n').includes('2 HPC-SEC-001'));
});

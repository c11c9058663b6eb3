// Recipe words that are also Object.prototype member names must not crash any rule or the front ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint } from '../../server/src/engine/lint';
import { allRules } from '../../server/src/rules/index';

const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype'];
const WORDS = NAMES.join(' ');

const DOCKERFILE = [
  'ARG constructor=1',
  'FROM ubuntu:24.04 AS constructor',
  'ENV constructor=1 toString=2 __proto__=3',
  ...NAMES.map((name) => `RUN ${name} -x ${WORDS} && ${name} install ${WORDS} && apt-get install -y ${WORDS} && pip install ${WORDS} && export ${name}=1`),
  `RUN git config --global ${WORDS} && spack install ${WORDS} && dnf install ${WORDS} && conda install ${WORDS} && make ${NAMES.map((name) => `${name}=1`).join(' ')}`,
  `COPY ${WORDS} /opt/`,
  'LABEL constructor=1 toString=2',
  'USER constructor',
  'ENTRYPOINT ["constructor", "toString"]',
  'CMD constructor toString',
  'HEALTHCHECK CMD constructor',
  ...NAMES.map((name) => `FROM ${name}:${name} AS ${name}x`),
  'FROM constructorx',
  `RUN ${WORDS}`,
].join('\n');

const DEFINITION = [
  'Bootstrap: constructor',
  'From: toString:__proto__',
  'constructor: x',
  'Stage: constructor',
  '',
  '%constructor',
  '    x',
  '%post -c constructor',
  ...NAMES.map((name) => `    ${name} -x ${WORDS}; apt-get install ${WORDS}; export ${name}=1`),
  '%environment',
  '    export constructor=1 toString=2',
  '%files from constructor',
  '    constructor toString',
  '%labels',
  '    constructor 1',
  '%arguments',
  '    constructor=1',
  '%runscript',
  '    constructor {{ constructor }} "$@"',
  '%appinstall constructor',
  '    toString',
  '%setup',
  '    constructor /x',
  '',
  'Bootstrap: toString',
  'From: constructor',
].join('\n');

for (const [format, text] of [
  ['dockerfile', DOCKERFILE],
  ['apptainer', DEFINITION],
] as const) {
  test(`${format}: prototype member names as commands, keys, stages and sections crash no rule`, () => {
    // dockerfile-utils itself throws on a stage named `constructor`; lint contains that as dockerfile-utils/INTERNAL.
    const crashes = lint(text, { rules: allRules, format }).diagnostics.filter((d) => d.code === 'hpclint/internal');
    assert.deepEqual(
      crashes.map((d) => d.message),
      [],
    );
  });
}

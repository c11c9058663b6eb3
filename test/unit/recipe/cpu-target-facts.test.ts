// HPC-PORT-001/002/004/009 and HPC-PERF-001 keep what each command (and, in a Dockerfile, each script) says by itself
// across the lints of a document with a memo, and combine it with the stage's variables and the other steps on every
// lint: the lint with the memo reports what a fresh one does, over seeded random edits of the corpus recipes and the
// bench's 4,000-line ones, and over hand-made edits of an earlier ARG/ENV/FROM/%environment line while the step that
// uses it is reused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { allRules } from '../../../server/src/rules/index';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit as dockerfileEdit } from './dockerfileEdits';
import { bigDefinition, corpusDefinitionTexts, edit as definitionEdit } from './definitionEdits';

const CODES = ['HPC-PORT-001', 'HPC-PORT-002', 'HPC-PORT-004', 'HPC-PORT-009', 'HPC-PERF-001'];
const RULES = allRules.filter((rule) => CODES.includes(rule.meta.code));

/** Commands and definitions these rules read, as Dockerfile lines (a definition file gets them indented in `%post`). */
const COMMANDS = [
  'cd OpenBLAS-0.3.26 && make -j4 && make install PREFIX=/opt',
  'make -C OpenBLAS USE_OPENMP=1',
  'cd /src/openblas && cmake -B build . && cmake --build build',
  'cmake -DGMX_MPI=ON ../gromacs-2023',
  'cd gromacs-4.6.7 && cmake -DGMX_GPU=OFF .',
  'spack install gromacs@2023 +mpi',
  'spack config add "packages:all:target:[x86_64_v3]"',
  'cmake -DKokkos_ARCH_NATIVE=ON .. && make ARCH=native',
  'gcc -O3 -march=native -o a a.c && icc -xHost -O2 b.c',
  'gcc -march=$MARCH -mcpu=${CPU} a.c && nvc -tp=$TP x.c',
  'export DYNAMIC_ARCH=1 && make -C OpenBLAS',
  'sh -c "gcc -march=native x.c && make -C OpenBLAS"',
  'curl -LO https://x.org/tool-linux-amd64.tar.gz',
  'wget https://x/aarch64/pkg.rpm',
  'uname -m',
  'echo /opt/cray/pe/lib64 > /etc/ld.so.conf.d/cray.conf',
  'echo /gpfs/lib | tee -a /etc/ld.so.conf.d/g.conf',
  'mkdir -p /apps/x && ./configure --prefix=/sw/tools',
  'cd lammps && cmake -DCMAKE_CXX_FLAGS=-O3 ../cmake',
  'cd /src/gromacs && ./configure CFLAGS="-O2 -march=x86-64"',
  'export CFLAGS=-mavx2 && make -C fftw CFLAGS=-O3',
];
const DEFINITIONS = [
  'ENV MARCH=native CPU=native TP=host',
  'ENV MARCH=haswell',
  'ARG DYNAMIC_ARCH=1',
  'ARG TARGET=HASWELL',
  'ENV CFLAGS=-march=x86-64-v3',
  'ENV LD_LIBRARY_PATH=/opt/cray/lib:/apps/x/lib PATH=/sw/bin:$PATH',
  'ARG TARGETARCH',
  'ARG X=1',
];
const OTHER_LINES = [
  'COPY packages.yaml /opt/spack/etc/spack/',
  'ADD https://x/tool-x86_64.tgz /opt/',
  'FROM --platform=linux/amd64 ubuntu AS b',
  'FROM --platform=$BUILDPLATFORM ubuntu AS c',
  'WORKDIR /gpfs/work',
  'FROM ubuntu',
];

/** A random edit; a line these rules read typed in; or an ARG/ENV/FROM line rewritten in place (the steps after it stay reused). */
function dockerfileRuleEdit(text: string, random: Random): string {
  const kind = random.int(4);
  if (kind <= 1) {
    return dockerfileEdit(text, random);
  }
  const lines = text.split('\n');
  if (kind === 2) {
    const pick = random.int(COMMANDS.length + DEFINITIONS.length + OTHER_LINES.length);
    const line =
      pick < COMMANDS.length ? `RUN ${COMMANDS[pick]}` : pick < COMMANDS.length + DEFINITIONS.length ? DEFINITIONS[pick - COMMANDS.length] : OTHER_LINES[pick - COMMANDS.length - DEFINITIONS.length];
    lines.splice(1 + random.int(Math.max(1, lines.length - 1)), 0, line);
    return lines.join('\n');
  }
  const definitions = lines.flatMap((line, index) => (/^(ARG|ENV|FROM)\s/i.test(line) ? [index] : []));
  if (definitions.length > 0) {
    const at = definitions[random.int(definitions.length)];
    lines[at] = /^FROM/i.test(lines[at]) ? OTHER_LINES[2 + random.int(4)] : DEFINITIONS[random.int(DEFINITIONS.length)];
  }
  return lines.join('\n');
}

const ENVIRONMENT = ['    export MARCH=native CPU=native', '    export MARCH=haswell', '    export DYNAMIC_ARCH=1', '    export CFLAGS=-march=x86-64-v3', '    export LD_LIBRARY_PATH=/opt/cray/lib', '    X=1'];

/** A random edit; a command typed into a script; or an `%environment` line rewritten in place. */
function definitionRuleEdit(text: string, random: Random): string {
  const kind = random.int(4);
  if (kind <= 1) {
    return definitionEdit(text, random);
  }
  const lines = text.split('\n');
  if (kind === 2) {
    lines.splice(1 + random.int(Math.max(1, lines.length - 1)), 0, `    ${COMMANDS[random.int(COMMANDS.length)]}`);
    return lines.join('\n');
  }
  const environment = lines.findIndex((line) => /^%environment/.test(line));
  if (environment >= 0 && environment + 1 < lines.length) {
    lines[environment + 1] = ENVIRONMENT[random.int(ENVIRONMENT.length)];
  } else {
    lines.splice(1, 0, '%environment', ENVIRONMENT[0]);
  }
  return lines.join('\n');
}

/** Commands that use what the definitions above set, appended to a corpus recipe before its edits. */
const USES = ['RUN gcc -march=$MARCH a.c && cd OpenBLAS && make && spack install gromacs', 'RUN cd gromacs && cmake -DCMAKE_C_FLAGS=-O3 ..', 'RUN curl -LO https://x.org/tool-linux-amd64.tar.gz'];

/** The findings of a fresh lint, after asserting that the lint with the memo has the same. */
function assertSameAsFresh(text: string, format: RecipeFormat, memo: LintMemo): readonly unknown[] {
  const fresh = lint(text, { format, rules: RULES }).diagnostics;
  assert.deepEqual(lint(text, { format, rules: RULES, memo }).diagnostics, fresh, JSON.stringify(text.slice(0, 300)));
  return fresh;
}

/** Lints each version in turn with one memo; every lint must equal a fresh one. */
function assertVersions(format: RecipeFormat, versions: readonly string[]): void {
  const memo = new LintMemo();
  const findings = versions.map((text) => JSON.stringify(assertSameAsFresh(text, format, memo)));
  assert.ok(new Set(findings).size > 1, 'the edits change the findings');
}

test('Dockerfile: an earlier ARG/ENV/FROM line edited while the steps using it are reused', () => {
  const run = 'RUN cd OpenBLAS && make && gcc -march=$MARCH a.c && spack install gromacs\nRUN cd gromacs && cmake -DCMAKE_C_FLAGS=-O3 ..';
  for (const [first, second] of [
    ['ARG X=1', 'ARG TARGET=1'],
    ['ENV MARCH=haswell', 'ENV MARCH=native'],
    ['ENV CFLAGS=-O2', 'ENV CFLAGS=-march=x86-64-v3'],
    ['FROM other', '#ROM other'],
    ['COPY a.yaml /x/', 'COPY packages.yaml /x/'],
  ]) {
    const text = (line: string): string => `FROM ubuntu\nENV MARCH=native\n${line}\n${run}\n`;
    assertVersions('dockerfile', [text(first), text(second), text(first)]);
  }
  const paths = (line: string): string => `FROM ubuntu\n${line}\nRUN echo /opt/cray/lib | tee /etc/ld.so.conf.d/c.conf\nENV LD_LIBRARY_PATH=/gpfs/lib\n`;
  assertVersions('dockerfile', [paths('RUN true'), paths('RUN mkdir /gpfs /opt/cray'), paths('WORKDIR /gpfs'), paths('RUN true')]);
  const urls = (line: string): string => `FROM ubuntu\n${line}\nRUN curl -LO https://x.org/tool-linux-amd64.tar.gz\n`;
  assertVersions('dockerfile', [urls('ARG X'), urls('RUN echo $TARGETARCH'), urls('ARG X')]);
});

test('definition file: an %environment line edited while the %post commands using it are reused', () => {
  const text = (line: string): string =>
    `Bootstrap: docker\nFrom: ubuntu\n\n%environment\n${line}\n\n%post\n    cd OpenBLAS && make\n    cd /x/gromacs && cmake -DCMAKE_C_FLAGS=-O3 ..\n    gcc -march=$MARCH a.c\n`;
  assertVersions('apptainer', [text('    export MARCH=native'), text('    export MARCH=haswell TARGET=1'), text('    export MARCH=native')]);
  assertVersions('apptainer', [text('    export CFLAGS=-O2'), text('    export CFLAGS=-march=x86-64-v3'), text('    export CFLAGS=-O2')]);
});

test('Dockerfile corpus: random edits, the lint with the memo equals a fresh one', (t) => {
  const random = new Random(61);
  let found = 0;
  corpusDockerfileTexts(t).forEach((original, fileIndex) => {
    if (fileIndex % 2 === 1) {
      return;
    }
    const memo = new LintMemo();
    let text = `${original}\n${USES.join('\n')}\n`;
    assertSameAsFresh(text, 'dockerfile', memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = dockerfileRuleEdit(text, random);
      }
      found += assertSameAsFresh(text, 'dockerfile', memo).length;
    }
  });
  assert.ok(found > 0 || corpusDockerfileTexts(t).length === 0);
});

test('definition file corpus: random edits, the lint with the memo equals a fresh one', (t) => {
  const random = new Random(67);
  let found = 0;
  corpusDefinitionTexts(t).forEach((original) => {
    const memo = new LintMemo();
    let text = `${original}\n%post\n${USES.map((line) => `    ${line.slice('RUN '.length)}`).join('\n')}\n`;
    assertSameAsFresh(text, 'apptainer', memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = definitionRuleEdit(text, random);
      }
      found += assertSameAsFresh(text, 'apptainer', memo).length;
    }
  });
  assert.ok(found > 0 || corpusDefinitionTexts(t).length === 0);
});

test('the 4,000-line recipes: random edits, the lint with the memo equals a fresh one', async (t) => {
  const root = join(__dirname, '..', '..', '..');
  const { corpusRecipes, bigDockerfile } = await import(join(root, 'bench/lib/corpus.mjs'));
  const recipes = corpusRecipes(join(root, '../shared/corpus'));
  const big = await bigDefinition(t);
  if (recipes.length === 0 || big === undefined) {
    t.skip('no corpus');
    return;
  }
  const random = new Random(71);
  for (const [format, original, change] of [
    ['dockerfile', bigDockerfile(recipes) as string, dockerfileRuleEdit],
    ['apptainer', big, definitionRuleEdit],
  ] as const) {
    const memo = new LintMemo();
    let text = original;
    assertSameAsFresh(text, format, memo);
    for (let version = 0; version < 25; version++) {
      text = change(text, random);
      assertSameAsFresh(text, format, memo);
    }
  }
});

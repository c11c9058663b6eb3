// Image-layer rules keep facts per step in a Dockerfile's lint with a memo (what a RUN downloads and deletes, its package
// managers, how it merges with its neighbours, its package caches, its build tools): the lint with the memo reports what a
// fresh one does, through seeded random edits of the corpus Dockerfiles and of the bench's 4,000-line one, and through
// edits of what the kept facts must not depend on (WORKDIR, USER, ENV/ARG, SHELL, FROM, comments) above reused steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { allRules } from '../../../server/src/rules/index';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit } from './dockerfileEdits';

const RULES = allRules.filter((rule) => ['HPC-PERF-007', 'HPC-CACHE-002', 'HPC-PERF-006', 'HPC-BUILD-001', 'HPC-PERF-008'].includes(rule.meta.code));

/** Steps the rules read: downloads, deletions, package managers, builds, mergeable RUNs. */
const RULE_LINES = [
  'RUN wget https://x.org/f.tar.gz && cd /opt && curl -fsSLO https://x.org/g.run',
  'RUN rm -rf f.tar.gz /opt/g.run /tmp/* src',
  'RUN git clone https://github.com/x/src.git && rm -rf /src',
  'COPY big.tgz /tmp/',
  'RUN cd /tmp && rm big.tgz',
  'RUN apt-get update && apt-get install -y gcc libfoo-dev && make -j4',
  'RUN apt-get install -y cuda-toolkit-12-4',
  'RUN apt-get purge -y libfoo-dev',
  'RUN pip install numpy torch',
  'RUN export PIP_NO_CACHE_DIR=1 && pip install scipy',
  'RUN dnf install -y make',
  'RUN conda install -y numpy',
  'RUN --mount=type=cache,target=/var/cache/apt apt-get install -y x',
  'RUN echo one',
  'RUN cd /work',
];

/** Lines the kept facts must not depend on: they change the stage around reused steps. */
const CONTEXT_LINES = [
  'WORKDIR /opt',
  'WORKDIR sub',
  'WORKDIR /tmp',
  'USER app',
  'USER root',
  'ENV PIP_NO_CACHE_DIR=1',
  'ARG PIP_NO_CACHE_DIR',
  'SHELL ["/bin/bash", "-c"]',
  '# a comment',
  'FROM nvidia/cuda:12.4.0-devel-ubuntu22.04 AS build',
  'FROM ubuntu:22.04 AS dev',
  'FROM scratch',
  '# syntax=docker/dockerfile:1',
];

/** A random edit, a step the rules read typed in, or a line around steps changed or typed in. */
function ruleEdit(text: string, random: Random): string {
  const kind = random.int(4);
  if (kind === 0) {
    return edit(text, random);
  }
  const lines = text.split('\n');
  const line = random.int(lines.length);
  if (kind === 1) {
    lines.splice(line, 0, RULE_LINES[random.int(RULE_LINES.length)]);
    return lines.join('\n');
  }
  const context = lines.findIndex((each, at) => at >= line && /^\s*(WORKDIR|USER|ENV|ARG|SHELL|FROM)\s/i.test(each));
  if (kind === 2 && context >= 0) {
    lines[context] = CONTEXT_LINES[random.int(CONTEXT_LINES.length)];
  } else {
    lines.splice(line, 0, CONTEXT_LINES[random.int(CONTEXT_LINES.length)]);
  }
  return lines.join('\n');
}

function assertSameAsFresh(text: string, memo: LintMemo): number {
  const fresh = lint(text, { format: 'dockerfile', rules: RULES }).diagnostics;
  assert.deepEqual(lint(text, { format: 'dockerfile', rules: RULES, memo }).diagnostics, fresh, JSON.stringify(text.slice(0, 400)));
  return fresh.length;
}

test('image-layer rules with the memo = without it: corpus Dockerfiles, random edits and edits above reused steps', (t) => {
  const random = new Random(59);
  let found = 0;
  for (const original of corpusDockerfileTexts(t)) {
    const memo = new LintMemo();
    let text = original;
    found += assertSameAsFresh(text, memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = ruleEdit(text, random);
      }
      found += assertSameAsFresh(text, memo);
    }
  }
  assert.ok(found > 0 || corpusDockerfileTexts(t).length === 0);
});

test('image-layer rules with the memo = without it: the 4,000-line Dockerfile, random edits', async (t) => {
  const root = join(__dirname, '../../..');
  const { corpusRecipes, bigDockerfile } = (await import(join(root, 'bench/lib/corpus.mjs'))) as {
    corpusRecipes(dir: string): unknown[];
    bigDockerfile(recipes: unknown[]): string;
  };
  let text: string;
  try {
    text = bigDockerfile(corpusRecipes(join(root, '../shared/corpus')));
  } catch {
    t.diagnostic('corpus not found: no 4,000-line Dockerfile');
    return;
  }
  const random = new Random(61);
  const memo = new LintMemo();
  let found = assertSameAsFresh(text, memo);
  for (let version = 0; version < 24; version++) {
    text = ruleEdit(text, random);
    found += assertSameAsFresh(text, memo);
  }
  assert.ok(found > 0);
});

/** Each version linted with the memo of the ones before it, and fresh: the same findings. */
function assertVersions(versions: string[][]): void {
  const memo = new LintMemo();
  for (const lines of versions) {
    assertSameAsFresh(lines.join('\n'), memo);
  }
}

const RUNS = Array.from({ length: 110 }, (_, i) => `RUN echo ${i}`);

test('image-layer rules with the memo: a change above a reused step changes its findings', () => {
  // HPC-PERF-007: the RUN deleting `f.tgz` is reused; the WORKDIR above it says which file it is.
  assertVersions([
    ['FROM ubuntu:22.04', 'WORKDIR /a', 'RUN wget http://x.org/f.tgz', 'WORKDIR /a', 'RUN rm f.tgz'],
    ['FROM ubuntu:22.04', 'WORKDIR /a', 'RUN wget http://x.org/f.tgz', 'WORKDIR /b', 'RUN rm f.tgz'],
    ['FROM ubuntu:22.04', 'WORKDIR /b', 'RUN wget http://x.org/f.tgz', 'WORKDIR /b', 'RUN rm f.tgz'],
  ]);
  // HPC-CACHE-002: whether pip's cache mount is offered depends on the USER above the reused RUN.
  assertVersions([
    ['# syntax=docker/dockerfile:1', 'FROM python:3.12', 'USER app', 'RUN pip install numpy'],
    ['# syntax=docker/dockerfile:1', 'FROM python:3.12', 'USER root', 'RUN pip install numpy'],
    ['# syntax=docker/dockerfile:1', 'FROM python:3.12', 'USER 0', 'RUN pip install numpy'],
    ['# syntax=docker/dockerfile:1', 'FROM base', 'USER 0', 'RUN pip install numpy'],
  ]);
  // HPC-PERF-006: an ENV or ARG above the reused RUN turns pip's cache off; a later RUN needing the apt lists drops the fix.
  assertVersions([
    ['FROM python:3.12', 'ENV A=1', 'RUN pip install numpy', 'RUN apt-get update && apt-get install -y gcc'],
    ['FROM python:3.12', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install numpy', 'RUN apt-get update && apt-get install -y gcc'],
    ['FROM python:3.12', 'ARG PIP_NO_CACHE_DIR=1', 'RUN pip install numpy', 'RUN apt-get update && apt-get install -y gcc', 'RUN apt-get install -y make'],
    ['ARG PIP_NO_CACHE_DIR=1', 'FROM python:3.12', 'ARG PIP_NO_CACHE_DIR', 'RUN pip install numpy', 'RUN apt-get update && apt-get install -y gcc'],
    ['ARG PIP_NO_CACHE_DIR=1', 'FROM python:3.12', 'ARG A', 'RUN pip install numpy', 'RUN apt-get update && apt-get install -y gcc'],
  ]);
  // HPC-PERF-006: one RUN, three fixes appending different commands.
  assertVersions([
    ['FROM ubuntu:22.04', 'ENV A=1', 'RUN apt-get update && apt-get install -y gcc && dnf install -y make && conda install -y numpy'],
    ['FROM ubuntu:22.04', 'ENV B=1', 'RUN apt-get update && apt-get install -y gcc && dnf install -y make && conda install -y numpy'],
  ]);
  // HPC-BUILD-001: a SHELL, a comment or a FROM changes the groups of reused RUNs and the count of layers.
  assertVersions([
    ['FROM ubuntu:22.04', ...RUNS],
    ['FROM ubuntu:22.04', 'SHELL ["/bin/bash", "-c"]', ...RUNS],
    ['FROM ubuntu:22.04', 'ENV A=1', ...RUNS.slice(0, 50), '# a comment', ...RUNS.slice(51)],
    ['FROM ubuntu:22.04', 'ENV A=1', ...RUNS.slice(0, 50), 'RUN cd /x', ...RUNS.slice(51)],
    ['FROM ubuntu:22.04', 'ENV A=1', ...RUNS.slice(0, 50), 'RUN echo fifty', ...RUNS.slice(51)],
    ['FROM ubuntu:22.04', 'ENV A=1', ...RUNS.slice(0, 50), 'RUN echo fifty and more', ...RUNS.slice(51)],
    ['FROM scratch', 'ENV A=1', ...RUNS.slice(0, 50), 'RUN echo x', ...RUNS.slice(51), 'RUN echo 1', 'RUN echo 2', ...RUNS],
    ['FROM ubuntu:22.04', 'ENV A=1', ...RUNS.slice(0, 50), 'RUN echo x', ...RUNS.slice(51), 'RUN echo 1', 'RUN echo 2', ...RUNS],
  ]);
  // HPC-PERF-008: the final stage's name and the stages it builds on decide; its steps are reused.
  assertVersions([
    ['FROM nvidia/cuda:12.4.0-devel-ubuntu22.04', 'RUN apt-get install -y gcc libfoo-dev', 'RUN make'],
    ['FROM nvidia/cuda:12.4.0-devel-ubuntu22.04 AS dev', 'RUN apt-get install -y gcc libfoo-dev', 'RUN make'],
    ['FROM ubuntu:22.04 AS app', 'RUN apt-get install -y gcc libfoo-dev', 'RUN make'],
    ['FROM ubuntu:22.04 AS app', 'RUN apt-get install -y gcc libfoo-dev', 'RUN apt-get purge -y libfoo-dev'],
  ]);
});

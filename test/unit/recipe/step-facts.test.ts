// Facts kept per step or script object (a Dockerfile parsed with the memo of its previous version keeps its unchanged
// steps, scripts and commands) equal those of a fresh parse, over seeded random edits of the corpus Dockerfiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { DockerfileParseMemo } from '../../../server/src/recipe/dockerfile-memo';
import { executedFiles, executedPath } from '../../../server/src/recipe/copied-scripts';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe } from '../../../server/src/recipe/model';
import { findHits, stepHits } from '../../../server/src/rules/licensing/no-published-commercial-apps';
import { allRules } from '../../../server/src/rules/index';
import { commandMpiSources, mpiSources } from '../../../server/src/rules/util/mpi';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit } from './dockerfileEdits';

const MPI_LINES = [
  'RUN apt-get install -y libopenmpi-dev openmpi-bin',
  'RUN curl -fsSLO https://www.mpich.org/static/downloads/4.2.3/mpich-4.2.3.tar.gz?x=1',
  'RUN spack install openmpi@4.1 ^ucx && spack add mvapich2',
  'RUN dnf -y install mpich-devel',
  'RUN wget http://x/mvapich2-2.3.7.tgz',
];

const APP_LINES = [
  'COPY ansys_inc/ /opt/ansys_inc/',
  'RUN ./INSTALL -silent -install_dir /opt/ansys_inc',
  'RUN sh -c "tar xf vasp.6.4.2.tgz && cp bin/vasp_std /usr/local/bin"',
  'RUN mpm install --release=R2023b MATLAB && echo STAR-CCM+',
  'RUN tar xf /tmp/ls-dyna_smp_d_R13.tgz',
];

/** The recipe of a parse with the memo, its facts kept per step as in a lint with the memo. */
function parsedWithMemo(text: string, memo: DockerfileParseMemo): Recipe {
  const recipe = parseDockerfileWithSyntaxTree(text, false, memo).recipe;
  factsOf(recipe).stepsReused = true;
  return recipe;
}

/** A random edit, or a line of `inserted` typed in, or a name of `removed` taken out of a random line. */
function sourceEdit(text: string, random: Random, inserted: readonly string[], removed: RegExp): string {
  if (random.int(3) > 0) {
    return edit(text, random);
  }
  const lines = text.split('\n');
  const line = 1 + random.int(Math.max(1, lines.length - 1));
  if (random.int(2) === 0) {
    lines.splice(line, 0, inserted[random.int(inserted.length)]);
  } else if (line < lines.length) {
    lines[line] = lines[line].replace(removed, 'abc');
  }
  return lines.join('\n');
}

const RUN_LINES = ['COPY build.sh /opt/', 'RUN ./build.sh && make', 'RUN bash -e /opt/build.sh', 'RUN cd /x && . /etc/profile && source env.sh', 'RUN sh -c "x"'];

const mpiEdit = (text: string, random: Random): string => sourceEdit(text, random, MPI_LINES, /openmpi|mpich|mvapich2/);
const appEdit = (text: string, random: Random): string => sourceEdit(text, random, APP_LINES, /ansys_inc|vasp|mpm|STAR-CCM\+|ls-dyna/);
const CACHE_LINES = ['RUN apt-get update && apt-get install -y gcc', 'RUN pip install numpy', 'RUN dnf install -y make && dnf clean all', 'RUN conda install -y numpy', 'RUN rm -rf /var/lib/apt/lists/*'];
const cacheEdit = (text: string, random: Random): string => sourceEdit(text, random, CACHE_LINES, /apt-get|pip|dnf|conda|rm -rf/);
const runEdit = (text: string, random: Random): string => sourceEdit(text, random, RUN_LINES, /\.\/|bash |\. |source /);

/** What `mpiSources` finds, computed again from every command. */
function freshMpiSources(recipe: Recipe): unknown[] {
  return factsOf(recipe).scripts.filter(({ step }) => step.kind === 'run').flatMap(({ script }) => script.commands.flatMap(commandMpiSources));
}

test('mpiSources with the parse memo equals a fresh parse’s: corpus Dockerfiles, random edits', (t) => {
  const random = new Random(testSeed(29));
  corpusDockerfileTexts(t).forEach((original) => {
    const memo = new DockerfileParseMemo();
    let text = original;
    mpiSources(parsedWithMemo(text, memo));
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = mpiEdit(text, random);
      }
      const memoized = mpiSources(parsedWithMemo(text, memo));
      const fresh = freshMpiSources(parseDockerfileWithSyntaxTree(text, false).recipe);
      assert.deepEqual(memoized, fresh, JSON.stringify(text.slice(0, 300)));
    }
  });
});

test('HPC-LIC-004: the hits kept per step equal hits found again, and a lint with the memo reports what a fresh one does (HPC-PERF-006 and HPC-PORT-010 too)', (t) => {
  const random = new Random(testSeed(31));
  // With the other rules whose facts are kept per step or script.
  const rules = allRules.filter((rule) => ['HPC-LIC-004', 'HPC-PERF-006', 'HPC-PORT-010'].includes(rule.meta.code));
  let found = 0;
  corpusDockerfileTexts(t).forEach((original, fileIndex) => {
    const memo = new DockerfileParseMemo();
    const lintMemo = fileIndex % 4 === 0 ? new LintMemo() : undefined;
    let text = original;
    parseDockerfileWithSyntaxTree(text, false, memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = [appEdit, mpiEdit, cacheEdit][random.int(3)](text, random);
      }
      const recipe = parsedWithMemo(text, memo);
      for (const step of recipe.stages.flatMap((stage) => stage.steps)) {
        if (step.kind === 'copy' || step.kind === 'run') {
          const kept = stepHits(recipe, step);
          found += kept.length;
          assert.deepEqual(kept, findHits(recipe, step), JSON.stringify(text.slice(0, 300)));
        }
      }
      if (lintMemo) {
        assert.deepEqual(lint(text, { format: 'dockerfile', rules, memo: lintMemo }).diagnostics, lint(text, { format: 'dockerfile', rules }).diagnostics);
      }
    }
  });
  assert.ok(found > 0 || corpusDockerfileTexts(t).length === 0);
});

test('the files each script executes, kept per script, equal those found again: corpus Dockerfiles, random edits', (t) => {
  const random = new Random(testSeed(43));
  let found = 0;
  corpusDockerfileTexts(t).forEach((original) => {
    const memo = new DockerfileParseMemo();
    let text = original;
    parseDockerfileWithSyntaxTree(text, false, memo);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = runEdit(text, random);
      }
      for (const { script } of factsOf(parseDockerfileWithSyntaxTree(text, false, memo).recipe).scripts) {
        const kept = executedFiles(script);
        found += kept.length;
        const again = script.commands.flatMap((command) => {
          const path = executedPath(command);
          return path ? [{ command, path }] : [];
        });
        assert.deepEqual(kept, again, JSON.stringify(text.slice(0, 300)));
      }
    }
  });
  assert.ok(found > 0 || corpusDockerfileTexts(t).length === 0);
});

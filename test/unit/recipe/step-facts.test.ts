// Facts kept per step or script object (a Dockerfile parsed with the memo of its previous version keeps its unchanged
// steps, scripts and commands) equal those of a fresh parse, over seeded random edits of the corpus Dockerfiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfileWithSyntaxTree } from '../../../server/src/recipe/dockerfile';
import { DockerfileParseMemo } from '../../../server/src/recipe/dockerfile-memo';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe } from '../../../server/src/recipe/model';
import { commandMpiSources, mpiSources } from '../../../server/src/rules/util/mpi';
import { Random } from '../../fuzz/fuzzer';
import { corpusDockerfileTexts } from '../corpusDockerfiles';
import { edit } from './dockerfileEdits';

const MPI_LINES = [
  'RUN apt-get install -y libopenmpi-dev openmpi-bin',
  'RUN curl -fsSLO https://www.mpich.org/static/downloads/4.2.3/mpich-4.2.3.tar.gz?x=1',
  'RUN spack install openmpi@4.1 ^ucx && spack add mvapich2',
  'RUN dnf -y install mpich-devel',
  'RUN wget http://x/mvapich2-2.3.7.tgz',
];

/** A random edit, or an MPI source typed into or removed from a random line. */
function mpiEdit(text: string, random: Random): string {
  if (random.int(3) > 0) {
    return edit(text, random);
  }
  const lines = text.split('\n');
  const line = 1 + random.int(Math.max(1, lines.length - 1));
  if (random.int(2) === 0) {
    lines.splice(line, 0, MPI_LINES[random.int(MPI_LINES.length)]);
  } else if (line < lines.length) {
    lines[line] = lines[line].replace(/openmpi|mpich|mvapich2/, 'abc');
  }
  return lines.join('\n');
}

/** What `mpiSources` finds, computed again from every command. */
function freshMpiSources(recipe: Recipe): unknown[] {
  return factsOf(recipe).scripts.filter(({ step }) => step.kind === 'run').flatMap(({ script }) => script.commands.flatMap(commandMpiSources));
}

test('mpiSources with the parse memo equals a fresh parse’s: corpus Dockerfiles, random edits', (t) => {
  const random = new Random(29);
  corpusDockerfileTexts(t).forEach((original) => {
    const memo = new DockerfileParseMemo();
    let text = original;
    mpiSources(parseDockerfileWithSyntaxTree(text, false, memo).recipe);
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = mpiEdit(text, random);
      }
      const memoized = mpiSources(parseDockerfileWithSyntaxTree(text, false, memo).recipe);
      const fresh = freshMpiSources(parseDockerfileWithSyntaxTree(text, false).recipe);
      assert.deepEqual(memoized, fresh, JSON.stringify(text.slice(0, 300)));
    }
  });
});

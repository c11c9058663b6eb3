// Facts kept per command object in the lints of a definition file with a memo (recipe/command-table.ts: the parse memo
// keeps the unchanged commands of a changed `%post`) equal those of a fresh parse, and the lint with the memo reports
// what a fresh one does, over seeded random edits of every corpus definition file and of the bench's 4,000-line one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../../server/src/engine/lint';
import { LintMemo } from '../../../server/src/engine/memo';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { DefinitionParseMemo } from '../../../server/src/recipe/definition-memo';
import { factsOf } from '../../../server/src/recipe/facts';
import type { Recipe, RunStep } from '../../../server/src/recipe/model';
import { findHits } from '../../../server/src/rules/licensing/no-published-commercial-apps';
import { allRules } from '../../../server/src/rules/index';
import { mpiSources } from '../../../server/src/rules/util/mpi';
import { Random, testSeed } from '../../fuzz/fuzzer';
import { bigDefinition, corpusDefinitionTexts, edit } from './definitionEdits';

const LINES = [
  '    apt-get install -y libopenmpi-dev openmpi-bin cuda-compat-12-2',
  '    wget http://x/mvapich2-2.3.7.tgz && apt-get install -y cuda-toolkit-12-4',
  '    spack install openmpi@4.1 ^ucx && spack add mvapich2 cuda@11.8',
  '    sh cuda_12.2.0_535.54.03_linux.run --silent',
  '    conda install -y cuda-toolkit=12.1 mpich',
  '    export MIRRORURL=http://vault.centos.org/7 && sed -i s/mirrorlist/#m/ /etc/yum.repos.d/x',
  '    ./INSTALL -silent -install_dir /opt/ansys_inc && tar xf /tmp/ls-dyna_smp_d_R13.tgz',
  '    sh -c "tar xf vasp.6.4.2.tgz && cp bin/vasp_std /usr/local/bin"',
  '    mpm install --release=R2023b MATLAB && echo STAR-CCM+',
  '    apt-get install -y build-essential libfoo-dev cuda-nvcc-12-2 && make -j4',
  '    apt-get purge -y libfoo-dev && apt-get autoremove -y',
  '    curl -fsSLo /usr/local/bin/tool https://x/tool && wget http://x/app.tar.gz && echo "0  app.tar.gz" | sha256sum -c',
  '    pip install --index-url http://mirror/simple numpy',
];

/** A random edit, or a line of `LINES` typed in, or a name taken out of a random line. */
function factEdit(text: string, random: Random): string {
  if (random.int(3) > 0) {
    return edit(text, random);
  }
  const lines = text.split('\n');
  const line = 1 + random.int(Math.max(1, lines.length - 1));
  if (random.int(2) === 0) {
    lines.splice(line, 0, LINES[random.int(LINES.length)]);
  } else if (line < lines.length) {
    lines[line] = lines[line].replace(/openmpi|mpich|mvapich2|cuda|vault|mirrorlist|ansys_inc|vasp|mpm|ls-dyna|make|-dev|purge|http|sha256sum/, 'abc');
  }
  return lines.join('\n');
}

function parsedWithMemo(text: string, memo: DefinitionParseMemo): Recipe {
  const recipe = parseDefinitionFile(text, memo);
  factsOf(recipe).commandsReused = true;
  return recipe;
}

function runSteps(recipe: Recipe): RunStep[] {
  return recipe.stages.flatMap((stage) => stage.steps.filter((step): step is RunStep => step.kind === 'run'));
}

const RULES = allRules.filter((rule) => ['HPC-PORT-008', 'HPC-PORT-010', 'HPC-LIC-004', 'HPC-PERF-008', 'HPC-EOL-003', 'HPC-EOL-001', 'HPC-SEC-010'].includes(rule.meta.code));

function assertSameAsFresh(text: string, memo: DefinitionParseMemo, lintMemo: LintMemo | undefined): void {
  const recipe = parsedWithMemo(text, memo);
  const fresh = parseDefinitionFile(text);
  assert.deepEqual(mpiSources(recipe), mpiSources(fresh), JSON.stringify(text.slice(0, 300)));
  assert.deepEqual(runSteps(recipe).map((step) => findHits(recipe, step)), runSteps(fresh).map((step) => findHits(fresh, step)));
  if (lintMemo) {
    const expected = lint(text, { format: 'apptainer', rules: RULES }).diagnostics;
    assert.deepEqual(lint(text, { format: 'apptainer', rules: RULES, memo: lintMemo }).diagnostics, expected, JSON.stringify(text.slice(0, 300)));
  }
}

test('facts kept per command: corpus definition files, random edits, lint with the memo', (t) => {
  const random = new Random(testSeed(47));
  corpusDefinitionTexts(t).forEach((original, fileIndex) => {
    const memo = new DefinitionParseMemo();
    const lintMemo = fileIndex % 3 === 0 ? new LintMemo() : undefined;
    let text = original;
    mpiSources(parsedWithMemo(text, memo));
    if (lintMemo) {
      lint(text, { format: 'apptainer', rules: RULES, memo: lintMemo });
    }
    for (let version = 0; version < 3; version++) {
      for (let edits = 1 + random.int(2); edits > 0; edits--) {
        text = factEdit(text, random);
      }
      assertSameAsFresh(text, memo, lintMemo);
    }
  });
});

test('facts kept per command: the 4,000-line definition file, random edits, lint with the memo', async (t) => {
  const big = await bigDefinition(t);
  if (big === undefined) {
    return;
  }
  const random = new Random(testSeed(53));
  const memo = new DefinitionParseMemo();
  const lintMemo = new LintMemo();
  let text = big;
  mpiSources(parsedWithMemo(text, memo));
  lint(text, { format: 'apptainer', rules: RULES, memo: lintMemo });
  let found = 0;
  for (let version = 0; version < 40; version++) {
    text = factEdit(text, random);
    assertSameAsFresh(text, memo, lintMemo);
    found += lint(text, { format: 'apptainer', rules: RULES }).diagnostics.length;
  }
  assert.ok(found > 0);
});

// RecipeFacts: the per-recipe facts rules share answer like the walks they replace, on long stage chains too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveWords, factsOf, installedPackages } from '../../../server/src/recipe/facts';
import { packagesOf } from '../../../server/src/recipe/packages';
import { parseDockerfile } from '../../../server/src/recipe/dockerfile';
import { allScripts, resolveVariable, scriptsOfStage } from '../../../server/src/recipe/query';
import { isStageReference } from '../../../server/src/rules/util/base-image';
import { finalStageChain, finalStageChainInOrder, isShipped } from '../../../server/src/rules/util/source';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

/** `n` stages, each `FROM` the one before; stage 0 defines A, stage 2 declares B without a value. */
function chain(n: number): string {
  const lines = ['ARG B=global', 'FROM alpine:3.20 AS s0', 'ENV A=zero'];
  for (let i = 1; i < n; i++) {
    lines.push(`FROM s${i - 1} AS s${i}`, i === 2 ? 'ARG B' : `RUN echo ${i}`);
  }
  return lines.join('\n') + '\n';
}

test('facts are built once per recipe and shared', () => {
  const recipe = parseDockerfile(chain(3));
  assert.equal(factsOf(recipe), factsOf(recipe));
  assert.notEqual(factsOf(recipe), factsOf(parseDockerfile(chain(3))));
});

test('stage references are case-insensitive and only point backwards', () => {
  const recipe = parseDockerfile('FROM alpine:3.20 AS Build\nRUN make\nFROM build AS final\nFROM later\nFROM alpine AS later\n');
  const [build, final, third, fourth] = recipe.stages;
  assert.equal(factsOf(recipe).earlierStageNamed('BUILD', final), build);
  assert.equal(factsOf(recipe).earlierStageNamed('later', third), undefined);
  assert.equal(isStageReference(recipe, final), true);
  assert.equal(isStageReference(recipe, third), false);
  assert.deepEqual(finalStageChain(recipe), [fourth]);
  assert.equal(isShipped(recipe, fourth), true);
  assert.equal(isShipped(recipe, build), false);
});

test('the final stage chain follows FROM <stage> to the base, final first, one list per recipe and order', () => {
  const recipe = parseDockerfile(chain(5));
  const names = finalStageChain(recipe).map((stage) => stage.name?.value);
  assert.deepEqual(names, ['s4', 's3', 's2', 's1', 's0']);
  assert.equal(finalStageChain(recipe), finalStageChain(recipe));
  assert.deepEqual(
    finalStageChainInOrder(recipe).map((stage) => stage.name?.value),
    ['s0', 's1', 's2', 's3', 's4'],
  );
  assert.equal(finalStageChainInOrder(recipe), finalStageChainInOrder(recipe));
  assert.ok(recipe.stages.every((stage) => isShipped(recipe, stage)));
});

test('scripts per stage are the recipe scripts of that stage, in order', () => {
  const recipe = parseDockerfile('FROM a AS one\nRUN x\nCMD y\nFROM b\nRUN z\n');
  const [one, two] = recipe.stages;
  assert.deepEqual(scriptsOfStage(recipe, one), allScripts(recipe).filter((ref) => ref.stage === one));
  assert.deepEqual(scriptsOfStage(recipe, two).map((ref) => ref.script.text), ['z']);
});

test('variables resolve through long FROM <stage> chains like the stage-by-stage walk', () => {
  const recipe = parseDockerfile(chain(3000));
  const last = recipe.stages[recipe.stages.length - 1];
  assert.equal(resolveVariable(recipe, last, 'A'), 'zero');
  // `ARG B` without a value in stage 2 is a definition: its value comes from the global ARG.
  assert.equal(resolveVariable(recipe, last, 'B'), 'global');
  assert.equal(resolveVariable(recipe, last, 'UNSET'), undefined);
  assert.equal(resolveVariable(recipe, recipe.stages[1], 'A'), 'zero');
  // A line limit applies to the stage asked about, not to the stages it builds on.
  assert.equal(resolveVariable(recipe, recipe.stages[0], 'A', 1), undefined);
  assert.equal(resolveVariable(recipe, recipe.stages[0], 'A', 3), 'zero');
  assert.equal(resolveVariable(recipe, recipe.stages[1], 'A', 0), 'zero');
});

test('stage references that loop (exact names differ from the case-insensitive match) stop where the walk did', () => {
  // `FROM build` names the earlier `BUILD` (Docker ignores case); the exact name `build` is a later stage.
  const recipe = parseDockerfile('FROM alpine AS BUILD\nENV V=upper\nFROM build AS x\nFROM x AS build\nENV W=1\n');
  assert.equal(factsOf(recipe).stageReferencesCycle, true);
  const [, x] = recipe.stages;
  assert.equal(resolveVariable(recipe, x, 'W'), '1');
  assert.equal(resolveVariable(recipe, x, 'V'), undefined);
});

test('each stage has the base of the first stage of its FROM chain, and each base lists the stages built on it in order', () => {
  const recipe = parseDockerfile('FROM centos:7 AS Base\nFROM base AS a\nFROM ubuntu:24.04 AS other\nFROM A AS b\nFROM later AS c\nFROM alpine AS later\nFROM other\n');
  const [base, a, other, b, c, later, last] = recipe.stages;
  const facts = factsOf(recipe);
  assert.deepEqual([base, a, other, b, c, later, last].map((stage) => facts.baseStage(stage)), [base, base, other, base, c, later, other]);
  assert.deepEqual(facts.stagesOnBase(base), [base, a, b]);
  assert.deepEqual(facts.stagesOnBase(other), [other, last]);
  assert.deepEqual(facts.stagesOnBase(a), []);
  const long = parseDockerfile(chain(20_000));
  assert.equal(factsOf(long).baseStage(long.stages[19_999]), long.stages[0]);
  assert.equal(factsOf(long).stagesOnBase(long.stages[0]).length, 20_000);
});

test('installed packages: what the install commands name, through wrappers; nothing for other commands', (t) => {
  const recipe = parseDockerfile(
    'FROM ubuntu:24.04\n' +
      'RUN apt-get update && apt-get install -y --no-install-recommends gcc libfoo=1.2 && make -j4 install\n' +
      'RUN sudo -u root env A=1 dnf install -y openmpi && /usr/bin/apt-get/ install x && dpkg -i ./cuda_12_amd64.deb && pip install numpy\n',
  );
  const named = factsOf(recipe).commands.map((command) => installedPackages(command).map((p) => `${p.manager}:${p.name}`).join(' '));
  assert.deepEqual(named, ['', 'apt:gcc apt:libfoo', '', 'rpm:openmpi', 'apt:x', 'file:cuda', '']);
  // Every corpus command: the same packages as the words it runs give.
  for (const text of corpusDockerfileTexts(t)) {
    for (const command of factsOf(parseDockerfile(text)).commands) {
      assert.deepEqual(installedPackages(command), packagesOf(effectiveWords(command)), command.words.map((w) => w.text).join(' '));
    }
  }
});

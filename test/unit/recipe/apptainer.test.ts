import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDefinitionFile, parseImageRef } from '../../../server/src/recipe/apptainer';
import { bootstrapAgent, headerKeyword, sectionSpec, SECTIONS } from '../../../server/src/recipe/apptainer-spec';
import type { CopyStep, EnvStep, HeaderStep, KeyValue, Range, Recipe, RunStep, Step, Word } from '../../../server/src/recipe/model';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'parser', 'apptainer');
const CORPUS = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'singularity');

// ---------------------------------------------------------------- compact projection for golden files

function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function word(w: Word | undefined): string | undefined {
  if (!w) {
    return undefined;
  }
  return w.text === w.value ? `${JSON.stringify(w.text)} @${at(w.range)}` : `${JSON.stringify(w.text)} => ${JSON.stringify(w.value)} @${at(w.range)}`;
}

function pair(kv: KeyValue): string {
  return kv.value ? `${word(kv.key)} = ${word(kv.value)}` : `${word(kv.key)}`;
}

function stepSummary(step: Step): Record<string, unknown> {
  const head = { kind: step.kind, keyword: `${step.keyword} @${at(step.keywordRange)}`, range: at(step.range), app: step.app };
  switch (step.kind) {
    case 'header':
      return { ...head, key: step.key, value: word(step.value) };
    case 'run':
      return { ...head, shell: word(step.shell), commands: step.script.commands.map((c) => c.name) };
    case 'env':
      return { ...head, pairs: step.pairs.map(pair) };
    case 'arg':
    case 'label':
      return { ...head, pairs: step.pairs.map(pair) };
    case 'copy':
      return { ...head, sources: step.sources.map(word), destination: word(step.destination), from: word(step.from) };
    case 'entrypoint':
      return { ...head, form: step.form, commands: step.script.commands.map((c) => c.name) };
    case 'test':
      return { ...head, commands: step.script?.commands.map((c) => c.name) };
    case 'other':
      return { ...head, args: step.args.map(word), body: step.body ? at(step.body.range) : undefined };
    default:
      return head;
  }
}

function summarize(recipe: Recipe): unknown {
  return {
    stages: recipe.stages.map((stage) => ({
      index: stage.index,
      range: at(stage.range),
      name: word(stage.name),
      base: {
        agent: stage.base.agent,
        raw: stage.base.raw,
        range: at(stage.base.range),
        image: stage.base.image && { ...stage.base.image, range: at(stage.base.image.range) },
        osVersion: word(stage.base.osVersion),
      },
      sections: stage.sections.map((s) => ({ name: s.name, header: word(s.header), args: s.args.map(word), range: at(s.range), body: at(s.bodyRange) })),
      steps: stage.steps.map(stepSummary),
    })),
    diagnostics: recipe.diagnostics.map((d) => `${d.severity} ${at(d.range)} ${d.message}`),
    comments: recipe.comments.map((c) => `${at(c.range)} ${c.text}`),
    pragmas: recipe.pragmas.map((p) => ({ global: p.global, codes: p.codes, reason: p.reason, range: at(p.range), appliesTo: p.appliesTo })),
  };
}

function golden(kind: 'good' | 'bad'): void {
  const dir = join(FIXTURES, kind);
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.def'))) {
    test(`golden ${kind}/${name}`, () => {
      const recipe = parseDefinitionFile(readFileSync(join(dir, name), 'utf8'));
      const actual = JSON.parse(JSON.stringify(summarize(recipe))) as unknown;
      const expectedPath = join(dir, name.replace(/\.def$/, '.json'));
      if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(expectedPath)) {
        writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(expectedPath, 'utf8')));
      if (kind === 'good') {
        assert.deepEqual(recipe.diagnostics, []);
      } else {
        assert.ok(recipe.diagnostics.length > 0);
      }
    });
  }
}

golden('good');
golden('bad');

// ---------------------------------------------------------------- behaviour

function headers(recipe: Recipe, stage = 0): HeaderStep[] {
  return recipe.stages[stage].steps.filter((s): s is HeaderStep => s.kind === 'header');
}

function stepsOf<K extends Step['kind']>(recipe: Recipe, kind: K, stage = 0): Array<Extract<Step, { kind: K }>> {
  return recipe.stages[stage].steps.filter((s): s is Extract<Step, { kind: K }> => s.kind === kind);
}

test('header keys are case-insensitive, keyword kept as written, agent lower-cased', () => {
  const recipe = parseDefinitionFile('BOOTSTRAP: Docker\nfRoM:ubuntu:22.04\n');
  assert.deepEqual(headers(recipe).map((h) => [h.key, h.keyword, h.value.value]), [
    ['bootstrap', 'BOOTSTRAP', 'Docker'],
    ['from', 'fRoM', 'ubuntu:22.04'],
  ]);
  assert.equal(recipe.stages[0].base.agent, 'docker');
  assert.deepEqual(recipe.stages[0].base.image, {
    repository: 'ubuntu',
    tag: '22.04',
    raw: 'ubuntu:22.04',
    range: { start: { line: 1, character: 5 }, end: { line: 1, character: 17 } },
  });
});

test('inline # truncates a header value; the full line stays in the step range', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: ubuntu:22.04   # the base\n');
  const from = headers(recipe)[1];
  assert.equal(from.value.value, 'ubuntu:22.04');
  assert.equal(from.value.text, 'ubuntu:22.04');
  assert.deepEqual(from.value.range, { start: { line: 1, character: 6 }, end: { line: 1, character: 18 } });
  assert.deepEqual(from.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 31 } });
  assert.deepEqual(recipe.comments, []);
});

test('backslash continues a header value over lines; value joins the trimmed pieces', () => {
  const recipe = parseDefinitionFile('Bootstrap: yum\nInclude: yum \\\n   vim \\\n   gcc\nMirrorURL: http://m/\n');
  const include = headers(recipe)[1];
  assert.equal(include.value.value, 'yum vim gcc');
  assert.equal(include.value.text, 'yum \\\n   vim \\\n   gcc');
  assert.deepEqual(include.range, { start: { line: 1, character: 0 }, end: { line: 3, character: 6 } });
  assert.equal(headers(recipe)[2].key, 'mirrorurl');
});

test('a dangling continuation keeps the backslash in value.text', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: ubuntu \\\n\n%post\n  true\n');
  const from = headers(recipe)[1];
  assert.equal(from.value.text, 'ubuntu \\');
  assert.equal(from.value.value, 'ubuntu ');
});

test('a header line without a colon is an error parse problem on that line', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom ubuntu\nStage: one\n');
  assert.deepEqual(recipe.diagnostics, [
    {
      message: `header line has no ':' (Apptainer: "header key From ubuntu had no val")`,
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } },
      severity: 'error',
    },
  ]);
  assert.deepEqual(headers(recipe).map((h) => h.key), ['bootstrap', 'stage']);
});

test('unknown header keys are kept as steps, not parse problems', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: x\nColour: blue\n');
  assert.deepEqual(recipe.diagnostics, []);
  assert.equal(headers(recipe)[2].key, 'colour');
});

test('a file without Bootstrap is one stage with an empty agent and no parse problem', () => {
  const recipe = parseDefinitionFile('From: ubuntu:22.04\n%post\n  true\n');
  assert.equal(recipe.stages.length, 1);
  assert.equal(recipe.stages[0].base.agent, '');
  assert.equal(recipe.stages[0].base.raw, 'ubuntu:22.04');
  assert.equal(recipe.stages[0].base.image, undefined);
  assert.deepEqual(recipe.diagnostics, []);
  assert.equal(parseDefinitionFile('').stages.length, 1);
});

test('header keys before the first Bootstrap line belong to the first stage', () => {
  const recipe = parseDefinitionFile('# c\nFrom: ubuntu\nBootstrap: docker\n%post\n  true\n');
  assert.equal(recipe.stages.length, 1);
  assert.deepEqual(headers(recipe).map((h) => h.key), ['from', 'bootstrap']);
  assert.equal(recipe.stages[0].base.image?.repository, 'ubuntu');
});

test('sections before the first Bootstrap line form a stage of their own, like Apptainer', () => {
  const recipe = parseDefinitionFile('%post\n  true\nBootstrap: docker\nFrom: x\n');
  assert.equal(recipe.stages.length, 2);
  assert.equal(recipe.stages[0].base.agent, '');
  assert.equal(recipe.stages[1].base.agent, 'docker');
});

test('section args, -c shell word and repeated sections', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: x\n%Post -c /bin/bash\n  a\n%post\n  b\n');
  const [first, second] = recipe.stages[0].sections;
  assert.equal(first.name, 'post');
  assert.equal(first.header.text, '%Post');
  assert.deepEqual(first.args.map((a) => a.value), ['-c', '/bin/bash']);
  assert.equal(first.body, '  a\n');
  assert.equal(second.name, 'post');
  const runs = stepsOf(recipe, 'run');
  assert.equal(runs.length, 2);
  assert.deepEqual(runs[0].shell?.range, { start: { line: 2, character: 9 }, end: { line: 2, character: 18 } });
  assert.equal(runs[1].shell, undefined);
  assert.deepEqual(runs.map((r: RunStep) => r.script.commands.map((c) => c.name)), [['a'], ['b']]);
});

test('app sections carry the app name; a missing name is an error', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: x\n%apprun foo\n  exec foo\n%appinstall\n  make\n');
  const steps = recipe.stages[0].steps.filter((s) => s.kind !== 'header');
  assert.deepEqual(steps.map((s) => [s.kind, s.app]), [
    ['entrypoint', 'foo'],
    ['run', undefined],
  ]);
  assert.deepEqual(recipe.diagnostics, [
    {
      message: 'app section %appinstall: could not be split into section name and app name',
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 11 } },
      severity: 'error',
    },
  ]);
});

test('a column-0 Bootstrap: inside a %post heredoc starts a new stage', () => {
  const text = 'Bootstrap: docker\nFrom: x\n%post\n  cat > f <<EOF\nbootstrap: localimage\nEOF\n  echo hi\n';
  const recipe = parseDefinitionFile(text);
  assert.equal(recipe.stages.length, 2);
  assert.equal(recipe.stages[0].sections[0].body, '  cat > f <<EOF\n');
  assert.equal(recipe.stages[1].base.agent, 'localimage');
  assert.deepEqual(recipe.stages[1].range, { start: { line: 4, character: 0 }, end: { line: 6, character: 9 } });
  // "EOF" and "echo hi" are now header lines of stage 2 without a colon.
  assert.equal(recipe.diagnostics.length, 2);
});

test('an indented line whose first word starts with % starts a section', () => {
  const text = 'Bootstrap: docker\nFrom: x\n%post\n  printf "%s\\n" \\\n    %s-value\n  echo after\n';
  const recipe = parseDefinitionFile(text);
  const sections = recipe.stages[0].sections;
  assert.deepEqual(sections.map((s) => s.name), ['post', 's-value']);
  assert.deepEqual(sections[1].header.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 12 } });
  assert.equal(sections[1].body, '  echo after\n');
  assert.equal(recipe.stages[0].steps.at(-1)?.kind, 'other');
});

test('%files: one copy step per line, quotes honoured, templates kept whole, from <stage>', () => {
  const text = 'Bootstrap: docker\nFrom: x\n%files from build\n  "/a b" /c\n  # skip\n  {{ src }}/x {{ dst }}\n  only\n';
  const recipe = parseDefinitionFile(text);
  const copies = stepsOf(recipe, 'copy');
  assert.deepEqual(copies.map((c: CopyStep) => [c.sources.map((s) => s.value), c.destination?.value, c.from?.value]), [
    [['/a b'], '/c', 'build'],
    [['{{ src }}/x'], '{{ dst }}', 'build'],
    [['only'], undefined, 'build'],
  ]);
  assert.deepEqual(copies[0].range, { start: { line: 3, character: 2 }, end: { line: 3, character: 11 } });
  assert.deepEqual(copies[1].destination?.range, { start: { line: 5, character: 14 }, end: { line: 5, character: 23 } });
  assert.deepEqual(recipe.comments.map((c) => c.text), ['# skip']);
});

test('%environment pairs come from export K=V, export K and K=V', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: x\n%environment\n  export A=1 B="x y" C\n  D=$A/bin\n  if true; then E=1; fi\n');
  const env = stepsOf(recipe, 'env')[0] as EnvStep;
  assert.deepEqual(env.pairs.map((p) => [p.key.value, p.value?.value, p.value?.text]), [
    ['A', '1', '1'],
    ['B', 'x y', '"x y"'],
    ['C', undefined, undefined],
    ['D', '$A/bin', '$A/bin'],
    ['E', '1', '1'],
  ]);
  assert.deepEqual(env.pairs[1].value?.range, { start: { line: 3, character: 15 }, end: { line: 3, character: 20 } });
});

test('%labels and %arguments pairs', () => {
  const recipe = parseDefinitionFile('Bootstrap: docker\nFrom: x:{{ tag }}\n%labels\n  Author  Jane Doe\n  Lonely\n%arguments\n  tag = "22.04"\n');
  const labels = stepsOf(recipe, 'label')[0];
  assert.deepEqual(labels.pairs.map((p) => [p.key.value, p.value?.value]), [
    ['Author', 'Jane Doe'],
    ['Lonely', undefined],
  ]);
  const args = stepsOf(recipe, 'arg')[0];
  assert.deepEqual(args.pairs.map((p) => [p.key.value, p.value?.value, p.value?.text]), [['tag', '22.04', '"22.04"']]);
  assert.equal(recipe.stages[0].base.image?.tag, '{{ tag }}');
});

test('CRLF: ranges are exact and values carry no \\r', () => {
  const text = 'Bootstrap: docker\r\nFrom: ubuntu:22.04 # c\r\nInclude: a \\\r\n  b\r\n%post\r\n  make\r\n%labels\r\n  K v\r\n';
  const recipe = parseDefinitionFile(text);
  const [bootstrap, from, include] = headers(recipe);
  assert.equal(bootstrap.value.value, 'docker');
  assert.deepEqual(bootstrap.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
  assert.equal(from.value.value, 'ubuntu:22.04');
  assert.equal(include.value.value, 'a b');
  const post = recipe.stages[0].sections[0];
  assert.deepEqual(post.range, { start: { line: 4, character: 0 }, end: { line: 5, character: 6 } });
  assert.deepEqual(stepsOf(recipe, 'label')[0].pairs.map((p) => [p.key.value, p.value?.value]), [['K', 'v']]);
  assert.deepEqual(recipe.stages[0].range, { start: { line: 0, character: 0 }, end: { line: 7, character: 5 } });
});

test('comments feed pragmas: next code line, or the whole continued header entry', () => {
  const text = [
    '# hpclint global ignore=HPC-EOL-001',
    'Bootstrap: docker',
    '# hpclint ignore=HPC-DEF-002',
    'Include: a \\',
    '   b',
    'From: x',
    '%post',
    '  # hpclint ignore=HPC-PERF-001 -- wanted',
    '',
    '  pip install x  # hpclint ignore=HPC-NONE',
    '%files',
    '  # hpclint ignore=HPC-DEF-012',
    '  a /tmp/a',
  ].join('\n');
  const recipe = parseDefinitionFile(text);
  assert.deepEqual(recipe.pragmas.map((p) => [p.global, p.codes, p.reason, p.appliesTo]), [
    [true, ['HPC-EOL-001'], undefined, undefined],
    [false, ['HPC-DEF-002'], undefined, { startLine: 3, endLine: 4 }],
    [false, ['HPC-PERF-001'], 'wanted', { startLine: 9, endLine: 9 }],
    [false, ['HPC-DEF-012'], undefined, { startLine: 12, endLine: 12 }],
  ]);
});

test('docker-style references: registry, namespace, tag, digest, scheme stripped', () => {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  assert.deepEqual(parseImageRef('docker://nvcr.io/nvidia/cuda:12.2.0-devel@sha256:ab', range), {
    registry: 'nvcr.io', repository: 'nvidia/cuda', tag: '12.2.0-devel', digest: 'sha256:ab', raw: 'docker://nvcr.io/nvidia/cuda:12.2.0-devel@sha256:ab', range,
  });
  assert.deepEqual(parseImageRef('localhost:5000/app', range), { registry: 'localhost:5000', repository: 'app', raw: 'localhost:5000/app', range });
  assert.deepEqual(parseImageRef('library/ubuntu', range), { repository: 'library/ubuntu', raw: 'library/ubuntu', range });
  assert.equal(parseImageRef('/path/to/layout', range), undefined);
  assert.equal(parseImageRef('', range), undefined);
});

test('spec tables: lookups are case-insensitive and numbered keys resolve', () => {
  assert.equal(headerKeyword('MIRRORURL')?.name, 'MirrorURL');
  assert.equal(headerKeyword('OtherURL3')?.key, 'otherurl');
  assert.equal(headerKeyword('otherurl'), undefined);
  assert.equal(headerKeyword('From1'), undefined);
  assert.equal(bootstrapAgent('DNF')?.aliasOf, 'yum');
  assert.equal(sectionSpec('AppRun')?.app, true);
  assert.equal(SECTIONS.filter((s) => !s.app).length, 11);
  assert.equal(SECTIONS.filter((s) => s.app).length, 8);
});

test('binary junk and pathological input give a recipe, never an exception', () => {
  const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
  for (const text of [junk, '%', '%%%\n%', 'Bootstrap:', 'bootstrap:\nbootstrap:\n', '\\', 'a:\\\n', '\r\r\n\r', '%files\n"\n\'\n{{', '%environment\nexport =', '%labels\n \n']) {
    const recipe = parseDefinitionFile(text);
    assert.equal(recipe.format, 'apptainer');
    assert.ok(recipe.stages.length >= 1);
  }
});

test('corpus: every definition file parses without an exception', () => {
  if (!existsSync(CORPUS)) {
    return;
  }
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  const files = walk(CORPUS);
  let throws = 0;
  const withProblems: string[] = [];
  for (const file of files) {
    try {
      if (parseDefinitionFile(readFileSync(file, 'utf8')).diagnostics.length > 0) {
        withProblems.push(file.slice(CORPUS.length + 1));
      }
    } catch {
      throws++;
    }
  }
  process.stdout.write(`# corpus: ${files.length} files, ${withProblems.length} with parse problems: ${withProblems.join(', ')}\n`);
  assert.equal(throws, 0);
  assert.ok(files.length > 600);
});

test('stages split only after \\n, as Go does: a lone \\r or U+2028 before Bootstrap: does not split', () => {
  assert.equal(parseDefinitionFile('Bootstrap: docker\rBootstrap: x\u2028Bootstrap: y\n').stages.length, 1);
  assert.equal(parseDefinitionFile('Bootstrap: docker\r\nbootstrap: library\n').stages.length, 2);
  assert.equal(parseDefinitionFile('Bootstrap: docker\n Bootstrap: library\n').stages.length, 1);
});

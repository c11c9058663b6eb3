import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Range, Step } from '../../../server/src/recipe/model';
import { parseDockerfile, parseDockerfileWithSyntaxTree, parseImageRef } from '../../../server/src/recipe/dockerfile';
import { corpusDockerfileTexts } from '../corpusDockerfiles';

function at(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function only<K extends Step['kind']>(step: Step | undefined, kind: K): Extract<Step, { kind: K }> {
  assert.ok(step, 'step exists');
  assert.equal(step.kind, kind);
  return step as Extract<Step, { kind: K }>;
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

test('image references: registry, repository, tag, digest', () => {
  const cases: [string, string | undefined, string, string | undefined, string | undefined][] = [
    ['ubuntu', undefined, 'ubuntu', undefined, undefined],
    ['ubuntu:22.04', undefined, 'ubuntu', '22.04', undefined],
    ['nvidia/cuda:12.2.0-devel-ubuntu22.04', undefined, 'nvidia/cuda', '12.2.0-devel-ubuntu22.04', undefined],
    ['nvcr.io/nvidia/pytorch:24.01-py3', 'nvcr.io', 'nvidia/pytorch', '24.01-py3', undefined],
    ['localhost:5000/app', 'localhost:5000', 'app', undefined, undefined],
    ['localhost/app:1', 'localhost', 'app', '1', undefined],
    ['ghcr.io/org/img@sha256:abc', 'ghcr.io', 'org/img', undefined, 'sha256:abc'],
    ['alpine:3.19@sha256:def', undefined, 'alpine', '3.19', 'sha256:def'],
    ['ubuntu:${TAG:-22.04}', undefined, 'ubuntu', '${TAG:-22.04}', undefined],
  ];
  for (const [raw, registry, repository, tag, digest] of cases) {
    const ref = parseImageRef(raw, ZERO);
    assert.deepEqual([ref.registry, ref.repository, ref.tag, ref.digest, ref.raw], [registry, repository, tag, digest, raw], raw);
  }
});

test('multi-stage: stages, names, stage references, global ARGs and --platform', () => {
  const recipe = parseDockerfile(
    [
      'ARG CUDA=12.2.0',
      'FROM --platform=linux/amd64 nvcr.io/nvidia/cuda:${CUDA}-devel AS Build',
      'RUN make',
      'FROM build AS test',
      'FROM scratch',
      'COPY --from=build /out /',
    ].join('\n'),
  );
  assert.equal(recipe.format, 'dockerfile');
  assert.deepEqual(recipe.diagnostics, []);
  assert.equal(recipe.globalArgs.length, 1);
  assert.equal(recipe.globalArgs[0].pairs[0].key.value, 'CUDA');
  assert.equal(recipe.globalArgs[0].pairs[0].value?.value, '12.2.0');
  assert.equal(recipe.stages.length, 3);
  const [build, testStage, final] = recipe.stages;
  assert.equal(build.name?.value, 'Build');
  assert.equal(at(build.name!.range), '1:65-1:70');
  assert.equal(build.base.agent, 'docker');
  assert.equal(build.base.raw, 'nvcr.io/nvidia/cuda:${CUDA}-devel');
  assert.equal(at(build.base.range), '1:28-1:61');
  assert.deepEqual(
    [build.base.image?.registry, build.base.image?.repository, build.base.image?.tag, build.base.image?.raw],
    ['nvcr.io', 'nvidia/cuda', '12.2.0-devel', 'nvcr.io/nvidia/cuda:${CUDA}-devel'],
    'tag resolved through the global ARG default',
  );
  const from = only(build.steps[0], 'from');
  assert.deepEqual(
    from.flags.map((flag) => [flag.name, flag.value?.value, at(flag.range)]),
    [['platform', 'linux/amd64', '1:5-1:27']],
  );
  assert.equal(at(build.range), '1:0-2:8');
  assert.equal(testStage.base.stageRef, 'build');
  assert.equal(testStage.base.image, undefined);
  assert.equal(testStage.name?.value, 'test');
  assert.equal(final.index, 2);
  assert.equal(final.base.image, undefined, 'scratch has no image');
  assert.equal(final.base.stageRef, undefined);
  const copy = only(final.steps[1], 'copy');
  assert.equal(copy.from?.value, 'build');
});

test('instruction before FROM is a parse problem', () => {
  const recipe = parseDockerfile('RUN echo hi\nARG X\nFROM alpine\n');
  assert.deepEqual(
    recipe.diagnostics.map((problem) => [problem.severity, at(problem.range)]),
    [['error', '0:0-0:3']],
  );
  assert.equal(recipe.globalArgs.length, 1);
  assert.equal(recipe.stages.length, 1);
  assert.equal(recipe.stages[0].steps.length, 1);
});

test('RUN shell form with --mount, continuation and Dockerfile comment lines', () => {
  const recipe = parseDockerfile(
    [
      'FROM ubuntu:22.04',
      'RUN --mount=type=cache,target=/root/.cache/pip pip install numpy \\',
      '    # no scipy for now',
      '    && curl -fsSL https://x.sh | bash',
    ].join('\n'),
  );
  const run = only(recipe.stages[0].steps[1], 'run');
  assert.equal(run.keyword, 'RUN');
  assert.equal(at(run.keywordRange), '1:0-1:3');
  assert.equal(at(run.range), '1:0-3:37');
  assert.deepEqual(
    run.flags.map((flag) => [flag.name, flag.value?.value, at(flag.range)]),
    [['mount', 'type=cache,target=/root/.cache/pip', '1:4-1:46']],
  );
  assert.equal(at(run.script.range), '1:47-3:37');
  assert.deepEqual(
    run.script.commands.map((command) => [command.name, command.separatorBefore, command.pipesToNext, at(command.range)]),
    [
      ['pip', undefined, false, '1:47-1:64'],
      ['curl', '&&', true, '3:7-3:30'],
      ['bash', '|', false, '3:33-3:37'],
    ],
  );
  assert.deepEqual(run.script.comments.map((comment) => comment.text), ['# no scipy for now']);
  assert.deepEqual(recipe.comments.map((comment) => [comment.text, at(comment.range)]), [['# no scipy for now', '2:4-2:22']]);
});

test('RUN heredoc body is split as the script', () => {
  const recipe = parseDockerfile('FROM alpine\nRUN <<EOF\nset -e\napk add curl\nEOF\nRUN echo after\n');
  const run = only(recipe.stages[0].steps[1], 'run');
  assert.equal(at(run.range), '1:0-4:3');
  assert.deepEqual(
    run.script.commands.map((command) => [command.name, at(command.range)]),
    [
      ['set', '2:0-2:6'],
      ['apk', '3:0-3:12'],
    ],
  );
  assert.deepEqual(run.script.heredocs.map((doc) => [doc.delimiter, doc.body]), [['EOF', 'set -e\napk add curl']]);
  const after = only(recipe.stages[0].steps[2], 'run');
  assert.equal(after.script.commands[0].words[1].value, 'after');
});

test('JSON (exec) and shell forms of CMD/ENTRYPOINT/RUN', () => {
  const recipe = parseDockerfile(
    'FROM a\nRUN ["/bin/bash", "-c", "echo hi"]\nENTRYPOINT ["/usr/bin/tini", "--"]\nCMD python3 app.py --port 80\n',
  );
  const run = only(recipe.stages[0].steps[1], 'run');
  assert.deepEqual(run.script.commands[0].words.map((word) => [word.text, word.value]), [
    ['"/bin/bash"', '/bin/bash'],
    ['"-c"', '-c'],
    ['"echo hi"', 'echo hi'],
  ]);
  assert.equal(run.script.commands[0].name, 'bash');
  const entrypoint = only(recipe.stages[0].steps[2], 'entrypoint');
  assert.equal(entrypoint.form, 'exec');
  assert.deepEqual(entrypoint.args.map((word) => [word.value, at(word.range)]), [
    ['/usr/bin/tini', '2:12-2:27'],
    ['--', '2:29-2:33'],
  ]);
  assert.equal(entrypoint.script.commands.length, 1);
  const cmd = only(recipe.stages[0].steps[3], 'entrypoint');
  assert.equal(cmd.form, 'shell');
  assert.deepEqual(cmd.args, []);
  assert.deepEqual(cmd.script.commands[0].words.map((word) => word.value), ['python3', 'app.py', '--port', '80']);
  assert.equal(at(cmd.script.range), '3:4-3:28');
});

test('ENV, ARG, LABEL and MAINTAINER pairs', () => {
  const recipe = parseDockerfile(
    'FROM a\nENV A=1 B="two words"\nENV LEGACY some value\nARG NODEFAULT\nARG WITH=x\nLABEL org.opencontainers.image.licenses="MIT" "a b"=c\nMAINTAINER Jane <j@x.org>\n',
  );
  const steps = recipe.stages[0].steps;
  const pairs = (step: Step) =>
    (step as Extract<Step, { kind: 'env' | 'arg' | 'label' }>).pairs.map((pair) => [pair.key.value, pair.value?.value, pair.value && at(pair.value.range)]);
  assert.deepEqual(pairs(only(steps[1], 'env')), [
    ['A', '1', '1:6-1:7'],
    ['B', 'two words', '1:10-1:21'],
  ]);
  assert.equal(only(steps[1], 'env').pairs[1].value?.text, '"two words"');
  assert.deepEqual(pairs(only(steps[2], 'env')), [['LEGACY', 'some value', '2:11-2:21']]);
  assert.deepEqual(pairs(only(steps[3], 'arg')), [['NODEFAULT', undefined, undefined]]);
  assert.deepEqual(pairs(only(steps[4], 'arg')), [['WITH', 'x', '4:9-4:10']]);
  assert.deepEqual(pairs(only(steps[5], 'label')), [
    ['org.opencontainers.image.licenses', 'MIT', '5:40-5:45'],
    ['a b', 'c', '5:52-5:53'],
  ]);
  const maintainer = only(steps[6], 'label');
  assert.equal(maintainer.keyword, 'MAINTAINER');
  assert.deepEqual(pairs(maintainer), [['maintainer', 'Jane <j@x.org>', '6:11-6:25']]);
});

test('COPY/ADD flags, sources, destination, JSON form and heredoc', () => {
  const recipe = parseDockerfile(
    [
      'FROM a',
      'COPY --from=build --chown=1000:1000 --chmod=755 --link a.txt b/ /opt/',
      'ADD --checksum=sha256:abc https://x/y.tar.gz /tmp/',
      'COPY ["with space.txt", "/dst/"]',
      'COPY <<EOF /etc/conf',
      'key=value',
      'EOF',
    ].join('\n'),
  );
  const steps = recipe.stages[0].steps;
  const copy = only(steps[1], 'copy');
  assert.deepEqual(copy.flags.map((flag) => [flag.name, flag.value?.value]), [
    ['from', 'build'],
    ['chown', '1000:1000'],
    ['chmod', '755'],
    ['link', undefined],
  ]);
  assert.equal(copy.from?.value, 'build');
  assert.deepEqual(copy.sources.map((word) => word.value), ['a.txt', 'b/']);
  assert.equal(copy.destination?.value, '/opt/');
  assert.equal(at(copy.destination!.range), '1:64-1:69');
  const add = only(steps[2], 'copy');
  assert.equal(add.keyword, 'ADD');
  assert.equal(add.flags[0].value?.value, 'sha256:abc');
  assert.deepEqual(add.sources.map((word) => word.value), ['https://x/y.tar.gz']);
  const json = only(steps[3], 'copy');
  assert.deepEqual(json.sources.map((word) => [word.value, at(word.range)]), [['with space.txt', '3:6-3:22']]);
  assert.equal(json.destination?.value, '/dst/');
  const heredoc = only(steps[4], 'copy');
  assert.deepEqual(heredoc.sources.map((word) => word.value), ['<<EOF']);
  assert.equal(heredoc.destination?.value, '/etc/conf');
  assert.equal(at(heredoc.range), '4:0-6:3');
});

test('USER, WORKDIR, EXPOSE, HEALTHCHECK, ONBUILD and other instructions', () => {
  const recipe = parseDockerfile(
    [
      'FROM a',
      'USER 1000:1000',
      'WORKDIR /work',
      'EXPOSE 80/tcp 443',
      'HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1',
      'HEALTHCHECK NONE',
      'HEALTHCHECK CMD ["curl", "-k", "https://x"]',
      'ONBUILD RUN make',
      'SHELL ["/bin/bash", "-c"]',
      'STOPSIGNAL SIGTERM',
      'VOLUME /data',
      'BOGUS thing',
    ].join('\n'),
  );
  const steps = recipe.stages[0].steps;
  assert.equal(only(steps[1], 'user').value?.value, '1000:1000');
  assert.equal(at(only(steps[2], 'workdir').value!.range), '2:8-2:13');
  assert.deepEqual(only(steps[3], 'expose').ports.map((word) => word.value), ['80/tcp', '443']);
  const health = only(steps[4], 'test');
  assert.deepEqual(health.script?.commands.map((command) => command.name), ['curl', 'exit']);
  assert.equal(at(health.script!.range), '4:31-4:66');
  assert.equal(only(steps[5], 'test').script, undefined);
  const jsonHealth = only(steps[6], 'test');
  assert.deepEqual(jsonHealth.script?.commands[0].words.map((word) => word.value), ['curl', '-k', 'https://x']);
  assert.equal(at(jsonHealth.script!.commands[0].words[1].range), '6:25-6:29');
  const onbuild = only(steps[7], 'other');
  assert.equal(onbuild.keyword, 'ONBUILD');
  assert.deepEqual(onbuild.args.map((word) => word.value), ['RUN', 'make']);
  assert.deepEqual(
    steps.slice(8).map((step) => [step.kind, step.keyword]),
    [
      ['other', 'SHELL'],
      ['other', 'STOPSIGNAL'],
      ['other', 'VOLUME'],
      ['other', 'BOGUS'],
    ],
  );
});

test('escape directive: backtick continuations, directives are not comments', () => {
  const recipe = parseDockerfile('# escape=`\n# a comment\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n    b\n');
  assert.equal(recipe.escapeChar, '`');
  assert.deepEqual(recipe.comments.map((comment) => comment.text), ['# a comment']);
  const run = only(recipe.stages[0].steps[1], 'run');
  assert.deepEqual(run.script.commands[0].words.map((word) => [word.value, at(word.range)]), [
    ['echo', '3:4-3:8'],
    ['a', '3:9-3:10'],
    ['b', '4:4-4:5'],
  ]);
  assert.equal(parseDockerfile('FROM a\n').escapeChar, '\\');
});

test('only well-formed known directives are directives; other leading # lines are comments', () => {
  const recipe = parseDockerfile('# syntax=docker/dockerfile:1\n# hpclint global ignore=HPC-EOL-001\n# escape=`\nFROM a\n');
  assert.deepEqual(
    recipe.comments.map((comment) => [comment.text, at(comment.range)]),
    [
      ['# hpclint global ignore=HPC-EOL-001', '1:0-1:35'],
      ['# escape=`', '2:0-2:10'],
    ],
  );
  assert.deepEqual(recipe.pragmas.map((pragma) => [pragma.global, pragma.codes]), [[true, ['HPC-EOL-001']]]);
});

test('CRLF input gives the same ranges as LF input', () => {
  const lf = 'FROM alpine AS x\nRUN apk add \\\n    curl && curl -k y\n# hpclint ignore=HPC-SEC-001\nENV A=1\n';
  const crlf = lf.replace(/\n/g, '\r\n');
  const strip = (recipe: ReturnType<typeof parseDockerfile>) => JSON.stringify({ ...recipe, text: '' }, (key, value) => (key === 'text' && typeof value === 'string' ? value.replace(/\r/g, '') : value));
  assert.equal(strip(parseDockerfile(crlf)), strip(parseDockerfile(lf)));
  const run = only(parseDockerfile(crlf).stages[0].steps[1], 'run');
  assert.deepEqual(run.script.commands.map((command) => [command.name, at(command.range)]), [
    ['apk', '1:4-2:8'],
    ['curl', '2:12-2:21'],
  ]);
  assert.equal(run.script.commands[0].words[2].value, 'curl');
});

test('pragmas apply to the whole next instruction', () => {
  const recipe = parseDockerfile(
    [
      '# hpclint global ignore=HPC-EOL-001',
      'FROM centos:7',
      '# hpclint ignore=HPC-NET-002,HPC-SEC-001 -- mirror has a self-signed cert',
      '',
      'RUN curl -k https://mirror \\',
      '    | bash',
      'RUN true',
    ].join('\n'),
  );
  assert.deepEqual(
    recipe.pragmas.map((pragma) => [pragma.global, pragma.codes, pragma.reason, pragma.appliesTo]),
    [
      [true, ['HPC-EOL-001'], undefined, undefined],
      [false, ['HPC-NET-002', 'HPC-SEC-001'], 'mirror has a self-signed cert', { startLine: 4, endLine: 5 }],
    ],
  );
});

test('never throws on odd input', () => {
  const inputs = ['', '\n\n', 'FROM', 'FROM a\nRUN', 'FROM a\nRUN "unclosed', 'FROM a\nRUN <<EOF\nno end', 'FROM a\nCOPY', 'FROM a\nHEALTHCHECK', 'FROM a\nHEALTHCHECK CMD', 'FROM a\nENV', 'FROM a\nLABEL =', 'FROM a\nUSER', '\\\n\\', '# escape=x\nFROM a', 'FROM a\nRUN ["unclosed', 'FROM ${', '\u0000\uffff', 'FROM a\nONBUILD', 'FROM a AS\nFROM a AS b c'];
  for (const input of inputs) {
    const recipe = parseDockerfile(input);
    assert.equal(recipe.format, 'dockerfile', JSON.stringify(input));
  }
  assert.equal(parseDockerfile('FROM').diagnostics[0].message, 'FROM requires an image');
});

test('corpus: every Dockerfile parses without an internal failure', (t) => {
  const root = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'dockerfile');
  if (!existsSync(root)) {
    t.skip(`corpus not found at ${root}`);
    return;
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else {
        files.push(path);
      }
    }
  };
  walk(root);
  assert.ok(files.length > 0);
  for (const file of files) {
    const recipe = parseDockerfile(readFileSync(file, 'utf8'));
    const internal = recipe.diagnostics.filter((problem) => problem.message.startsWith('hpclint could not parse'));
    assert.deepEqual(internal, [], file);
  }
});

test('RUN ["bash", "-c", "…"]: the exec form lists its argv, then the commands of its script string (no escapes) one level deeper', () => {
  const recipe = parseDockerfile('FROM x\nRUN ["/bin/bash", "-o", "pipefail", "-c", "git clone https://h/a && make -C a"]\nRUN ["sh", "-c", "echo \\"a\\""]\n');
  const run = only(recipe.stages[0].steps[1], 'run');
  assert.deepEqual(
    run.script.commands.map((command) => `${command.depth} ${command.words.map((word) => word.value).join(' ')}`),
    ['0 /bin/bash -o pipefail -c git clone https://h/a && make -C a', '1 git clone https://h/a', '1 make -C a'],
  );
  assert.equal(at(run.script.commands[1].words[2].range), '1:53-1:64');
  // A JSON escape would make the string's text differ from the script the shell reads: not split.
  assert.equal(only(recipe.stages[0].steps[2], 'run').script.commands.length, 1);
});

test('the model is the same whether the parse keeps every instruction’s arguments for the syntax check or not', (t) => {
  const texts = [
    'ARG BASE=alpine\nFROM $BASE AS one\nRUN --mount=type=cache,target=/c make -j4 \\\n    install\nONBUILD RUN echo $A\nFROM one\n',
    'FROM a\nCOPY --from=one --chmod=755 <<EOF /x\nhi\nEOF\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "http://x"]\nENV A=1 B="two words"\n',
    '#escape=`\nFROM a\nRUN echo `\n  done\nCMD [ "sh", "-c", "echo hi" ]\nLABEL a=b\nEXPOSE 80 443\nUSER app\nWORKDIR /w\n',
    // One-line FROM and RUN instructions of plain words are read from the text when the tree is not kept (recipe/dockerfile-plain.ts).
    'RUN echo before\nfrom\tubuntu:22.04  as\tOne \nFROM one AS two\nFROM "quoted" as three\nrun  make -j4 install  # not a comment\nRun echo "a  b" \'c\' $HOME ${X:-y}\n',
    'FROM a AS\nFROM b as\nFROM c x y z\nFROM   d\t\nRUN\nRUN \t\nRUN x\nFROM e AS f\n  RUN a && b | c; d\nFROM one',
    '\uFEFFFROM a\nRUN echo -- x\nRUN echo a-b --c\nRUN cat a<b\nRUN echo [x]\nRUN echo \\\nRUN echo `x`\nFROM --platform=$P b\nRUN --mount=type=cache,target=/c make\n',
    '# syntax=docker/dockerfile:1\n# escape=`\nFROM a\nRUN echo c:\\x\nRUN echo é ü 😀 x\nRUN echo\r\nFROM b\n',
    'FROM a\rRUN echo lone cr\nRUN echo after\n',
    'ARG V=1\nFROM base:$V AS s0\nFROM s0 AS s1\nRUN make -j4 install\nFROM S1\nRUN make\nONBUILD RUN make\n# comment\nFROM scratch\nRUN x',
    ...corpusDockerfileTexts(t),
  ];
  for (const text of texts) {
    const kept = parseDockerfileWithSyntaxTree(text, true);
    const notKept = parseDockerfileWithSyntaxTree(text, false);
    assert.ok(kept.syntaxTree);
    assert.equal(notKept.syntaxTree, undefined);
    assert.deepEqual(JSON.stringify(notKept.recipe), JSON.stringify(kept.recipe), text.slice(0, 200));
  }
});

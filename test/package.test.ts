// Builds the real .vsix into a temporary folder and checks what it holds.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { TestClient } from './lsp/client';

const outDir = mkdtempSync(join(tmpdir(), 'hpclint-package-test-'));
type PackageScript = typeof import('../scripts/package.mjs', { with: { 'resolution-mode': 'import' } });
let script: PackageScript;
let packaged: ReturnType<PackageScript['packageExtension']>;

before(async () => {
  script = await import('../scripts/package.mjs');
  packaged = script.packageExtension({ outDir, quiet: true });
  console.log(`packaged ${packaged.entries.length} files, ${(packaged.bytes / 1024).toFixed(1)} KiB`);
});
after(() => rmSync(outDir, { recursive: true, force: true }));

function names(): string[] {
  return packaged.entries.map((entry) => entry.name);
}

function packagedManifest(): Record<string, unknown> & { contributes: Record<string, unknown> } {
  const entry = packaged.entries.find((e) => e.name === 'extension/package.json');
  assert.ok(entry, 'extension/package.json is missing');
  return JSON.parse(entry.read().toString('utf8'));
}

test('the .vsix holds only whitelisted files', () => {
  assert.deepEqual(script.unexpectedEntries(packaged.entries), []);
  for (const name of names()) {
    assert.doesNotMatch(name, /node_modules|\.ts$|\.map$|(^|\/)(src|test|bench|scripts)\//, name);
  }
});

test('the .vsix holds the bundles, manifest, licence, readme and icon', () => {
  for (const required of [
    'extension/package.json',
    'extension/dist/client.js',
    'extension/dist/server.js',
    'extension/dist/worker.js',
    'extension/dist/ThirdPartyNotices.txt',
    'extension/readme.md',
    'extension/LICENSE.txt',
    'extension/images/icon.png',
  ]) {
    assert.ok(
      names().some((name) => name.toLowerCase() === required.toLowerCase()),
      `${required} is missing from ${names().join(', ')}`,
    );
  }
});

test('every file the packaged manifest points to is inside the .vsix', () => {
  const manifest = packagedManifest();
  const contributes = manifest.contributes as {
    languages?: { configuration?: string }[];
    grammars?: { path: string }[];
    snippets?: { path: string }[];
  };
  const referenced = [
    manifest.main as string,
    manifest.icon as string | undefined,
    ...(contributes.languages ?? []).map((language) => language.configuration),
    ...(contributes.grammars ?? []).map((grammar) => grammar.path),
    ...(contributes.snippets ?? []).map((snippet) => snippet.path),
  ].filter((path): path is string => typeof path === 'string');
  assert.ok(referenced.length >= 3, `expected main, icon and grammar references, got ${referenced.join(', ')}`);
  for (const path of referenced) {
    const name = `extension/${path.replace(/^\.\//, '')}`;
    assert.ok(names().includes(name), `${name} (referenced by package.json) is not in the .vsix`);
  }
});

test('the .vsix carries the licence text of the npm packages bundled into it', () => {
  const notices = packaged.entries.find((e) => e.name === 'extension/dist/ThirdPartyNotices.txt')?.read().toString('utf8') ?? '';
  for (const bundled of ['dockerfile-ast', 'dockerfile-utils', 'dockerfile-language-service', 'vscode-languageserver', 'vscode-languageclient', 'yaml']) {
    const manifest = JSON.parse(readFileSync(join(script.root, 'node_modules', bundled, 'package.json'), 'utf8')) as { version: string };
    assert.ok(notices.includes(`\n${bundled} ${manifest.version} (`), `${bundled} ${manifest.version} is listed`);
  }
  assert.ok(notices.includes('Copyright (c) 2017-2021 Remy Suen'), 'dockerfile-ast\'s copyright notice travels with its code');
});

test('the packaged bundles are production builds without source maps', () => {
  const client = packaged.entries.find((e) => e.name === 'extension/dist/client.js');
  assert.ok(client);
  const text = client.read().toString('utf8');
  assert.doesNotMatch(text, /sourceMappingURL/);
  assert.ok(text.split('\n').length < 50, 'client.js should be minified');
});

test('the packaged manifest is the repository manifest without the npm "files" list', () => {
  const manifest = packagedManifest();
  assert.equal(manifest.name, 'hpclint');
  assert.equal(manifest.files, undefined);
  assert.ok(packaged.bytes < 2 * 1024 * 1024, `the .vsix is ${packaged.bytes} bytes`);
});

test('the manifest names the packaged icon', () => {
  const manifest = packagedManifest();
  assert.equal(manifest.icon, 'images/icon.png', 'package.json needs "icon": "images/icon.png"');
  assert.ok(names().includes('extension/images/icon.png'));
});

test('the .vsix names no placeholder domain', () => {
  for (const entry of packaged.entries) {
    if (/\.(json|md|xml|vsixmanifest|js)$/i.test(entry.name)) {
      assert.doesNotMatch(entry.read().toString('utf8'), /example\.invalid/, entry.name);
    }
  }
  const manifest = packagedManifest();
  assert.match(String((manifest.repository as { url?: string }).url), /^git\+https:\/\/github\.com\/hpclint\/hpclint\.git$/);
});

test('the language server runs from the unpacked .vsix, offline, with its rule docs inside the package', async () => {
  const unpacked = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-vsix-unpacked-')));
  try {
    for (const entry of packaged.entries) {
      const target = join(unpacked, entry.name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, entry.read());
    }
    const client = await TestClient.start({ command: [join(unpacked, 'extension', 'dist', 'server.js'), '--stdio'], cwd: unpacked });
    try {
      const published = await client.open('untitled:Singularity', 'apptainer', 'Bootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n');
      const finding = published.diagnostics.find((d) => d.code === 'HPC-DEF-005');
      assert.ok(finding, JSON.stringify(published.diagnostics));
      const doc = fileURLToPath(finding.codeDescription?.href ?? 'file:///missing');
      assert.equal(doc, join(unpacked, 'extension', 'docs', 'rules', 'HPC-DEF-005.md'));
      assert.ok(existsSync(doc));
    } finally {
      assert.equal(await client.stop(), 0);
    }
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
});

// Builds the real .vsix into a temporary folder and checks what it holds.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

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

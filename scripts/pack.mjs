// Packs the npm package (the CLI and the language server for other editors) as hpclint-<version>.tgz.
// Usage: node scripts/pack.mjs [--out DIR]   (npm run pack)
// The tarball holds the production bundles, the rule docs, README, CHANGELOG and LICENSE, and a
// manifest without scripts or dependencies: everything the CLI runs is bundled, and installing it
// runs nothing (the repository's `prepare` build script is for contributors only).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProduction, root, stage } from './package.mjs';

/**
 * What ships besides the manifest: package.json's `files`, which `npm pack` of a checkout uses too (one list, so the
 * two packages cannot differ).
 */
export const packedFiles = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files;

const MANIFEST_FIELDS = ['name', 'version', 'description', 'keywords', 'homepage', 'bugs', 'repository', 'license', 'engines', 'bin'];

/** The published package.json: the repository's, reduced to what npm and its users need. */
export function publishedManifest(manifest) {
  const published = {};
  for (const field of MANIFEST_FIELDS) {
    if (manifest[field] !== undefined) {
      published[field] = manifest[field];
    }
  }
  published.engines = { node: manifest.engines?.node ?? '>=20' };
  published.files = packedFiles;
  return published;
}

/** Builds the production bundles and packs them; returns the tarball's path. */
export function packNpm({ outDir = root, quiet = false } = {}) {
  const { staging } = stage();
  const publish = mkdtempSync(join(tmpdir(), 'hpclint-npm-'));
  try {
    buildProduction(staging, quiet);
    for (const path of packedFiles) {
      const built = path.startsWith('dist/') || path.startsWith('docs/'); // the staged build renders the docs it ships too
      const from = built ? join(staging, path) : join(root, path);
      mkdirSync(join(publish, path, '..'), { recursive: true });
      cpSync(from, join(publish, path), { recursive: true });
    }
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(join(publish, 'package.json'), JSON.stringify(publishedManifest(manifest), null, 2) + '\n');
    mkdirSync(resolve(outDir), { recursive: true });
    const npm = spawnSync('npm', ['pack', '--json', '--pack-destination', resolve(outDir)], { cwd: publish, encoding: 'utf8' });
    if (npm.status !== 0) {
      throw new Error(`npm pack failed with status ${npm.status}\n${npm.stdout}${npm.stderr}`);
    }
    const [result] = JSON.parse(npm.stdout);
    return { tarball: join(resolve(outDir), result.filename), files: result.files.map((file) => file.path), bytes: result.size };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(publish, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outIndex = process.argv.indexOf('--out');
  try {
    const { tarball, files, bytes } = packNpm({ outDir: outIndex > 0 ? process.argv[outIndex + 1] : root });
    console.log(`${tarball}: ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

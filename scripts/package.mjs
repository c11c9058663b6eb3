// Builds the production bundles and packages the extension as hpclint-<version>.vsix.
// Usage: node scripts/package.mjs [--out DIR]   (npm run package)
// Everything the extension runs is bundled by esbuild, so the .vsix carries no node_modules.
// The package is checked against the whitelist below; anything else fails the build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';

export const root = resolve(new URL('..', import.meta.url).pathname);

/** Files allowed inside the .vsix (paths below `extension/`), besides vsce's own manifest files. */
export const allowedFiles = [
  /^package\.json$/,
  /^readme\.md$/i,
  /^changelog\.md$/i,
  /^LICENSE(\.txt)?$/,
  /^dist\/(client|server|worker)\.js$/,
  /^dist\/ThirdPartyNotices\.txt$/,
  /^syntaxes\/[\w.-]+\.json$/,
  /^snippets\/[\w.-]+\.(json|code-snippets)$/,
  /^languages\/[\w.-]+\.json$/,
  /^docs\/rules\/(HPC-[A-Z]+-\d{3}|README)\.md$/,
  /^images\/icon\.png$/,
  /^schemas\/[\w.-]+\.schema\.json$/,
];
const vsceManifestFiles = new Set(['extension.vsixmanifest', '[Content_Types].xml']);

/** Lists the entries of a zip file (a .vsix) from its central directory. */
export function zipEntries(file) {
  const data = readFileSync(file);
  const endSignature = 0x06054b50;
  let end = data.length - 22;
  while (end >= 0 && data.readUInt32LE(end) !== endSignature) {
    end--;
  }
  if (end < 0) {
    throw new Error(`${file} is not a zip file`);
  }
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (data.readUInt32LE(offset) !== 0x02014b50) {
      throw new Error(`${file}: corrupt central directory`);
    }
    const method = data.readUInt16LE(offset + 10);
    const compressedSize = data.readUInt32LE(offset + 20);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const localHeader = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      size,
      compressedSize,
      read() {
        const start =
          localHeader + 30 + data.readUInt16LE(localHeader + 26) + data.readUInt16LE(localHeader + 28);
        const raw = data.subarray(start, start + compressedSize);
        return method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Entries of the .vsix that the whitelist does not allow (empty when the package is clean). */
export function unexpectedEntries(entries) {
  return entries
    .map((entry) => entry.name)
    .filter((name) => !vsceManifestFiles.has(name))
    .filter((name) => {
      if (!name.startsWith('extension/')) {
        return true;
      }
      const path = name.slice('extension/'.length);
      return !allowedFiles.some((pattern) => pattern.test(path));
    });
}

export function run(command, args, cwd, quiet) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'] });
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`\`${[command, ...args].join(' ')}\` failed with status ${result.status ?? result.signal}${output}`);
  }
}

/**
 * The extension is built and packaged in a staging copy of the sources, so `npm run package` never
 * overwrites the development bundles in dist/ (tests may be using them). The staged manifest has no
 * "files" field: vsce refuses one (kept for the npm CLI package) next to a .vscodeignore, whose
 * whitelist then picks the files.
 */
const stagedPaths = [
  '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'esbuild.mjs', 'tsconfig.json',
  'client', 'server', 'schemas', 'syntaxes', 'snippets', 'languages', 'images',
];

export function stage() {
  const staging = mkdtempSync(join(tmpdir(), 'hpclint-vsix-'));
  for (const path of stagedPaths) {
    const source = join(root, path);
    if (existsSync(source)) {
      cpSync(source, join(staging, path), { recursive: true });
    }
  }
  symlinkSync(join(root, 'node_modules'), join(staging, 'node_modules'), 'dir');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.files;
  writeFileSync(join(staging, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { staging, version: manifest.version };
}

/** Production bundles (minified, no source maps) in `<staging>/dist`. */
export function buildProduction(staging, quiet) {
  run(process.execPath, [join(staging, 'esbuild.mjs'), '--production'], staging, quiet);
}

/** Builds (production bundles) and packages the extension; returns the .vsix path, its entries and size. */
export function packageExtension({ outDir = root, quiet = false } = {}) {
  const { staging, version } = stage();
  try {
    buildProduction(staging, quiet);
    mkdirSync(resolve(outDir), { recursive: true });
    const vsix = join(resolve(outDir), `hpclint-${version}.vsix`);
    const vsce = createRequire(join(root, 'package.json')).resolve('@vscode/vsce/vsce');
    run(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', vsix], staging, quiet);
    const entries = zipEntries(vsix);
    const unexpected = unexpectedEntries(entries);
    if (unexpected.length > 0) {
      throw new Error(`${vsix} holds files outside the whitelist:\n  ${unexpected.join('\n  ')}`);
    }
    return { vsix, entries, bytes: statSync(vsix).size };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outIndex = process.argv.indexOf('--out');
  try {
    const { vsix, entries, bytes } = packageExtension({ outDir: outIndex > 0 ? process.argv[outIndex + 1] : root });
    console.log(`${vsix}: ${entries.length} files, ${(bytes / 1024).toFixed(1)} KiB`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}

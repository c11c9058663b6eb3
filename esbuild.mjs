import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = new URL('.', import.meta.url).pathname;

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // Rule pages (server/src/rules/<category>/<name>.md) are bundled as text.
  loader: { '.md': 'text' },
};

/** Renders docs/rules/*.md and docs/hadolint.md (not committed) from the freshly bundled rules after every build of dist/docs.js. */
const renderRuleDocs = {
  name: 'render-rule-docs',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) {
        return;
      }
      const require = createRequire(import.meta.url);
      const bundle = require.resolve('./dist/docs.js');
      delete require.cache[bundle];
      const docs = require(bundle);
      docs.writeDocs(root);
      docs.writeHadolintPage(root);
    });
  },
};

/** The bundles that ship (the .vsix and the npm package): their third-party code is listed in dist/ThirdPartyNotices.txt. */
const shipped = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/worker.ts'], outfile: 'dist/worker.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
].map((build) => ({ ...build, metafile: true }));

// dist/ThirdPartyNotices.txt: the name, version, licence and licence text of every npm package bundled into the
// shipped files (their MIT and similar licences ask that the notice travel with the code).
const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;

/** The package directories (relative to the root) of the inputs under node_modules, e.g. node_modules/@scope/name. */
function bundledPackageDirs(metafiles) {
  const dirs = new Set();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) {
        dirs.add(match[1]);
      }
    }
  }
  return [...dirs].sort();
}

function licenseText(dir) {
  const file = readdirSync(dir).find((name) => LICENSE_FILE.test(name));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/** The notices for the packages in `metafiles`; throws when a bundled package has no licence text to ship. */
function thirdPartyNotices(root, metafiles) {
  const sections = [];
  for (const dir of bundledPackageDirs(metafiles)) {
    const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const text = licenseText(join(root, dir));
    if (!text) {
      throw new Error(`${dir} is bundled but has no licence file to put in dist/ThirdPartyNotices.txt`);
    }
    sections.push(`${manifest.name} ${manifest.version} (${manifest.license ?? 'see below'})\n\n${text}`);
  }
  sections.sort();
  const header = 'hpclint bundles the following npm packages into dist/. Their licences follow.';
  return `${[header, ...sections].join(`\n\n${'-'.repeat(78)}\n\n`)}\n`;
}

function writeThirdPartyNotices(root, metafiles) {
  if (existsSync(join(root, 'dist'))) {
    writeFileSync(join(root, 'dist', 'ThirdPartyNotices.txt'), thirdPartyNotices(root, metafiles));
  }
}

const builds = [
  ...shipped,
  {
    entryPoints: ['server/src/docs/generate.ts'],
    outfile: 'dist/docs.js',
    sourcemap: false,
    minify: false,
    plugins: [renderRuleDocs],
  },
];

const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  writeThirdPartyNotices(root, results.map((result) => result.metafile).filter(Boolean));
}

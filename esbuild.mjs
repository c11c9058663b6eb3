import { createRequire } from 'node:module';
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

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/worker.ts'], outfile: 'dist/worker.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

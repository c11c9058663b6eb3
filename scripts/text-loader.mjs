// Lets TypeScript run under tsx import `*.md` files as text, like esbuild's `text` loader does in the
// bundles: `node --import ./scripts/text-loader.mjs --import tsx …` (test/run.mjs does). tsx runs the
// project's .ts files as CommonJS, so the hook is a CommonJS extension handler.
import { readFileSync } from 'node:fs';
import Module from 'node:module';

Module._extensions['.md'] = (module, filename) => {
  module.exports = { __esModule: true, default: readFileSync(filename, 'utf8') };
};

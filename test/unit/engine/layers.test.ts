// The layers point one way: rules use knowledge/, rules/util/, recipe/ and engine/ but never another rule's file; the
// engine, the recipe model and knowledge/ never import a rule; only knowledge/ reads the data files.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const src = join(root, 'server', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Each relative import of a file, resolved to a path below server/src (`rules/eol/no-eol-base`, `data/eol.json`). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^;]*? from '(\.[^']+)';/gms)].map((match) => relative(src, resolve(dirname(file), match[1])));
}

const isRuleFile = (path: string): boolean => /^rules\/(?!util\/|index$)[^/]+\/[^/]+$/.test(path) && !path.endsWith('.md');

test('no rule imports another rule: what rules share lives in knowledge/ or rules/util/', () => {
  const crossing = sources(join(src, 'rules'))
    .filter((file) => isRuleFile(relative(src, file).replace(/\.ts$/, '')))
    .flatMap((file) => imports(file).filter(isRuleFile).map((target) => `${relative(src, file)} → ${target}`));
  assert.deepEqual(crossing, []);
});

test('the engine, the recipe model, knowledge/ and rules/util/ are given rules, never import them', () => {
  const files = ['engine', 'recipe', 'knowledge', join('rules', 'util')].flatMap((dir) => sources(join(src, dir)));
  assert.ok(files.length > 30);
  const crossing = files.flatMap((file) => imports(file).filter((target) => target === 'rules/index' || isRuleFile(target)).map((target) => `${relative(src, file)} → ${target}`));
  assert.deepEqual(crossing, []);
});

test('only knowledge/ reads the data files', () => {
  const readers = sources(src)
    .filter((file) => imports(file).some((target) => target.startsWith('data/')))
    .map((file) => relative(src, file))
    .filter((file) => !file.startsWith('knowledge/'));
  assert.deepEqual(readers, []);
  const knowledge = sources(join(src, 'knowledge')).map((file) => relative(src, file));
  for (const reader of ['knowledge/eol.ts', 'knowledge/ngc.ts', 'knowledge/cuda.ts', 'knowledge/licensing.ts', 'knowledge/image-weight.ts']) {
    assert.ok(knowledge.includes(reader) && imports(join(src, reader)).some((target) => target.startsWith('data/')), reader);
  }
});

test('the recipe model imports nothing from rules/, not even a type from rules/util/', () => {
  const crossing = sources(join(src, 'recipe')).flatMap((file) =>
    imports(file)
      .filter((target) => target.startsWith('rules/'))
      .map((target) => `${relative(src, file)} → ${target}`),
  );
  assert.deepEqual(crossing, []);
});

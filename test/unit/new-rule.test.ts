// `npm run new-rule`: scaffolds a rule that loads, registers in code order and has fixtures, in a copy of the sources.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { allRules } from '../../server/src/rules/index';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'new-rule.mjs');
let root: string;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'hpclint-new-rule-'));
  cpSync(join(ROOT, 'server', 'src'), join(root, 'server', 'src'), { recursive: true });
  writeFileSync(join(root, 'CHANGELOG.md'), '# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- Something.\n\n### Added\n\n- Other things.\n\n## [0.1.0]\n\n### Added\n\n- The first rules.\n');
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
});
after(() => rmSync(root, { recursive: true, force: true }));

function scaffold(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [SCRIPT, ...args, '--root', root], { encoding: 'utf8' });
}

function highestCode(group: string): number {
  return Math.max(...allRules.map((rule) => rule.meta.code).filter((code) => code.startsWith(`HPC-${group}-`)).map((code) => Number(code.slice(-3))));
}

test('the scaffolder writes the rule, its page, a fixture per format, the registry line and a CHANGELOG line', () => {
  const result = scaffold('PORT', 'no-foo-bar');
  assert.equal(result.status, 0, result.stderr);
  const code = `HPC-PORT-${String(highestCode('PORT') + 1).padStart(3, '0')}`;
  assert.equal(
    result.stdout.split('\n').slice(0, 7).join('\n'),
    [
      `${code}: wrote`,
      '  server/src/rules/portability/no-foo-bar.ts',
      '  server/src/rules/portability/no-foo-bar.md',
      '  test/fixtures/rules/no-foo-bar/no-foo-bar.Dockerfile',
      '  test/fixtures/rules/no-foo-bar/no-foo-bar.def',
      '  server/src/rules/index.ts',
      '  CHANGELOG.md',
    ].join('\n'),
  );
  const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
  assert.equal(
    changelog,
    '# Changelog\n\n## [Unreleased]\n\n### Changed\n\n- Something.\n\n### Added\n\n' +
      `- ${code} \`no-foo-bar\` ([page](server/src/rules/portability/no-foo-bar.md)).\n- Other things.\n\n## [0.1.0]\n\n### Added\n\n- The first rules.\n`,
  );

  // The scaffolded rule loads, sits in code order, and its examples and fixture agree with its placeholder check.
  const check = join(root, 'check.ts');
  writeFileSync(
    check,
    `import { readFileSync } from 'node:fs';
import { factsOf } from './server/src/recipe/facts';
import { parseRecipe } from './server/src/recipe/parse';
import { allRules } from './server/src/rules/index';
const codes = allRules.map((rule) => rule.meta.code);
const rule = allRules.find((candidate) => candidate.meta.name === 'no-foo-bar')!;
const run = (text: string, format: 'dockerfile' | 'apptainer') => {
  const lines: number[] = [];
  const recipe = parseRecipe(text, format);
  rule.check({ recipe, facts: factsOf(recipe), settings: { trustedRegistries: [], today: '2026-12-01' }, report: (f) => lines.push(f.range.start.line + 1) });
  return lines;
};
console.log(JSON.stringify({
  sorted: codes.join() === [...codes].sort().join(),
  code: rule.meta.code,
  bad: rule.meta.docs.bad.map((e) => run(e.code, e.format).length),
  good: rule.meta.docs.good.map((e) => run(e.code, e.format).length),
  dockerfile: run(readFileSync('test/fixtures/rules/no-foo-bar/no-foo-bar.Dockerfile', 'utf8'), 'dockerfile'),
  def: run(readFileSync('test/fixtures/rules/no-foo-bar/no-foo-bar.def', 'utf8'), 'apptainer'),
}));
`,
  );
  const loaded = spawnSync(process.execPath, ['--import', join(ROOT, 'scripts', 'text-loader.mjs'), '--import', 'tsx', check], { cwd: root, encoding: 'utf8' });
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.deepEqual(JSON.parse(loaded.stdout), { sorted: true, code, bad: [1, 1], good: [0, 0], dockerfile: [4], def: [7] });

  assert.match(readFileSync(join(root, 'server/src/rules/portability/no-foo-bar.md'), 'utf8'), /TODO/, 'placeholders keep the TODO guard red until filled in');
});

test('the scaffolder refuses unknown groups, bad names, unknown formats and existing rules', () => {
  assert.match(scaffold('physics', 'no-foo-baz').stderr, /unknown group `physics`/);
  assert.match(scaffold('PORT', 'NoFoo').stderr, /kebab-case/);
  assert.match(scaffold('PORT', 'no-foo-baz', '--formats', 'podman').stderr, /--formats takes dockerfile and\/or apptainer/);
  const existing = scaffold('portability', 'no-march-native');
  assert.equal(existing.status, 2);
  assert.match(existing.stderr, /a rule named no-march-native exists already \(server\/src\/rules\/portability\/no-march-native\.ts\)/);
});

test('a single-format rule gets one fixture; its code follows the highest code the CHANGELOG mentions', () => {
  const changelog = join(root, 'CHANGELOG.md');
  writeFileSync(changelog, readFileSync(changelog, 'utf8').replace('## [Unreleased]', '## [Unreleased]\n\n<!-- removed: HPC-DEF-090 -->'));
  const result = scaffold('def', 'no-foo-qux', '--formats', 'apptainer', '--severity', 'warning');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^HPC-DEF-091: wrote\n {2}server\/src\/rules\/def\/no-foo-qux\.ts\n {2}server\/src\/rules\/def\/no-foo-qux\.md\n {2}test\/fixtures\/rules\/no-foo-qux\/no-foo-qux\.def\n/);
  const source = readFileSync(join(root, 'server/src/rules/def/no-foo-qux.ts'), 'utf8');
  assert.match(source, /severity: 'warning',\n {4}formats: \['apptainer'\],/);
});

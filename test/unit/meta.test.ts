// Registry ↔ files ↔ metadata ↔ docs consistency, and the docs' bad/good examples.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import type { Category } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules/index';
import { fixtureSettings, runRule, testSettings } from './ruleRunner';

const RULES_DIR = join(__dirname, '..', '..', 'server', 'src', 'rules');

const GROUP_OF_CATEGORY: Record<Category, string> = {
  def: 'DEF',
  portability: 'PORT',
  performance: 'PERF',
  networking: 'NET',
  security: 'SEC',
  maintainability: 'MAINT',
  usability: 'USE',
  licensing: 'LIC',
  build: 'BUILD',
  caching: 'CACHE',
  eol: 'EOL',
};

test('codes have the form HPC-<GROUP>-NNN with the group of the category', () => {
  for (const { meta } of allRules) {
    const match = /^HPC-([A-Z]+)-(\d{3})$/.exec(meta.code);
    assert.ok(match, `${meta.code}: bad code format`);
    assert.equal(match[1], GROUP_OF_CATEGORY[meta.category], `${meta.code}: group does not match category ${meta.category}`);
    assert.notEqual(match[2], '000', `${meta.code}: 000 is reserved for parse problems`);
  }
});

test('codes and names are unique; names are kebab-case', () => {
  const codes = allRules.map((rule) => rule.meta.code);
  const names = allRules.map((rule) => rule.meta.name);
  assert.equal(new Set(codes).size, codes.length, 'duplicate code');
  assert.equal(new Set(names).size, names.length, 'duplicate name');
  for (const name of names) {
    assert.match(name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${name} is not kebab-case`);
  }
});

test('the registry is sorted by code', () => {
  const codes = allRules.map((rule) => rule.meta.code);
  assert.deepEqual(codes, [...codes].sort());
});

test('each rule lives in server/src/rules/<category>/<name>.ts and every rule file is registered', () => {
  const expected = new Set(allRules.map((rule) => join(rule.meta.category, `${rule.meta.name}.ts`)));
  for (const path of expected) {
    assert.ok(existsSync(join(RULES_DIR, path)), `missing file server/src/rules/${path}`);
  }
  const onDisk: string[] = [];
  for (const entry of readdirSync(RULES_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'util') {
      for (const file of readdirSync(join(RULES_DIR, entry.name))) {
        if (file.endsWith('.ts')) {
          onDisk.push(relative(RULES_DIR, join(RULES_DIR, entry.name, file)));
        }
      }
    }
  }
  for (const path of onDisk) {
    assert.ok(expected.has(path), `server/src/rules/${path} is not registered in server/src/rules/index.ts`);
  }
});

test('metadata and docs are complete', () => {
  for (const { meta } of allRules) {
    const { docs } = meta;
    assert.ok(meta.formats.length > 0, `${meta.code}: no formats`);
    for (const field of ['summary', 'whatItDoes', 'whyHpc', 'howToFix'] as const) {
      assert.ok(docs[field].trim().length >= 20, `${meta.code}: docs.${field} is empty or too short`);
    }
    assert.ok(!docs.summary.includes('\n'), `${meta.code}: summary must be one line`);
    assert.ok(docs.references.length > 0, `${meta.code}: no references`);
    for (const reference of docs.references) {
      assert.match(reference, /^https:\/\/\S+$/, `${meta.code}: reference is not a URL: ${reference}`);
    }
    for (const format of meta.formats) {
      assert.ok(docs.bad.some((example) => example.format === format), `${meta.code}: no bad example for ${format}`);
      assert.ok(docs.good.some((example) => example.format === format), `${meta.code}: no good example for ${format}`);
    }
    for (const example of [...docs.bad, ...docs.good]) {
      assert.ok(meta.formats.includes(example.format), `${meta.code}: example for unsupported format ${example.format}`);
    }
  }
});

test('each bad example triggers its rule and each good example stays clean', () => {
  for (const rule of allRules) {
    const { meta } = rule;
    for (const example of meta.docs.bad) {
      const { findings, recipe } = runRule(rule, example.code, example.format, testSettings(example.settings));
      assert.deepEqual(recipe.diagnostics, [], `${meta.code}: bad ${example.format} example does not parse cleanly`);
      assert.ok(findings.length > 0, `${meta.code}: bad ${example.format} example does not trigger the rule`);
    }
    for (const example of meta.docs.good) {
      const { findings, recipe } = runRule(rule, example.code, example.format, testSettings(example.settings));
      assert.deepEqual(recipe.diagnostics, [], `${meta.code}: good ${example.format} example does not parse cleanly`);
      assert.deepEqual(findings.map((finding) => finding.message), [], `${meta.code}: good ${example.format} example triggers the rule`);
    }
  }
});

test('meta.fix matches the fixes the rule offers on its fixtures', () => {
  const fixtures = join(__dirname, '..', 'fixtures', 'rules');
  for (const rule of allRules) {
    const { meta } = rule;
    const dir = join(fixtures, meta.name);
    const kinds = new Set<string>();
    for (const file of existsSync(dir) ? readdirSync(dir) : []) {
      const format = file.endsWith('.Dockerfile') ? 'dockerfile' : file.endsWith('.def') ? 'apptainer' : undefined;
      if (!format || /\.(unsafe-)?fixed\./.test(file)) {
        continue;
      }
      const { findings } = runRule(rule, readFileSync(join(dir, file), 'utf8'), format, fixtureSettings(dir, file));
      for (const fix of findings.flatMap((finding) => finding.fixes)) {
        kinds.add(fix.safe ? 'safe' : 'unsafe');
      }
    }
    const expected = meta.fix === 'none' ? [] : meta.fix === 'both' ? ['safe', 'unsafe'] : [meta.fix];
    assert.deepEqual([...kinds].sort(), expected, `${meta.code}: meta.fix is '${meta.fix}' but the fixtures offer ${[...kinds].join(', ') || 'no'} fixes`);
  }
});

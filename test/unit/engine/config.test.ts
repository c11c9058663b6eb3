import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  defaultConfig,
  findConfigFile,
  loadConfigFile,
  mergeConfig,
  parseConfigText,
  today,
} from '../../../server/src/engine/config';
import type { Rule } from '../../../server/src/engine/rule';
import { allRules } from '../../../server/src/rules/index';

const fixtures = join(__dirname, '../../fixtures/config');

const testRule: Rule = {
  meta: {
    code: 'HPC-TEST-001',
    name: 'test-rule',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
  },
  check: () => undefined,
};

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

test('loads every supported setting from a YAML file', () => {
  const path = join(fixtures, 'valid/.hpclint.yaml');
  assert.deepEqual(loadConfigFile(path, allRules), {
    path,
    rules: { 'dockerfile-utils/DEPRECATED_MAINTAINER': 'off' },
    categories: { security: 'error' },
    publish: 'public',
    trustedRegistries: ['docker.io/library', 'ghcr.io/myorg'],
    syntaxValidation: false,
    ignorePaths: ['vendor/'],
  });
});

test('loads a JSON config file', () => {
  const path = join(fixtures, 'json/.hpclint.json');
  assert.deepEqual(loadConfigFile(path, allRules), { path, publish: 'private', syntaxValidation: true });
});

test('a YAML syntax error names the file and the line', () => {
  const path = join(fixtures, 'syntax-error/.hpclint.yaml');
  const error = configError(() => loadConfigFile(path, allRules));
  assert.equal(error.file, path);
  assert.equal(error.line, 4);
  assert.match(error.message, /^.*syntax-error\/\.hpclint\.yaml:4: invalid YAML: /);
});

test('an unknown top-level key is reported on its line', () => {
  const error = configError(() => loadConfigFile(join(fixtures, 'unknown-key/.hpclint.yml'), allRules));
  assert.equal(error.line, 3);
  assert.match(error.detail, /unknown setting "publsh"/);
});

test('a bad severity is reported on the line of the value', () => {
  const error = configError(() => loadConfigFile(join(fixtures, 'bad-severity/.hpclint.yaml'), allRules));
  assert.equal(error.line, 3);
  assert.equal(error.detail, 'invalid severity for "performance" in categories: expected off, error, warning, info or hint');
});

test('an unknown rule code is reported on its line', () => {
  const error = configError(() => loadConfigFile(join(fixtures, 'unknown-rule/.hpclint.yaml'), allRules));
  assert.equal(error.line, 3);
  assert.match(error.detail, /unknown rule "HPC-NOPE-999"/);
});

test('rule keys may be codes (any case) or names of known rules', () => {
  const rules = [testRule];
  assert.deepEqual(parseConfigText('rules:\n  hpc-test-001: error\n  test-rule: "off"\n', 'x.yaml', rules).rules, {
    'hpc-test-001': 'error',
    'test-rule': 'off',
  });
  const error = configError(() => parseConfigText('rules:\n  other-rule: error\n', 'x.yaml', rules));
  assert.equal(error.line, 2);
});

test('other value problems', () => {
  assert.equal(configError(() => parseConfigText('publish: maybe\n', 'x.yaml', allRules)).detail, 'publish must be "public" or "private"');
  assert.equal(configError(() => parseConfigText('\n\nsyntaxValidation: yes please\n', 'x.yaml', allRules)).line, 3);
  assert.equal(configError(() => parseConfigText('categories:\n  gpu: off\n', 'x.yaml', allRules)).line, 2);
  assert.equal(configError(() => parseConfigText('trustedRegistries:\n  - a\n  - 3\n', 'x.yaml', allRules)).line, 3);
  assert.equal(configError(() => parseConfigText('- rules\n', 'x.yaml', allRules)).line, 1);
  assert.equal(configError(() => parseConfigText('rules:\n  a: off\n  a: error\n', 'x.yaml', allRules)).line, 3);
  assert.deepEqual(parseConfigText('', 'x.yaml', allRules), {});
  assert.deepEqual(parseConfigText('# only a comment\n', 'x.yaml', allRules), {});
  assert.deepEqual(parseConfigText('trustedRegistries: ghcr.io\n', 'x.yaml', allRules), { trustedRegistries: ['ghcr.io'] });
});

test('registryMirror: a registry host with an optional path; a trailing slash is dropped', () => {
  assert.deepEqual(parseConfigText('registryMirror: registry.example.org:5000/dockerhub/\n', 'x.yaml', allRules), {
    registryMirror: 'registry.example.org:5000/dockerhub',
  });
  const error = configError(() => parseConfigText('publish: private\nregistryMirror: https://mirror\n', 'x.yaml', allRules));
  assert.equal(error.line, 2);
  assert.match(error.detail, /registryMirror must be a registry host/);
  const merged = mergeConfig(defaultConfig(), { registryMirror: 'mirror.example.org' }, [testRule]);
  assert.equal(merged.settings.registryMirror, 'mirror.example.org');
});

test('an unreadable config file is a ConfigError on line 1', () => {
  const error = configError(() => loadConfigFile(join(fixtures, 'missing/.hpclint.yaml'), allRules));
  assert.equal(error.line, 1);
  assert.match(error.detail, /cannot read config file: no such file or directory/);
});

test('findConfigFile walks up from the recipe directory', () => {
  assert.equal(findConfigFile(join(fixtures, 'valid/sub/deeper')), join(fixtures, 'valid/.hpclint.yaml'));
  assert.equal(findConfigFile(join(fixtures, 'json')), join(fixtures, 'json/.hpclint.json'));
});

test('findConfigFile stops at the repository root and at stopDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'hpclint-config-'));
  try {
    writeFileSync(join(root, '.hpclint.yaml'), 'publish: public\n');
    mkdirSync(join(root, 'repo/.git'), { recursive: true });
    mkdirSync(join(root, 'repo/app/src'), { recursive: true });
    assert.equal(findConfigFile(join(root, 'repo/app/src')), undefined);
    writeFileSync(join(root, 'repo/app/.hpclint.yml'), 'publish: private\n');
    assert.equal(findConfigFile(join(root, 'repo/app/src')), join(root, 'repo/app/.hpclint.yml'));
    mkdirSync(join(root, 'plain/a/b'), { recursive: true });
    assert.equal(findConfigFile(join(root, 'plain/a/b'), join(root, 'plain/a')), undefined);
    assert.equal(findConfigFile(join(root, 'plain/a/b'), root), join(root, '.hpclint.yaml'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('mergeConfig: override wins, rule names and codes collide on the code', () => {
  const base = mergeConfig(defaultConfig(), { rules: { 'test-rule': 'off' }, categories: { Security: 'info' } }, [testRule]);
  assert.deepEqual(base.rules, { 'HPC-TEST-001': 'off' });
  const merged = mergeConfig(
    base,
    { rules: { 'hpc-test-001': 'error' }, publish: 'public', trustedRegistries: ['ghcr.io/x'], syntaxValidation: false },
    [testRule],
  );
  assert.deepEqual(merged.rules, { 'HPC-TEST-001': 'error' });
  assert.deepEqual(merged.categories, { security: 'info' });
  assert.equal(merged.settings.publish, 'public');
  assert.deepEqual(merged.settings.trustedRegistries, ['ghcr.io/x']);
  assert.equal(merged.syntaxValidation, false);
  assert.deepEqual(base.settings.trustedRegistries, [], 'base is not mutated');
});

test('today() honours HPCLINT_TODAY', () => {
  const saved = process.env.HPCLINT_TODAY;
  try {
    process.env.HPCLINT_TODAY = '2031-02-03';
    assert.equal(today(), '2031-02-03');
    assert.equal(defaultConfig().settings.today, '2031-02-03');
    delete process.env.HPCLINT_TODAY;
    assert.match(today(), /^\d{4}-\d{2}-\d{2}$/);
  } finally {
    if (saved === undefined) {
      delete process.env.HPCLINT_TODAY;
    } else {
      process.env.HPCLINT_TODAY = saved;
    }
  }
});

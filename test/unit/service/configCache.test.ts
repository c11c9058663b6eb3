// Configuration layering and caching shared by the CLI and the language server.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { ConfigError } from '../../../server/src/engine/config';
import { allRules } from '../../../server/src/rules/index';
import { ConfigCache, type ConfigLayers } from '../../../server/src/service/configCache';

const root = mkdtempSync(join(tmpdir(), 'hpclint-config-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, config: string): string {
  const directory = join(root, name);
  mkdirSync(join(directory, '.git'), { recursive: true });
  mkdirSync(join(directory, 'sub'), { recursive: true });
  writeFileSync(join(directory, '.hpclint.yaml'), config);
  return directory;
}

describe('ConfigCache', () => {
  test('layers: defaults < settings < config file < flags', () => {
    const directory = project('layers', 'rules:\n  HPC-PORT-001: info\n  HPC-SEC-001: off\ncategories:\n  licensing: hint\n');
    const cache = new ConfigCache(allRules);
    const layers: ConfigLayers = {
      settings: { rules: { 'no-march-native': 'error', 'HPC-NET-001': 'warning' }, categories: { licensing: 'off' } },
      flags: { rules: { 'HPC-SEC-001': 'error' } },
    };
    const { config, configFile } = cache.forDirectory(join(directory, 'sub'), layers);
    assert.equal(configFile, join(directory, '.hpclint.yaml'));
    assert.equal(config.rules['HPC-PORT-001'], 'info', 'the file beats settings (rule names and codes collide)');
    assert.equal(config.rules['HPC-NET-001'], 'warning', 'settings the file does not mention stay');
    assert.equal(config.rules['HPC-SEC-001'], 'error', 'flags beat the file');
    assert.equal(config.categories.licensing, 'hint');
  });

  test('a config file is read once: later calls neither walk, stat nor read until invalidate()', () => {
    const directory = project('cached', 'rules:\n  HPC-PORT-001: info\n');
    const cache = new ConfigCache(allRules);
    const layers: ConfigLayers = {};
    const first = cache.forDirectory(directory, layers);
    writeFileSync(join(directory, '.hpclint.yaml'), 'rules:\n  HPC-PORT-001: off\n');
    writeFileSync(join(directory, 'sub', '.hpclint.yaml'), 'rules:\n  HPC-PORT-001: hint\n');
    assert.equal(cache.forDirectory(directory, layers), first, 'the same object: nothing was recomputed');
    cache.invalidate(join(directory, '.hpclint.yaml'));
    assert.equal(cache.forDirectory(directory, layers).config.rules['HPC-PORT-001'], 'off');
    assert.equal(cache.forDirectory(join(directory, 'sub'), layers).config.rules['HPC-PORT-001'], 'hint');
  });

  test('recheck() notices changed files for clients that cannot watch them', () => {
    const directory = project('recheck', 'rules:\n  HPC-PORT-001: info\n');
    const cache = new ConfigCache(allRules);
    const layers: ConfigLayers = {};
    cache.forDirectory(directory, layers);
    assert.equal(cache.recheck(), false);
    writeFileSync(join(directory, '.hpclint.yaml'), 'rules:\n  HPC-PORT-001: warning\n');
    utimesSync(join(directory, '.hpclint.yaml'), new Date(), new Date(Date.now() + 5000));
    assert.equal(cache.recheck(), true);
    assert.equal(cache.forDirectory(directory, layers).config.rules['HPC-PORT-001'], 'warning');
  });

  test('an invalid file is reported once per change and leaves the other layers in force', () => {
    const directory = project('invalid', 'rules:\n  HPC-NOPE-999: off\n');
    const reported: ConfigError[] = [];
    const cache = new ConfigCache(allRules, { onInvalid: (error) => reported.push(error) });
    const layers: ConfigLayers = { settings: { rules: { 'HPC-PORT-001': 'off' } } };
    const first = cache.forDirectory(directory, layers);
    assert.equal(first.error?.line, 2);
    assert.equal(first.config.rules['HPC-PORT-001'], 'off');
    cache.forDirectory(join(directory, 'sub'), layers);
    cache.invalidate();
    cache.forDirectory(directory, layers);
    assert.equal(reported.length, 1, 'settings changes do not re-read the file');
    cache.invalidate(join(directory, '.hpclint.yaml'));
    cache.forDirectory(directory, layers);
    assert.equal(reported.length, 2);
  });

  test('the upward search stops at the workspace folder', () => {
    const outer = project('outer', 'rules:\n  HPC-PORT-001: off\n');
    const folder = join(outer, 'sub');
    const cache = new ConfigCache(allRules, { stopAt: () => [folder] });
    assert.equal(cache.forDirectory(folder, {}).configFile, undefined);
    assert.equal(new ConfigCache(allRules).forDirectory(folder, {}).configFile, join(outer, '.hpclint.yaml'));
  });
});

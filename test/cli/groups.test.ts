// Every rule group through the CLI: one finding per group in JSON, and --fix applies the safe fixes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ruleByCodeOrName } from '../../server/src/engine/registry';
import { GROUPS } from '../groupCases';
import { parseJson, root, runCli } from './helpers';
import { allRules } from '../../server/src/rules/index';

const DEFAULTS_ONLY = join(root, 'test/fixtures/config/empty/.hpclint.yaml');

test('each rule group reports its finding through the CLI, and --fix removes the safe ones', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'hpclint-cli-groups-'));
  try {
    const paths = GROUPS.map((group) => {
      const path = join(workspace, group.file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, group.text);
      return path;
    });
    const report = parseJson(runCli(['--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, ...paths]));
    GROUPS.forEach((group, index) => {
      const file = report.files.find((entry) => entry.path === paths[index]);
      assert.ok(file?.diagnostics.some((diagnostic) => diagnostic.code === group.code), `${group.code} in ${group.file}`);
    });

    const fixRun = runCli(['--fix', '--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, ...paths]);
    const afterFix = parseJson(fixRun);
    GROUPS.forEach((group, index) => {
      const safe = ruleByCodeOrName(group.code, allRules)!.meta.fix;
      const still = afterFix.files.find((entry) => entry.path === paths[index])!.diagnostics.some((diagnostic) => diagnostic.code === group.code);
      const changed = readFileSync(paths[index], 'utf8') !== group.text;
      if (safe === 'safe') {
        assert.ok(!still && changed, `${group.code}: --fix applies its safe fix`);
      } else if (safe === 'unsafe') {
        assert.ok(still, `${group.code}: --fix leaves unsafe fixes alone`);
      }
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

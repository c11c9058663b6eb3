// Site-dependent rules against every bundled profile and without one:
// test/fixtures/site/<rule-name>/*.Dockerfile|*.def, one snapshot per profile (`<file>.<profile>.snap.json`,
// `none` = no profile). Fixes offered with a profile are applied and must remove their finding.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { allRules } from '../../../server/src/rules/index';
import { bundledProfileNames, referenceFromArgument, resolveSiteReference } from '../../../server/src/site/load';
import { applyFixes, formatRange, runRule, testSettings, type RuleFinding } from '../ruleRunner';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'site');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const PROFILES = ['none', ...bundledProfileNames()];

function formatOf(file: string): RecipeFormat | undefined {
  return file.endsWith('.Dockerfile') ? 'dockerfile' : file.endsWith('.def') ? 'apptainer' : undefined;
}

function settingsFor(profile: string) {
  return testSettings(profile === 'none' ? {} : { sites: [resolveSiteReference(referenceFromArgument(profile, '/'))] });
}

function snapshotOf(findings: readonly RuleFinding[]): unknown[] {
  return findings.map((finding) => ({
    severity: finding.severity,
    range: formatRange(finding.range),
    message: finding.message,
    ...(finding.site ? { site: finding.site } : {}),
    fixes: finding.fixes.map((fix) => `${fix.title} [${fix.safe ? 'safe' : 'unsafe'}]`),
  }));
}

const ruleDirs = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];

for (const ruleDir of ruleDirs) {
  const rule = allRules.find((candidate) => candidate.meta.name === ruleDir);
  const dir = join(FIXTURES, ruleDir);
  const files = readdirSync(dir).filter((file) => formatOf(file) !== undefined).sort();
  test(`site fixtures: ${ruleDir}`, async (t) => {
    assert.ok(rule, `no registered rule named ${ruleDir}`);
    for (const file of files) {
      const format = formatOf(file) as RecipeFormat;
      const text = readFileSync(join(dir, file), 'utf8');
      for (const profile of PROFILES) {
        await t.test(`${file} with ${profile}`, () => {
          const settings = settingsFor(profile);
          const { findings, recipe } = runRule(rule, text, format, settings);
          const snapshot = `${JSON.stringify(snapshotOf(findings), null, 2)}\n`;
          const path = join(dir, `${file}.${profile}.snap.json`);
          if (UPDATE) {
            writeFileSync(path, snapshot);
          } else {
            assert.ok(existsSync(path), `snapshot missing: ${path} (run with UPDATE_SNAPSHOTS=1)`);
            assert.equal(snapshot, readFileSync(path, 'utf8'), `snapshot differs: ${path}`);
          }
          if (profile === 'none') {
            assert.ok(findings.every((finding) => finding.site === undefined), 'no site facts without a profile');
          }
          for (const safe of [true, false]) {
            const { text: fixed, applied } = applyFixes(text, findings, safe);
            if (applied === 0) {
              continue;
            }
            const after = runRule(rule, fixed, format, settings);
            assert.ok(after.findings.length <= findings.length - applied, `${file} with ${profile}: the rule still fires where ${safe ? 'safe' : 'unsafe'} fixes were applied`);
            const before = new Set(recipe.diagnostics.map((problem) => problem.message));
            assert.deepEqual(after.recipe.diagnostics.filter((problem) => !before.has(problem.message)), [], 'the fixed text has new parse problems');
          }
        });
      }
    }
  });
}

test('every site fixture directory names a rule and has fixtures in each format its rule reads', () => {
  assert.ok(ruleDirs.length > 0);
  for (const ruleDir of ruleDirs) {
    const files = readdirSync(join(FIXTURES, ruleDir));
    const formats = allRules.find((candidate) => candidate.meta.name === ruleDir)?.meta.formats ?? [];
    assert.ok(!formats.includes('dockerfile') || files.some((file) => file.endsWith('.Dockerfile')), ruleDir);
    assert.ok(!formats.includes('apptainer') || files.some((file) => file.endsWith('.def')), ruleDir);
  }
});

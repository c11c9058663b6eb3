import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allRules } from '../../server/src/rules/index';
import { runCli, SARIF_SCHEMA, sarifValidator } from './helpers';

interface SarifLog {
  version: string;
  runs: Array<{
    tool: {
      driver: {
        name: string;
        rules: Array<{
          id: string;
          name: string;
          shortDescription: { text: string };
          fullDescription?: { text: string };
          help?: { text: string; markdown: string };
          helpUri?: string;
          defaultConfiguration: { level: string };
        }>;
      };
    };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }>;
    }>;
  }>;
}

function sarifRun(): SarifLog {
  const run = runCli(['--format', 'sarif', 'test/fixtures/cli/quiet', 'test/fixtures/cli/fix/Singularity']);
  assert.equal(run.status, 1, run.stderr);
  return JSON.parse(run.stdout) as SarifLog;
}

test('SARIF output validates against the SARIF 2.1.0 schema', (t) => {
  const validate = sarifValidator();
  if (!validate) {
    t.skip(`SARIF schema not installed (${SARIF_SCHEMA}); run npm install`);
    return;
  }
  const log = sarifRun();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  // The schema check is real: a broken log fails it.
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
});

test('SARIF carries rule metadata and 1-based regions', () => {
  const log = sarifRun();
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'hpclint');
  const rules = run.tool.driver.rules;
  for (const rule of allRules) {
    const descriptor = rules.find((r) => r.id === rule.meta.code);
    assert.ok(descriptor, rule.meta.code);
    assert.equal(descriptor.name, rule.meta.name);
    assert.equal(descriptor.shortDescription.text, rule.meta.docs.summary);
    assert.ok(descriptor.fullDescription?.text.includes(rule.meta.docs.whatItDoes));
    assert.equal(descriptor.help?.text, rule.meta.docs.howToFix);
    assert.ok(descriptor.help?.markdown.startsWith(`# ${rule.meta.code} ${rule.meta.name}`));
    assert.match(descriptor.helpUri ?? '', new RegExp(`^https?://\\S+/blob/main/server/src/rules/${rule.meta.category}/${rule.meta.name}\\.md$`));
    assert.equal(descriptor.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note', hint: 'note' }[rule.meta.severity]);
  }
  assert.deepEqual(
    run.results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region]),
    [
      ['dockerfile-utils/DEPRECATED_MAINTAINER', 'warning', 'test/fixtures/cli/quiet/Dockerfile', { startLine: 2, startColumn: 1, endLine: 2, endColumn: 11 }],
      ['HPC-DEF-005', 'error', 'test/fixtures/cli/fix/Singularity', { startLine: 4, startColumn: 1, endLine: 4, endColumn: 12 }],
    ],
  );
  for (const result of run.results) {
    assert.equal(rules[result.ruleIndex].id, result.ruleId);
  }
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { allRules } from '../../server/src/rules/index';
import { root, runCli } from './helpers';

const SCHEMA = join(root, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

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
  if (!existsSync(SCHEMA)) {
    t.skip(`SARIF schema not installed (${SCHEMA}); run npm install`);
    return;
  }
  // The schema is draft-04 with a non-unicode regex; Ajv 8 reads it once `id` is spelled `$id`.
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown>;
  schema.$id = schema.id;
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const validate = ajv.compile(schema);
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

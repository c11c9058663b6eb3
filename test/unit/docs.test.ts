import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rule } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules/index';
import { checkDocs, describeCheck, renderRulesIndex, rulesTable, writeDocs } from '../../server/src/docs/generate';
import { renderRuleDoc } from '../../server/src/docs/render';
import { severityPolicy } from '../../server/src/docs/severityPolicy';

function fakeRule(code: string, name: string, summary: string): Rule {
  return {
    meta: {
      code,
      name,
      category: 'portability',
      severity: 'warning',
      formats: ['dockerfile', 'apptainer'],
      fix: 'both',
      docs: {
        summary,
        whatItDoes: 'Flags things.',
        whyHpc: 'Things break on compute nodes.',
        howToFix: 'Do not do things.',
        bad: [{ format: 'dockerfile', code: 'FROM x\nRUN bad\n' }],
        good: [{ format: 'dockerfile', code: 'FROM x\nRUN good\n' }],
        references: ['https://example.org/ref'],
      },
    },
    check: () => {},
  };
}

test('the build rendered a page for every rule and the index, and nothing else (`npm run build`)', () => {
  const problems = describeCheck(checkDocs());
  assert.deepEqual(problems, [], `docs/rules does not match the rules:\n${problems.join('\n')}`);
  for (const rule of allRules) {
    const doc = readFileSync(join(__dirname, '../../docs/rules', `${rule.meta.code}.md`), 'utf8');
    assert.equal(doc, renderRuleDoc(rule.meta).replace(/\s*$/, '\n'));
  }
});

test('rules table links each code, escapes pipes and labels both fix kinds', () => {
  const table = rulesTable([fakeRule('HPC-PORT-901', 'no-thing', 'Avoid `a | b` pipes')], 'docs/rules/');
  assert.equal(
    table,
    [
      '| Code | Name | Category | Severity | Formats | Fix | Summary |',
      '|---|---|---|---|---|---|---|',
      '| [HPC-PORT-901](docs/rules/HPC-PORT-901.md) | `no-thing` | portability | warning | dockerfile, apptainer | safe, unsafe | Avoid `a \\| b` pipes |',
    ].join('\n'),
  );
});

test('rules index groups by category and counts rules', () => {
  const index = renderRulesIndex([fakeRule('HPC-PORT-901', 'a-rule', 'First')]);
  assert.match(index, /^# hpclint rules\n/);
  assert.match(index, /hpclint has 1 rule\./);
  assert.match(index, /\n## Portability\n\n\| Code \| Name \| Severity/);
  assert.match(index, /\| \[HPC-PORT-901\]\(HPC-PORT-901\.md\) \|/);
  assert.doesNotMatch(index, /## Security/);
});

test('check reports missing, stale and extra files; write fixes them', () => {
  const root = mkdtempSync(join(tmpdir(), 'hpclint-docs-'));
  try {
    const rules = [fakeRule('HPC-PORT-901', 'a-rule', 'First')];
    assert.deepEqual(checkDocs(root, rules), {
      stale: [],
      missing: ['docs/rules/HPC-PORT-901.md', 'docs/rules/README.md'],
      extra: [],
    });

    assert.deepEqual(writeDocs(root, rules), ['wrote docs/rules/HPC-PORT-901.md', 'wrote docs/rules/README.md']);
    assert.deepEqual(checkDocs(root, rules), { stale: [], missing: [], extra: [] });
    assert.deepEqual(writeDocs(root, rules), []);

    writeFileSync(join(root, 'docs/rules/HPC-GONE-001.md'), '# removed rule\n');
    writeFileSync(join(root, 'docs/rules/HPC-PORT-901.md'), 'hand edit\n');
    unlinkSync(join(root, 'docs/rules/README.md'));
    const check = checkDocs(root, rules);
    assert.deepEqual(check, { stale: ['docs/rules/HPC-PORT-901.md'], missing: ['docs/rules/README.md'], extra: ['docs/rules/HPC-GONE-001.md'] });
    assert.deepEqual(describeCheck(check), [
      'stale: docs/rules/HPC-PORT-901.md',
      'missing: docs/rules/README.md',
      'extra: docs/rules/HPC-GONE-001.md (no rule has this code)',
    ]);

    writeDocs(root, rules);
    assert.deepEqual(checkDocs(root, rules), { stale: [], missing: [], extra: [] });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the severity policy is written once: the README, every rule page and the index state the same words', () => {
  const policy = severityPolicy();
  assert.equal(
    policy,
    '**error**: the build or the run will fail, or a clear legal or security breach. **warning**: a likely failure, slowdown or security weakness on a cluster. **info**: advice. **hint**: style and hygiene.',
  );
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8').replace(/\s+/g, ' ');
  assert.ok(readme.includes(`**Severity policy.** Noise is a bug: a finding is only as loud as what it costs. ${policy}`));
  assert.ok(renderRulesIndex(allRules).includes(`## Severity policy\n\nNoise is a bug: a finding is only as loud as what it costs. ${policy}`));
  for (const rule of allRules) {
    assert.ok(renderRuleDoc(rule.meta).includes(`\nSeverity policy: ${policy}`), rule.meta.code);
  }
});

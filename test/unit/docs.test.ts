import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineRule, type Rule } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules/index';
import {
  checkDocs,
  describeCheck,
  renderRulesIndex,
  replaceReadmeTable,
  rulesTable,
  TABLE_END,
  TABLE_START,
  writeDocs,
} from '../../server/src/docs/generate';

function fakeRule(code: string, name: string, summary: string): Rule {
  return defineRule({
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
  });
}

const readmeText = `# Title\n\nintro\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nafter\n`;

test('the committed docs match the rule metadata (run `npm run docs` when this fails)', () => {
  const problems = describeCheck(checkDocs());
  assert.deepEqual(problems, [], `generated docs are out of date:\n${problems.join('\n')}`);
});

test('every rule in the registry has a committed doc page', () => {
  for (const rule of allRules) {
    const doc = readFileSync(join(__dirname, '../../docs/rules', `${rule.meta.code}.md`), 'utf8');
    assert.ok(doc.includes(rule.meta.code), `${rule.meta.code}.md mentions its code`);
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

test('README table replacement keeps the text around the markers and is idempotent', () => {
  const rules = [fakeRule('HPC-PORT-902', 'b-rule', 'Second'), fakeRule('HPC-PORT-901', 'a-rule', 'First')];
  const once = replaceReadmeTable(readmeText, rules);
  assert.ok(once.startsWith(`# Title\n\nintro\n\n${TABLE_START}\n| Code |`));
  assert.ok(once.endsWith(`\n${TABLE_END}\n\nafter\n`));
  assert.ok(!once.includes('old table'));
  assert.ok(once.indexOf('HPC-PORT-901') < once.indexOf('HPC-PORT-902'), 'rows sorted by code');
  assert.equal(replaceReadmeTable(once, rules), once);
  assert.throws(() => replaceReadmeTable('# no markers\n', rules), /rules-table:start/);
});

test('README family markers list the rules of their category, or say there are none', () => {
  const rules = [fakeRule('HPC-PORT-902', 'b-rule', 'Second'), fakeRule('HPC-PORT-901', 'a-rule', 'First')];
  const text = `${readmeText}Portability. <!-- rules-in:portability -->old<!-- /rules-in -->\nNet. <!-- rules-in:networking --><!-- /rules-in -->\n`;
  const replaced = replaceReadmeTable(text, rules);
  assert.ok(
    replaced.includes(
      'Portability. <!-- rules-in:portability -->Rules: [HPC-PORT-901](docs/rules/HPC-PORT-901.md) `a-rule`, ' +
        '[HPC-PORT-902](docs/rules/HPC-PORT-902.md) `b-rule`.<!-- /rules-in -->\n',
    ),
  );
  assert.ok(replaced.includes('Net. <!-- rules-in:networking -->No rules in this family yet.<!-- /rules-in -->\n'));
  assert.equal(replaceReadmeTable(replaced, rules), replaced);
  assert.throws(() => replaceReadmeTable(`${readmeText}<!-- rules-in:bogus --><!-- /rules-in -->`, rules), /unknown category/);
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
    writeFileSync(join(root, 'README.md'), readmeText);
    assert.deepEqual(checkDocs(root, rules), {
      stale: ['README.md'],
      missing: ['docs/rules/HPC-PORT-901.md', 'docs/rules/README.md'],
      extra: [],
    });

    assert.deepEqual(writeDocs(root, rules), ['wrote docs/rules/HPC-PORT-901.md', 'wrote docs/rules/README.md', 'wrote README.md']);
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

// The rule page beside each rule (`server/src/rules/<category>/<name>.md`) and its parser.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defineRule, type RuleDefinition } from '../../server/src/engine/rule';
import { parseRulePage, RulePageError } from '../../server/src/docs/rule-page';
import { allRules } from '../../server/src/rules/index';

const RULES_DIR = join(__dirname, '..', '..', 'server', 'src', 'rules');

const PAGE = `# HPC-PORT-901 no-thing

Avoid the thing.

## What it does

Finds the thing in \`RUN\` and \`%post\`,
even when it is written twice.

A second paragraph:
- one item
- another item

## Why it bites on HPC systems

Compute nodes
differ from the build host.

## Bad examples

\`\`\`dockerfile
FROM x
RUN thing
\`\`\`

\`\`\`apptainer {"publish": "public", "trustedRegistries": ["ghcr.io/org"]}
Bootstrap: docker
From: x
\`\`\`

## Good examples

~~~~dockerfile
FROM x
RUN echo '\`\`\`'
~~~~

## How to fix

Do not.

## References

- https://example.org/a
- https://example.org/b
`;

function parseError(markdown: string): string {
  try {
    parseRulePage(markdown);
  } catch (error) {
    assert.ok(error instanceof RulePageError, `expected a RulePageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the page parsed');
}

test('a rule page parses into the title, the docs and fenced examples with their settings', () => {
  assert.deepEqual(parseRulePage(PAGE), {
    code: 'HPC-PORT-901',
    name: 'no-thing',
    docs: {
      summary: 'Avoid the thing.',
      whatItDoes: 'Finds the thing in `RUN` and `%post`, even when it is written twice.\n\nA second paragraph:\n- one item\n- another item',
      whyHpc: 'Compute nodes differ from the build host.',
      howToFix: 'Do not.',
      bad: [
        { format: 'dockerfile', code: 'FROM x\nRUN thing\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: x\n', settings: { publish: 'public', trustedRegistries: ['ghcr.io/org'] } },
      ],
      good: [{ format: 'dockerfile', code: "FROM x\nRUN echo '```'\n" }],
      references: ['https://example.org/a', 'https://example.org/b'],
    },
  });
  assert.deepEqual(parseRulePage(PAGE.replace(/\n/g, '\r\n')), parseRulePage(PAGE), 'CRLF pages parse the same');
  const withExceptions = PAGE.replace('## References', '## Exceptions\n\nWhen built on the target.\n\n## References');
  assert.equal(parseRulePage(withExceptions).docs.exceptions, 'When built on the target.');
});

test('a page that leaves the layout gets an error naming the problem', () => {
  assert.match(parseError(PAGE.replace('# HPC-PORT-901 no-thing', '# No thing')), /first line must be the title/);
  assert.match(parseError(PAGE.replace('## How to fix\n\nDo not.\n\n', '')), /missing section `## How to fix`/);
  assert.match(parseError(PAGE.replace('## How to fix', '## How To Fix')), /unknown heading `## How To Fix`/);
  assert.match(parseError(PAGE.replace('## What it does', '### What it does')), /unknown heading/);
  assert.match(
    parseError(PAGE.replace('## Why it bites on HPC systems', '## Exceptions\n\nx\n\n## Why it bites on HPC systems')),
    /out of order or repeated/,
  );
  assert.match(parseError(PAGE.replace('```apptainer {', '```singularity {')), /must name its format/);
  assert.match(parseError(PAGE.replace('{"publish": "public",', '{"publish": public,')), /must be a JSON object/);
  assert.match(parseError(PAGE.replace('"publish"', '"site"')), /unknown example setting `site`/);
  assert.match(parseError(PAGE.replace('## Good examples\n', '## Good examples\n\nSome prose.\n')), /holds only fenced examples/);
  assert.match(parseError(PAGE.replace('Do not.', '')), /`## How to fix` is empty/);
  assert.match(parseError(PAGE.replace('- https://example.org/b', 'see https://example.org/b')), /holds a list/);
  assert.match(parseError(PAGE.replace('Avoid the thing.', 'Avoid the thing.\n\nTwice.')), /summary must be one paragraph/);
  assert.match(parseError(PAGE.replace(/~~~~\n\n## How/, '\n## How')), /unclosed fence ~~~~/);
});

test('defineRule parses the page and checks its title against the code and name', () => {
  const meta: RuleDefinition['meta'] = { code: 'HPC-PORT-901', name: 'no-thing', category: 'portability', severity: 'warning', formats: ['dockerfile'], fix: 'none' };
  const rule = defineRule({ meta, docs: PAGE, check: () => {} });
  assert.equal(rule.meta.docs.summary, 'Avoid the thing.');
  assert.equal(rule.meta.code, 'HPC-PORT-901');
  assert.throws(() => defineRule({ meta: { ...meta, name: 'other-thing' }, docs: PAGE, check: () => {} }), /other-thing\.md is titled `# HPC-PORT-901 no-thing`/);
  assert.throws(() => defineRule({ meta, docs: '# HPC-PORT-901 no-thing\n', check: () => {} }), /HPC-PORT-901 no-thing: no-thing\.md: missing section/);
});

test('every rule has its page beside it, and the page is what the rule carries', () => {
  for (const { meta } of allRules) {
    const path = join(RULES_DIR, meta.category, `${meta.name}.md`);
    assert.ok(existsSync(path), `missing server/src/rules/${meta.category}/${meta.name}.md`);
    assert.deepEqual(parseRulePage(readFileSync(path, 'utf8')), { code: meta.code, name: meta.name, docs: meta.docs });
  }
});

// The findings hover: worst finding first, one compact block each, no repeat of the message the editor
// already shows, a bounded length, and the rule's shipped page behind a link.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import { ruleByCodeOrName } from '../../../server/src/engine/registry';
import { allRules } from '../../../server/src/rules/index';
import { findingsHover, MAX_EXCERPT, MAX_FULL_BLOCKS } from '../../../server/src/lsp/features/findingsHover';
import { leadSentence } from '../../../server/src/lsp/features/leadSentence';

const ROOT = join(__dirname, '..', '..', '..');
const LINE = { start: { line: 1, character: 4 }, end: { line: 1, character: 40 } };
const AT = { line: 1, character: 10 };

function finding(code: string, severity: HpcDiagnostic['severity'], message = `message of ${code}`): HpcDiagnostic {
  const meta = ruleByCodeOrName(code, allRules)!.meta;
  return { code, name: meta.name, category: meta.category, severity, message, range: LINE, fixes: [], source: 'hpclint' };
}

function value(hover: Hover | null): string {
  assert.ok(hover);
  return (hover.contents as MarkupContent).value;
}

test('findings are ordered by severity, each in one block with title, why, how and the shipped rule page', () => {
  const text = value(findingsHover([finding('HPC-SEC-008', 'info'), finding('HPC-PORT-001', 'warning'), finding('HPC-DEF-005', 'error')], AT, null));
  const blocks = text.split('\n\n---\n\n');
  assert.deepEqual(
    blocks.map((block) => block.match(/^\*\*(HPC-[A-Z]+-\d+)\*\*/)?.[1]),
    ['HPC-DEF-005', 'HPC-PORT-001', 'HPC-SEC-008'],
  );
  const meta = ruleByCodeOrName('HPC-PORT-001', allRules)!.meta;
  const page = pathToFileURL(join(ROOT, 'docs', 'rules', 'HPC-PORT-001.md')).toString();
  assert.equal(
    blocks[1],
    [
      `**HPC-PORT-001** \`${meta.name}\` (warning) — ${meta.docs.summary}`,
      `**Why it bites on HPC systems:** ${leadSentence(meta.docs.whyHpc, MAX_EXCERPT).text}`,
      `**How to fix:** ${leadSentence(meta.docs.howToFix, MAX_EXCERPT).text}`,
      `More: [HPC-PORT-001 rule page](${page})`,
    ].join('  \n'),
  );
  assert.ok(!text.includes('message of'), 'the editor shows the message above the hover; the hover does not repeat it');
});

test('a site finding names the site and the fact it used', () => {
  const site = { ...finding('HPC-PORT-001', 'error'), site: { name: 'campus', fact: 'partition cpu: x86-64-v3', source: 'https://campus.example/hw' } };
  assert.match(value(findingsHover([site], AT, null)), /\n\*\*Site:\*\* campus — partition cpu: x86-64-v3 \(source: https:\/\/campus\.example\/hw\) {2}\n/);
});

test('beyond the first blocks, further findings get one line each, and the whole hover stays bounded', () => {
  const many = allRules.slice(0, 12).map(({ meta }) => finding(meta.code, 'warning'));
  const text = value(findingsHover(many, AT, null));
  const blocks = text.split('\n\n---\n\n');
  assert.equal(blocks.length, MAX_FULL_BLOCKS + 1);
  const also = blocks[MAX_FULL_BLOCKS].split('\n').filter((line) => line.startsWith('- **'));
  assert.equal(also.length, 12 - MAX_FULL_BLOCKS);
  assert.ok(text.length < 6000, `hover of ${text.length} characters`);
});

test('every rule gives a block of bounded size whose code spans stay closed', () => {
  for (const { meta } of allRules) {
    const text = value(findingsHover([finding(meta.code, meta.severity)], AT, null));
    assert.ok(text.length <= 2 * MAX_EXCERPT + meta.docs.summary.length + 400, `${meta.code}: ${text.length} characters`);
    for (const line of text.split('\n')) {
      assert.equal((line.match(/`/g) ?? []).length % 2, 0, `${meta.code}: unbalanced code span in ${line}`);
    }
  }
});

test('no finding at the position: the language hover alone; with findings it follows them', () => {
  const languageHover: Hover = { contents: { kind: 'markdown', value: 'RUN docs' } };
  assert.equal(findingsHover([finding('HPC-PORT-001', 'warning')], { line: 5, character: 0 }, languageHover), languageHover);
  assert.match(value(findingsHover([finding('HPC-PORT-001', 'warning')], AT, languageHover)), /\n\n---\n\nRUN docs$/);
});

test('lead sentences skip abbreviations, never split code spans, and cut long sentences at a word', () => {
  assert.deepEqual(leadSentence('Use a tag, e.g. `v1.2`. Then rebuild.', 100), { text: 'Use a tag, e.g. `v1.2`.', truncated: true });
  assert.deepEqual(leadSentence('Run `a. b` now.', 100), { text: 'Run `a. b` now.', truncated: false });
  assert.deepEqual(leadSentence('one two `three four five` six', 12), { text: 'one two …', truncated: true });
});

test("a finding's own fix hint replaces the rule page's general one", () => {
  const own = { ...finding('HPC-SEC-001', 'hint'), howToFix: 'Pin it by digest: `FROM python:3.12@sha256:<digest>`.' };
  assert.match(value(findingsHover([own], AT, null)), /\n\*\*How to fix:\*\* Pin it by digest: `FROM python:3\.12@sha256:<digest>`\. {2}\n/);
});

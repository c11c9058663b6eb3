// One Markdown page per rule, shared by `hpclint --explain`, docs/rules/<CODE>.md (rendered by the build) and SARIF.
import type { RuleExample, RuleMeta } from '../engine/rule';
import { severityPolicy } from './severityPolicy';

const FIX_LABEL: Record<RuleMeta['fix'], string> = {
  safe: 'safe fix (applied by Fix all / --fix)',
  unsafe: 'suggested fix (review before applying)',
  both: 'safe and suggested fixes',
  none: 'none',
};

const FORMAT_LABEL: Record<RuleExample['format'], string> = {
  dockerfile: 'Dockerfile',
  apptainer: 'Apptainer definition file',
};

/** A rule's page as written beside the rule, relative to the repository root (committed, so repository links resolve). */
export function ruleSourcePagePath(meta: Pick<RuleMeta, 'category' | 'name'>): string {
  return `server/src/rules/${meta.category}/${meta.name}.md`;
}

/** The rule's documentation as Markdown: title, summary, facts, what/why/how, examples, references. */
export function renderRuleDoc(meta: RuleMeta): string {
  const { docs } = meta;
  const out: string[] = [
    `# ${meta.code} ${meta.name}`,
    '',
    docs.summary,
    '',
    '| Category | Default severity | Applies to | Fix |',
    '|---|---|---|---|',
    `| ${meta.category} | ${meta.severity} | ${meta.formats.map((f) => FORMAT_LABEL[f]).join(', ')} | ${FIX_LABEL[meta.fix]} |`,
    '',
    `Severity policy: ${severityPolicy()} A finding may be reported at another level than the default when the page says so.`,
    '',
    '## What it does',
    '',
    docs.whatItDoes,
    '',
    '## Why is this bad on HPC?',
    '',
    docs.whyHpc,
    '',
    '## How to fix',
    '',
    docs.howToFix,
    '',
  ];
  if (docs.bad.length > 0 || docs.good.length > 0) {
    out.push('## Examples', '');
    for (const example of docs.bad) {
      out.push('Problem:', '', ...codeBlock(example));
    }
    for (const example of docs.good) {
      out.push('Fixed:', '', ...codeBlock(example));
    }
  }
  if (docs.exceptions) {
    out.push('## When not to use it', '', docs.exceptions, '');
  }
  if (docs.references.length > 0) {
    out.push('## References', '', ...docs.references.map((reference) => `- ${reference}`), '');
  }
  out.push(
    '## Configuration',
    '',
    `Turn the rule off or change its severity in \`.hpclint.yaml\` (\`rules: { ${meta.code}: off }\`), ` +
      `with \`--rule ${meta.code}=off\`, or for one instruction with \`# hpclint ignore=${meta.code}\`.`,
    '',
  );
  return out.join('\n');
}

function codeBlock(example: RuleExample): string[] {
  const fence = example.code.includes('```') ? '~~~~' : '```';
  const body = example.code.endsWith('\n') ? example.code.slice(0, -1) : example.code;
  const block = [`${fence}${example.format}`, body, fence, ''];
  if (example.settings === undefined) {
    return block;
  }
  const settings = Object.entries(example.settings)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(', ');
  return [`With \`.hpclint.yaml\` settings \`${settings}\`:`, '', ...block];
}

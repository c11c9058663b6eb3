// Hover: one compact block per finding under the cursor (worst first), then the language's own hover.
// The editor already prints the finding's message above the hover, so a block adds what the message
// lacks: the rule's title, the first sentence of why it bites on HPC systems and of how to fix it, and a
// link to the rule's page for the rest.
import { MarkupKind, type Hover, type MarkupContent, type Position, type Range } from 'vscode-languageserver';
import type { Severity, SiteFact } from '../../engine/rule';
import type { HpcDiagnostic } from '../../engine/types';
import { ruleDocUrl } from '../../docs/links';
import { ruleDocHref, ruleMeta } from './documentation';
import { leadSentence } from './leadSentence';

/** Findings explained in full; any further ones get one line each. */
export const MAX_FULL_BLOCKS = 3;
/** Longest "why" or "how" excerpt in a block, in characters. */
export const MAX_EXCERPT = 240;

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

function containsPosition(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

function byWorstFirst(a: HpcDiagnostic, b: HpcDiagnostic): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    a.code.localeCompare(b.code)
  );
}

/** Where the rule's full page is: the shipped docs when they are there (offline), else the published page. */
function rulePageLink(code: string): string {
  const href = ruleDocHref(code) ?? ruleDocUrl(code);
  return href ? `[${code} rule page](${href})` : '';
}

/** The compact block for one finding: title line, site fact, why, how, link. */
export function explainFinding(finding: HpcDiagnostic): string {
  const meta = finding.source === 'hpclint' ? ruleMeta(finding.code) : undefined;
  if (!meta) {
    return `**${finding.code}** (${finding.severity})`;
  }
  const why = leadSentence(meta.docs.whyHpc, MAX_EXCERPT);
  const how = leadSentence(finding.howToFix ?? meta.docs.howToFix, MAX_EXCERPT);
  const link = rulePageLink(meta.code);
  const lines = [
    `**${meta.code}** \`${meta.name}\` (${finding.severity}) — ${meta.docs.summary}`,
    ...(finding.site ? [siteLine(finding.site)] : []),
    `**Why it bites on HPC systems:** ${why.text}`,
    `**How to fix:** ${how.text}`,
    ...(link ? [`More: ${link}`] : []),
  ];
  return lines.join('  \n');
}

/** Which site profile decided the finding, the fact it used, and where the fact comes from. */
function siteLine(site: SiteFact): string {
  return `**Site:** ${site.name} — ${site.fact}${site.source ? ` (source: ${site.source})` : ''}`;
}

function oneLine(finding: HpcDiagnostic): string {
  const meta = ruleMeta(finding.code);
  const link = rulePageLink(finding.code);
  return `- **${finding.code}** (${finding.severity})${meta ? ` — ${meta.docs.summary}` : ''}${link ? ` ${link}` : ''}`;
}

/** Hover for the findings at `position`, followed by `languageHover` (dockerfile-language-service or ours). */
export function findingsHover(findings: readonly HpcDiagnostic[], position: Position, languageHover: Hover | null): Hover | null {
  const here = findings.filter((finding) => finding.source === 'hpclint' && containsPosition(finding.range, position)).sort(byWorstFirst);
  if (here.length === 0) {
    return languageHover;
  }
  const blocks = [...new Set(here.map(explainFinding))];
  const sections = blocks.slice(0, MAX_FULL_BLOCKS);
  if (blocks.length > MAX_FULL_BLOCKS) {
    const shown = new Set(sections);
    const rest = here.filter((finding) => !shown.has(explainFinding(finding)));
    sections.push(`Also here:\n\n${[...new Set(rest.map(oneLine))].join('\n')}`);
  }
  const extra = languageHover ? hoverText(languageHover) : '';
  if (extra.length > 0) {
    sections.push(extra);
  }
  const hover: Hover = { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
  hover.range = here[0].range;
  return hover;
}

function hoverText(hover: Hover): string {
  const contents = hover.contents;
  if (typeof contents === 'string') {
    return contents;
  }
  if (Array.isArray(contents)) {
    return contents.map((part) => (typeof part === 'string' ? part : `\`\`\`${part.language}\n${part.value}\n\`\`\``)).join('\n\n');
  }
  if ('kind' in contents) {
    return (contents as MarkupContent).value;
  }
  return `\`\`\`${contents.language}\n${contents.value}\n\`\`\``;
}

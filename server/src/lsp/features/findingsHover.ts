// Hover: the explanation of every finding under the cursor, then the language's own hover.
import { MarkupKind, type Hover, type MarkupContent, type Position, type Range } from 'vscode-languageserver';
import type { SiteFact } from '../../engine/rule';
import type { HpcDiagnostic } from '../../engine/types';
import { ruleMeta } from './documentation';

function containsPosition(range: Range, position: Position): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** Markdown explaining one finding: rule, message, why it bites on HPC systems, how to fix, references. */
export function explainFinding(finding: HpcDiagnostic): string {
  const meta = finding.source === 'hpclint' ? ruleMeta(finding.code) : undefined;
  if (!meta) {
    return `**${finding.code}** — ${finding.message}`;
  }
  const parts = [
    `**${meta.code}** \`${meta.name}\` — ${meta.docs.summary}`,
    finding.message,
    ...(finding.site ? [siteLine(finding.site)] : []),
    `**Why it bites on HPC systems:** ${meta.docs.whyHpc}`,
    `**How to fix:** ${meta.docs.howToFix}`,
  ];
  if (meta.docs.references.length > 0) {
    parts.push(`**References:**\n${meta.docs.references.map((reference) => `- ${reference}`).join('\n')}`);
  }
  return parts.join('\n\n');
}

/** Which site profile decided the finding, the fact it used, and where the fact comes from. */
function siteLine(site: SiteFact): string {
  return `**Site:** ${site.name} — ${site.fact}${site.source ? ` (source: ${site.source})` : ''}`;
}

/** Hover for the findings at `position`, followed by `languageHover` (dockerfile-language-service or ours). */
export function findingsHover(findings: readonly HpcDiagnostic[], position: Position, languageHover: Hover | null): Hover | null {
  const here = findings.filter((finding) => finding.source === 'hpclint' && containsPosition(finding.range, position));
  if (here.length === 0) {
    return languageHover;
  }
  const sections = here.map(explainFinding);
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

// Checkstyle XML (`<checkstyle><file><error/>`), read by Jenkins' Warnings plugin, reviewdog, Gerrit and others.
import type { Severity } from '../../engine/rule';
import type { FileReport, ToolInfo } from '../formatters';
import { XML_DECLARATION, attributes } from './xml';

const CHECKSTYLE_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'info' };

export function formatCheckstyle(files: readonly FileReport[], tool: ToolInfo): string {
  const out = [XML_DECLARATION, `<checkstyle${attributes({ version: '4.3' })}>`];
  for (const file of files) {
    if (file.diagnostics.length === 0) {
      out.push(`  <file${attributes({ name: file.path })}/>`);
      continue;
    }
    out.push(`  <file${attributes({ name: file.path })}>`);
    for (const d of file.diagnostics) {
      out.push(
        `    <error${attributes({
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: CHECKSTYLE_SEVERITY[d.severity],
          message: `${d.message} (${d.code})`,
          source: `${tool.name}.${d.code}`,
        })}/>`,
      );
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}

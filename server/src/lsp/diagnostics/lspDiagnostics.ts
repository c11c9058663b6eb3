// HpcDiagnostic → LSP Diagnostic, and back to what code actions need (`data`).
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Fix, Severity } from '../../engine/rule';
import type { HpcDiagnostic } from '../../engine/types';
import { ruleDocHref } from '../features/documentation';

/** What code actions need from a diagnostic: its code, and the fixes of the finding it shows. */
export interface DiagnosticData {
  code: string;
  fixes: Fix[];
}

/**
 * What hpclint's own published diagnostics carry in `data`: their code only. Their fixes stay on the server
 * with the document's result (code actions take them from there), so a keystroke does not serialise every fix
 * of the recipe (about half of a 4,000-line Dockerfile's publish) for the client to parse and keep. Slower
 * sources the server does not keep (ShellCheck) send their fixes along.
 */
export type PublishedData = Pick<DiagnosticData, 'code'> & Partial<DiagnosticData>;

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(finding: HpcDiagnostic, { withFixes = false }: { withFixes?: boolean } = {}): Diagnostic {
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: SEVERITIES[finding.severity],
    code: finding.code,
    source: finding.source,
    message: finding.message,
  };
  const related = (finding.related ?? []).filter((location) => isAbsolute(location.path));
  if (related.length > 0) {
    diagnostic.relatedInformation = related.map((location) => ({
      location: { uri: pathToFileURL(location.path).href, range: location.range },
      message: location.message,
    }));
  }
  const href = ruleDocHref(finding.code);
  if (href !== undefined) {
    diagnostic.codeDescription = { href };
  }
  const data: PublishedData = withFixes ? { code: finding.code, fixes: finding.fixes } : { code: finding.code };
  diagnostic.data = data;
  return diagnostic;
}

export function diagnosticData(diagnostic: Diagnostic): DiagnosticData | undefined {
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  if (data && typeof data.code === 'string') {
    return { code: data.code, fixes: Array.isArray(data.fixes) ? data.fixes : [] };
  }
  if (typeof diagnostic.code === 'string' && (diagnostic.source === 'hpclint' || diagnostic.source === 'dockerfile-utils' || diagnostic.source === 'shellcheck')) {
    return { code: diagnostic.code, fixes: [] };
  }
  return undefined;
}

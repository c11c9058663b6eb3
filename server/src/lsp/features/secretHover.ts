// dockerfile-language-service's hover on a variable (its definition or a `$USE`) shows the variable's
// value. For a variable hpclint reported as a secret (HPC-SEC-005) that hover would print the token, so
// it is dropped; hpclint's own explanation names the variable only.
import type { Hover, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { HpcDiagnostic } from '../../engine/types';

const SECRET_CODE = 'HPC-SEC-005';

/** The language hover, or null when the word under the cursor is a variable reported as a secret. */
export function withoutSecretValues(hover: Hover | null, findings: readonly HpcDiagnostic[], document: TextDocument, position: Position): Hover | null {
  if (!hover || !findings.some((finding) => finding.code === SECRET_CODE)) {
    return hover;
  }
  const names = new Set(findings.filter((finding) => finding.code === SECRET_CODE).map((finding) => document.getText(finding.range).trim()));
  return names.has(wordAt(document, position)) ? null : hover;
}

function wordAt(document: TextDocument, position: Position): string {
  const line = document.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  let start = Math.min(position.character, line.length);
  let end = start;
  while (start > 0 && /\w/.test(line[start - 1])) {
    start--;
  }
  while (end < line.length && /\w/.test(line[end])) {
    end++;
  }
  return line.slice(start, end);
}

// Code actions: rule fixes, ignore pragmas, rule documentation, fix-all, dockerfile-language-service fixes.
import { ValidationCode } from 'dockerfile-utils';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Position,
  type TextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { SKIPPED_CODE } from '../../engine/registry';
import type { HpcDiagnostic } from '../../engine/types';
import { sectionSpec } from '../../recipe/apptainer-spec';
import type { RecipeFormat } from '../../recipe/model';
import { splitShell } from '../../recipe/shell';
import { pragmaOnLine, writePragma } from '../../recipe/pragmas';
import { LineIndex } from '../../recipe/text';
import { statementStartAt, type StatementLines } from '../../service/statements';
import { diagnosticData, toLspDiagnostic, type DiagnosticData } from '../diagnostics/lspDiagnostics';
import { lineBreakOf } from '../../engine/lineBreaks';
import { FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND } from '../protocol';
import type { DockerfileFeatures } from './dockerfileFeatures';

/** Dockerfile parser directives (`# syntax=…`, `# escape=…`, `# check=…`) must stay first. */
const PARSER_DIRECTIVE = /^#\s*[A-Za-z][A-Za-z0-9_-]*\s*=/;

export interface CodeActionContextData {
  document: TextDocument;
  format: RecipeFormat;
  /** Statement extents of the document's current version (from its lint); undefined when unknown. */
  statements: StatementLines | undefined;
  dockerfile: DockerfileFeatures;
  /** The text after every safe fix (computed by the caller when `wantsFixAll`). */
  fixedText?: string;
  /**
   * The findings of the document's current version: their fixes serve clients that do not echo `diagnostic.data`
   * and requests that carry no diagnostics.
   */
  findings?: readonly HpcDiagnostic[];
}

function wants(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function eol(document: TextDocument): string {
  return lineBreakOf(document.getText());
}

export function computeCodeActions(params: CodeActionParams, context: CodeActionContextData): CodeAction[] {
  const only = params.context.only;
  const actions: CodeAction[] = [];
  if (wants(only, CodeActionKind.QuickFix)) {
    const ignoredInFile = new Set<string>();
    for (const diagnostic of requestedDiagnostics(params, context.findings)) {
      const data = withCurrentFixes(diagnosticData(diagnostic), diagnostic, context.findings);
      if (!data || data.code === SKIPPED_CODE) {
        continue;
      }
      actions.push(...fixActions(context.document, diagnostic, data));
      const lineAction = ignoreLineAction(context, diagnostic, data.code);
      if (lineAction) {
        actions.push(lineAction);
      }
      if (!ignoredInFile.has(data.code)) {
        ignoredInFile.add(data.code);
        actions.push(ignoreFileAction(context, diagnostic, data.code));
        if (/^HPC-[A-Z]+-\d+$/.test(data.code)) {
          actions.push({
            title: `Show documentation for ${data.code}`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [diagnostic],
            command: { title: `Show documentation for ${data.code}`, command: SHOW_DOCUMENTATION_COMMAND, arguments: [data.code] },
          });
        }
      }
    }
    if (context.format === 'dockerfile') {
      actions.push(...dockerfileServiceActions(params, context));
    }
  }
  if (wantsFixAll(only) && context.fixedText !== undefined) {
    const fixAllAction = fixAllActionFor(context.document, context.fixedText);
    if (fixAllAction) {
      actions.push(fixAllAction);
    }
  }
  return actions;
}

/** Fix-all runs the engine repeatedly: only when the client asks for source actions explicitly. */
export function wantsFixAll(only: readonly string[] | undefined): boolean {
  return only !== undefined && wants(only, FIX_ALL_KIND);
}

/**
 * The diagnostics the client sent, or, when it sent none (a cursor request from a client that does not pass the
 * diagnostics at the cursor), the document's current findings that touch the requested range.
 */
function requestedDiagnostics(params: CodeActionParams, findings: readonly HpcDiagnostic[] | undefined): Diagnostic[] {
  if (params.context.diagnostics.length > 0 || !findings) {
    return params.context.diagnostics;
  }
  const { start, end } = params.range;
  const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);
  return findings.filter((finding) => !before(finding.range.end, start) && !before(end, finding.range.start)).map((finding) => toLspDiagnostic(finding));
}

/**
 * The fixes of the document's current finding with the diagnostic's code, range and message (published
 * diagnostics carry no fixes, see `PublishedData`); fixes the diagnostic brought along when no current
 * finding matches.
 */
function withCurrentFixes(
  data: DiagnosticData | undefined,
  diagnostic: Diagnostic,
  findings: readonly HpcDiagnostic[] | undefined,
): DiagnosticData | undefined {
  if (!data || !findings) {
    return data;
  }
  const { start, end } = diagnostic.range;
  const same = findings.find(
    (finding) =>
      finding.code === data.code &&
      finding.message === diagnostic.message &&
      finding.range.start.line === start.line &&
      finding.range.start.character === start.character &&
      finding.range.end.line === end.line &&
      finding.range.end.character === end.character,
  );
  return same ? { code: data.code, fixes: same.fixes } : data;
}

function fixActions(document: TextDocument, diagnostic: Diagnostic, data: DiagnosticData): CodeAction[] {
  let preferredGiven = false;
  return data.fixes
    .filter((fix) => fix.edits.length > 0)
    .map((fix) => {
      const isPreferred = fix.safe && !preferredGiven;
      preferredGiven ||= isPreferred;
      return {
        title: fix.safe ? fix.title : `${fix.title} (${data.code})`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred,
        edit: { changes: { [document.uri]: fix.edits } },
      };
    });
}

/** First line of the instruction (Dockerfile) or logical shell line / header line (definition file) at `line`. */
function statementStartLine(context: CodeActionContextData, line: number): number {
  if (context.statements !== undefined) {
    return statementStartAt(context.statements, line) ?? line;
  }
  // No lint result for this version yet: climb over backslash continuations.
  let start = line;
  while (start > 0 && /\\\s*$/.test(lineText(context.document, start - 1))) {
    start--;
  }
  return start;
}

/** Lines of the Dockerfile's parser directives: a comment above one would turn it into a plain comment. */
function onParserDirective(context: CodeActionContextData, line: number): boolean {
  if (context.format !== 'dockerfile') {
    return false;
  }
  for (let current = 0; current <= line; current++) {
    if (!PARSER_DIRECTIVE.test(lineText(context.document, current))) {
      return false;
    }
  }
  return true;
}

/**
 * "Ignore CODE for this line": a pragma above the statement. Not offered where no pragma can work: on a
 * Dockerfile parser directive (a comment above it would end the directives), and on a definition-file section
 * or stage start whose line above belongs to help text, a heredoc or a string (the comment would not be one).
 */
function ignoreLineAction(context: CodeActionContextData, diagnostic: Diagnostic, code: string): CodeAction | undefined {
  const { document } = context;
  if (onParserDirective(context, diagnostic.range.start.line)) {
    return undefined;
  }
  const target = statementStartLine(context, diagnostic.range.start.line);
  const found = target > 0 ? pragmaOnLine(lineText(document, target - 1)) : undefined;
  const previous = found?.global === false ? found : undefined;
  let edit: TextEdit;
  if (previous && !previous.codes.includes(code)) {
    const end = previous.codesEnd;
    edit = { range: { start: { line: target - 1, character: end }, end: { line: target - 1, character: end } }, newText: `,${code}` };
  } else if (previous || commentIsReadAt(context, target)) {
    const indentation = /^\s*/.exec(lineText(document, target))?.[0] ?? '';
    edit = {
      range: { start: { line: target, character: 0 }, end: { line: target, character: 0 } },
      newText: `${indentation}${writePragma([code])}${eol(document)}`,
    };
  } else {
    return undefined;
  }
  return {
    title: `Ignore ${code} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [edit] } },
  };
}

const SECTION_START = /^\s*%([A-Za-z]+)/;
const STAGE_START = /^bootstrap:/i;

/**
 * Whether a comment line inserted above `line` is read as a comment. Only a definition-file section or stage
 * start can fail: the inserted line ends the previous section, which may be help text or end inside a
 * heredoc or string.
 */
function commentIsReadAt(context: CodeActionContextData, line: number): boolean {
  const { document } = context;
  if (context.format !== 'apptainer' || !(SECTION_START.test(lineText(document, line)) || STAGE_START.test(lineText(document, line)))) {
    return true;
  }
  let header = line - 1;
  while (header >= 0 && !SECTION_START.test(lineText(document, header))) {
    if (STAGE_START.test(lineText(document, header))) {
      return true;
    }
    header--;
  }
  if (header < 0) {
    return true;
  }
  const kind = sectionSpec(SECTION_START.exec(lineText(document, header))![1])?.kind;
  if (kind === 'files' || kind === 'labels' || kind === 'arguments') {
    return true;
  }
  if (kind !== 'script' && kind !== 'environment') {
    return false;
  }
  const probe = '# hpclint';
  const body = document.getText({ start: { line: header + 1, character: 0 }, end: { line, character: 0 } }) + probe;
  const index = new LineIndex(body);
  const probeLine = index.lineCount - 1;
  return splitShell(body, 0, body.length, index).comments.some(
    (comment) => comment.range.start.line === probeLine && comment.range.start.character === 0,
  );
}

function ignoreFileAction(context: CodeActionContextData, diagnostic: Diagnostic, code: string): CodeAction {
  const { document } = context;
  let line = 0;
  if (context.format === 'dockerfile') {
    while (line < document.lineCount && PARSER_DIRECTIVE.test(lineText(document, line))) {
      line++;
    }
  }
  let edit: TextEdit | undefined;
  for (let current = line; current < document.lineCount; current++) {
    const text = lineText(document, current);
    const existing = pragmaOnLine(text);
    if (existing?.global) {
      const end = existing.codesEnd;
      edit = { range: { start: { line: current, character: end }, end: { line: current, character: end } }, newText: `,${code}` };
      break;
    }
    if (text.trim().length > 0 && !text.trim().startsWith('#')) {
      break;
    }
  }
  // Right below parser directives, a blank line keeps the pragma from being read as one more directive
  // (dockerfile-ast treats every `# word…=value` line there as a directive).
  const separator = line > 0 && lineText(document, line).trim().length > 0 ? eol(document) : '';
  edit ??= {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${separator}${writePragma([code], { global: true })}${eol(document)}`,
  };
  return {
    title: `Ignore ${code} in this file`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [edit] } },
  };
}

/** dockerfile-language-service's quick fixes for dockerfile-utils findings, turned from Commands into edits. */
function dockerfileServiceActions(params: CodeActionParams, context: CodeActionContextData): CodeAction[] {
  const byNumericCode: Diagnostic[] = [];
  const originals: Diagnostic[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== 'dockerfile-utils') {
      continue;
    }
    const code = diagnosticData(diagnostic)?.code ?? String(diagnostic.code ?? '');
    const name = code.slice(code.indexOf('/') + 1);
    const numeric = (ValidationCode as unknown as Record<string, number | undefined>)[name];
    if (typeof numeric === 'number') {
      byNumericCode.push({ ...diagnostic, code: numeric });
      originals.push(diagnostic);
    }
  }
  if (byNumericCode.length === 0) {
    return [];
  }
  const content = context.document.getText();
  const service = context.dockerfile.service;
  const commands = service.computeCodeActions(params.textDocument, params.range, {
    diagnostics: byNumericCode as Parameters<typeof service.computeCodeActions>[2]['diagnostics'],
  });
  const actions: CodeAction[] = [];
  for (const command of commands) {
    const edits = service.computeCommandEdits(content, command.command, command.arguments ?? []);
    if (edits.length === 0) {
      continue;
    }
    const range = (command.arguments?.[1] ?? undefined) as Diagnostic['range'] | undefined;
    const related = originals.filter((diagnostic) => !range || sameRange(diagnostic.range, range));
    actions.push({
      title: command.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: related,
      edit: { changes: { [context.document.uri]: edits } },
    });
  }
  return actions;
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return (
    a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character
  );
}

/** `source.fixAll.hpclint`: every safe fix, as one minimal edit. Undefined when nothing changes. */
function fixAllActionFor(document: TextDocument, fixedText: string): CodeAction | undefined {
  const text = document.getText();
  if (fixedText === text) {
    return undefined;
  }
  return {
    title: 'Fix all safe hpclint problems',
    kind: FIX_ALL_KIND,
    edit: { changes: { [document.uri]: [minimalEdit(document, text, fixedText)] } },
  };
}

/** One edit replacing only the part between the common prefix and suffix of the two texts. */
export function minimalEdit(document: TextDocument, before: string, after: string): TextEdit {
  let prefix = 0;
  const shortest = Math.min(before.length, after.length);
  while (prefix < shortest && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix++;
  }
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  return {
    range: { start: document.positionAt(prefix), end: document.positionAt(before.length - suffix) },
    newText: after.slice(prefix, after.length - suffix),
  };
}

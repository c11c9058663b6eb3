// Command "hpclint: Convert Dockerfile to Apptainer definition": the server converts, the client writes
// the file next to the Dockerfile (asking before overwriting), opens it and shows the transcoding notes
// (HPC-BUILD-002) in the "hpclint-convert" diagnostic collection. The notes are also written into the
// file as `# hpclint-convert:` comments, so they survive; the diagnostics are cleared on the first edit
// or when the file is closed, because their line numbers are only right for the text as generated.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CONVERT_COMMAND,
  CONVERT_DOCKERFILE_REQUEST,
  type ConvertDockerfileParams,
  type ConvertDockerfileResult,
} from '../../server/src/lsp/protocol';
import type { ConversionNote } from '../../server/src/convert/dockerfileToDefinition';

export function registerConvertCommand(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('hpclint-convert');
  context.subscriptions.push(
    diagnostics,
    vscode.commands.registerCommand(CONVERT_COMMAND, async (resource?: unknown) => {
      try {
        await convert(resource instanceof vscode.Uri ? resource : undefined, getClient(), diagnostics);
      } catch (error) {
        void vscode.window.showErrorMessage(`hpclint: conversion failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0 && diagnostics.has(event.document.uri)) {
        diagnostics.delete(event.document.uri);
      }
    }),
    vscode.workspace.onDidCloseTextDocument((document) => diagnostics.delete(document.uri)),
  );
}

async function convert(resource: vscode.Uri | undefined, client: LanguageClient | undefined, diagnostics: vscode.DiagnosticCollection): Promise<void> {
  if (!client) {
    void vscode.window.showErrorMessage('hpclint: the language server is not running.');
    return;
  }
  const document = resource ? await vscode.workspace.openTextDocument(resource) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showErrorMessage('hpclint: open a Dockerfile to convert it.');
    return;
  }
  const params: ConvertDockerfileParams = { uri: document.uri.toString(), text: document.getText() };
  const result = await client.sendRequest<ConvertDockerfileResult>(CONVERT_DOCKERFILE_REQUEST, params);
  if ('error' in result) {
    void vscode.window.showErrorMessage(`hpclint: cannot convert ${document.fileName}: ${result.error}`);
    return;
  }
  const target = await targetUri(document.uri, result.fileName);
  if (!target) {
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  const opened = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(opened, { preview: false });
  diagnostics.set(target, result.notes.map(toDiagnostic));
  const warnings = result.notes.filter((note) => note.severity === 'warning').length;
  void vscode.window.showInformationMessage(
    `hpclint: wrote ${vscode.workspace.asRelativePath(target)} with ${result.notes.length} transcoding note(s)${warnings ? `, ${warnings} warning(s)` : ''}.`,
  );
}

/** The file next to the Dockerfile (or a Save dialog for untitled documents); asks before overwriting. */
async function targetUri(source: vscode.Uri, fileName: string): Promise<vscode.Uri | undefined> {
  if (source.scheme === 'untitled') {
    return vscode.window.showSaveDialog({ saveLabel: 'Write definition file', filters: { 'Apptainer definition': ['def'] } });
  }
  const target = vscode.Uri.joinPath(source, '..', fileName);
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (!exists) {
    return target;
  }
  const overwrite = 'Overwrite';
  const choice = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} already exists. Overwrite it?`, { modal: true }, overwrite);
  return choice === overwrite ? target : undefined;
}

function toDiagnostic(note: ConversionNote): vscode.Diagnostic {
  const range = new vscode.Range(note.line, 0, note.line, Number.MAX_SAFE_INTEGER);
  const severity = note.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const diagnostic = new vscode.Diagnostic(range, note.message, severity);
  diagnostic.code = note.code;
  diagnostic.source = 'hpclint-convert';
  return diagnostic;
}

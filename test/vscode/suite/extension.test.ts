/// <reference types="mocha" />
// Runs inside desktop VS Code's extension host with hpclint loaded from the repository (dist/).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const workspaceRoot = (): vscode.Uri => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is not open');
  return folder.uri;
};

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), name));
  return vscode.window.showTextDocument(document);
}

/** Waits (on diagnostics change events) until the document's hpclint diagnostics satisfy `predicate`. */
async function diagnosticsWhen(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  const current = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hpclint');
  if (predicate(current())) {
    return current();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`diagnostics of ${uri.path} never matched; last: ${JSON.stringify(current().map(codeOf))}`));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString()) && predicate(current())) {
        clearTimeout(timer);
        listener.dispose();
        resolve(current());
      }
    });
  });
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

function rangeOf(document: vscode.TextDocument, needle: string): vscode.Range {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" is not in ${document.fileName}`);
  return new vscode.Range(document.positionAt(offset), document.positionAt(offset + needle.length));
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

async function apply(action: vscode.CodeAction | vscode.Command | undefined): Promise<void> {
  assert.ok(action && 'edit' in action && action.edit, `expected a code action with an edit, got ${JSON.stringify(action)}`);
  assert.ok(await vscode.workspace.applyEdit(action.edit), 'the workspace edit was rejected');
}

suite('hpclint in VS Code', () => {
  test('the Dockerfile reports HPC-PORT-001 on -march=native', async () => {
    const { document } = await open('Dockerfile');
    assert.equal(document.languageId, 'dockerfile');
    const diagnostics = await diagnosticsWhen(document.uri, (all) => all.some((d) => codeOf(d) === 'HPC-PORT-001'));
    const finding = diagnostics.find((d) => codeOf(d) === 'HPC-PORT-001');
    assert.ok(finding);
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual(finding.range, rangeOf(document, '-march=native'));
  });

  test('hovering the finding explains why it bites on HPC', async () => {
    const { document } = await open('Dockerfile');
    await diagnosticsWhen(document.uri, (all) => all.some((d) => codeOf(d) === 'HPC-PORT-001'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      rangeOf(document, '-march=native').start.translate(0, 3),
    );
    const text = hoverText(hovers);
    assert.match(text, /HPC-PORT-001/);
    assert.match(text, /Why it bites on HPC systems/);
  });

  test('the quick fix replaces -march=native and the finding goes away', async () => {
    const { document } = await open('Dockerfile');
    await diagnosticsWhen(document.uri, (all) => all.some((d) => codeOf(d) === 'HPC-PORT-001'));
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      rangeOf(document, '-march=native'),
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Ignore HPC-PORT-001 for this line'), titles.join(' | '));
    await apply(actions.find((action) => action.title.startsWith('Replace `-march=native`')));
    assert.match(document.getText(), /gcc -O3 -march=x86-64-v3 -o app app\.c/);
    await diagnosticsWhen(document.uri, (all) => !all.some((d) => codeOf(d) === 'HPC-PORT-001'));
  });

  test('the definition file is an apptainer document with HPC-DEF-005 on %enviroment', async () => {
    const { document } = await open('app.def');
    assert.equal(document.languageId, 'apptainer');
    const diagnostics = await diagnosticsWhen(document.uri, (all) => all.some((d) => codeOf(d) === 'HPC-DEF-005'));
    const finding = diagnostics.find((d) => codeOf(d) === 'HPC-DEF-005');
    assert.ok(finding);
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(finding.range.contains(rangeOf(document, '%enviroment').start));
  });

  test('source.fixAll corrects %enviroment to %environment', async () => {
    const { document } = await open('app.def');
    await diagnosticsWhen(document.uri, (all) => all.some((d) => codeOf(d) === 'HPC-DEF-005'));
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      new vscode.Range(0, 0, document.lineCount, 0),
      vscode.CodeActionKind.SourceFixAll.value,
    );
    await apply(actions.find((action) => 'kind' in action && action.kind?.value === 'source.fixAll.hpclint'));
    assert.match(document.getText(), /^%environment$/m);
    await diagnosticsWhen(document.uri, (all) => !all.some((d) => codeOf(d) === 'HPC-DEF-005'));
  });
});

// The definition-file formatter on every corpus definition file: formatting twice gives the same text as
// formatting once (and yields no edits), the edits produce the formatted text, and the recipe model (stages, headers, sections, every shell command's words, heredoc
// bodies, comments, parse problems) is the same before and after.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatDefinitionText, formatEdits } from '../../../server/src/lsp/features/apptainerFormat';
import { parseDefinitionFile } from '../../../server/src/recipe/apptainer';
import { detectFormat } from '../../../server/src/recipe/parse';
import { modelSignature } from './formatSignature';

const CORPUS = resolve(__dirname, '..', '..', '..', '../shared/corpus');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

for (const options of [
  { tabSize: 4, insertSpaces: true },
  { tabSize: 8, insertSpaces: false },
]) {
  test(`formatting every corpus definition file is idempotent and keeps its parse (${options.insertSpaces ? 'spaces' : 'tabs'})`, (t) => {
    if (!existsSync(CORPUS)) {
      t.skip(`corpus not found at ${CORPUS}`);
      return;
    }
    const failures: string[] = [];
    let files = 0;
    let changed = 0;
    for (const file of ['dockerfile', 'singularity'].flatMap((dir) => listFiles(join(CORPUS, dir))).sort()) {
      const text = readFileSync(file, 'utf8');
      if (detectFormat(file, text) !== 'apptainer') {
        continue;
      }
      files++;
      const name = relative(CORPUS, file);
      const once = formatDefinitionText(text, parseDefinitionFile(text), options);
      const twice = formatDefinitionText(once, parseDefinitionFile(once), options);
      changed += once === text ? 0 : 1;
      if (twice !== once || formatEdits(once, parseDefinitionFile(once), options).length > 0) {
        failures.push(`${name}: formatting again changes the text`);
      }
      const edited = TextDocument.applyEdits(TextDocument.create('file:///x', 'apptainer', 1, text), formatEdits(text, parseDefinitionFile(text), options));
      if (edited !== once) {
        failures.push(`${name}: the edits do not produce the formatted text`);
      }
      if (modelSignature(parseDefinitionFile(once)) !== modelSignature(parseDefinitionFile(text))) {
        failures.push(`${name}: the parse differs after formatting`);
      }
    }
    t.diagnostic(`${files} definition files, ${changed} reformatted`);
    assert.ok(files > 600, `expected the corpus's definition files, found ${files}`);
    assert.deepEqual(failures, []);
  });
}

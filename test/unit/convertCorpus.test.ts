// Converts every Dockerfile of the shared corpus: no exception, and every output is a valid definition file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { convertDockerfile } from '../../server/src/convert/dockerfileToDefinition';
import { lint } from '../../server/src/engine/lint';
import { parseDefinitionFile } from '../../server/src/recipe/apptainer';
import { allRules } from '../../server/src/rules/index';

const repoRoot = resolve(__dirname, '..', '..');
const CORPUS = resolve(repoRoot, '../shared/corpus/dockerfile');

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

test('every corpus Dockerfile converts to a valid definition file', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const files = walk(CORPUS);
  const failures: string[] = [];
  let notes = 0;
  let warnings = 0;
  let stages = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!/^\s*FROM\s/im.test(text)) {
      continue;
    }
    let result;
    try {
      result = convertDockerfile(text);
    } catch (error) {
      failures.push(`${file}: threw ${String(error)}`);
      continue;
    }
    notes += result.notes.length;
    warnings += result.notes.filter((note) => note.severity === 'warning').length;
    const definition = parseDefinitionFile(result.text);
    stages += definition.stages.length;
    for (const problem of definition.diagnostics) {
      failures.push(`${file}: parse problem at line ${problem.range.start.line}: ${problem.message}`);
    }
    for (const diagnostic of lint(result.text, { rules: allRules, format: 'apptainer' }).diagnostics) {
      if ((diagnostic.code.startsWith('HPC-DEF') && diagnostic.severity === 'error') || diagnostic.code === 'hpclint/parse') {
        failures.push(`${file}: ${diagnostic.code} at line ${diagnostic.range.start.line}: ${diagnostic.message}`);
      }
    }
  }
  t.diagnostic(`converted ${files.length} files into ${stages} stages with ${notes} notes (${warnings} warnings); ${failures.length} failures`);
  assert.ok(files.length > 100, 'corpus unexpectedly small');
  assert.deepEqual(failures, []);
});

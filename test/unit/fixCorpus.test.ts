// Every fix hpclint offers (safe and unsafe), applied with the engine's applier to every corpus finding that offers
// one: the recipe still parses with no new syntax or HPC-DEF finding, the finding is gone, no new error or warning
// appears, and fix-all on the result settles (a second fix-all changes nothing). A fix that writes a placeholder
// leaves an HPC-MAINT-006 finding on it (the recipe cannot build until it is filled in) and no other new finding.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultConfig } from '../../server/src/engine/config';
import { applyFixes, fixAll, MAX_FIX_PASSES } from '../../server/src/engine/fixes';
import { lint } from '../../server/src/engine/lint';
import type { Fix } from '../../server/src/engine/rule';
import type { HpcDiagnostic } from '../../server/src/engine/types';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { detectFormat } from '../../server/src/recipe/parse';
import { TEST_TODAY } from './ruleRunner';
import { allRules } from '../../server/src/rules/index';

const CORPUS = resolve(__dirname, '..', '..', '../shared/corpus');
const config = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY } };

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

function counts(diagnostics: readonly HpcDiagnostic[], keep: (d: HpcDiagnostic) => boolean, key: (d: HpcDiagnostic) => string): Map<string, number> {
  const map = new Map<string, number>();
  for (const diagnostic of diagnostics) {
    if (keep(diagnostic)) {
      map.set(key(diagnostic), (map.get(key(diagnostic)) ?? 0) + 1);
    }
  }
  return map;
}

/** Keys whose count grew from `before` to `after`. */
function grown(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([key, count]) => count > (before.get(key) ?? 0)).map(([key]) => key);
}

const isSyntaxOrDef = (d: HpcDiagnostic): boolean => d.category === 'syntax' || d.code.startsWith('HPC-DEF-');
const isErrorOrWarning = (d: HpcDiagnostic): boolean => d.severity === 'error' || d.severity === 'warning';
const byCode = (d: HpcDiagnostic): string => d.code;
const byFinding = (d: HpcDiagnostic): string => `${d.code} ${d.message}`;
const PLACEHOLDER_CODE = 'HPC-MAINT-006';
/** Rules whose fixes only add metadata (provenance labels, `%labels`/`%help`, a licence label). */
const METADATA_FIXES = new Set(['HPC-SEC-008', 'HPC-LIC-006']);
const writesPlaceholder = (fix: Fix): boolean => fix.edits.some((edit) => /REPLACE_WITH_|<[a-z][a-z-]*>/.test(edit.newText));

/** fix-all on `text` must stop before its pass limit and leave no safe fix behind. */
function fixAllSettles(text: string, format: RecipeFormat, fileName: string): string | undefined {
  const first = fixAll(text, { rules: allRules, format, fileName, config });
  const again = fixAll(first.text, { rules: allRules, format, fileName, config });
  return again.applied === 0 ? undefined : `fix-all did not settle within ${MAX_FIX_PASSES} passes (a second run applied ${again.applied} more)`;
}

test('every fix on every corpus finding that offers one keeps the recipe valid and removes the finding', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const started = Date.now();
  const files = ['dockerfile', 'singularity'].flatMap((dir) => listFiles(join(CORPUS, dir))).sort();
  const failures: string[] = [];
  const applied = new Map<string, number>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const format = detectFormat(file, text) ?? 'dockerfile';
    const before = lint(text, { rules: allRules, format, fileName: file, config }).diagnostics;
    const fixable = before.flatMap((diagnostic) => diagnostic.fixes.filter((fix) => fix.edits.length > 0).map((fix) => ({ diagnostic, fix })));
    if (fixable.length === 0) {
      continue;
    }
    const name = relative(CORPUS, file);
    const syntaxBefore = counts(before, isSyntaxOrDef, byCode);
    const loudBefore = counts(before, isErrorOrWarning, byCode);
    const findingsBefore = counts(before, () => true, byFinding);
    const codesBefore = counts(before, () => true, byCode);
    const seen = new Set<string>();
    const fail = (diagnostic: HpcDiagnostic, fix: Fix, problem: string): void => {
      failures.push(`${name}:${diagnostic.range.start.line + 1} ${diagnostic.code} "${fix.title}" [${fix.safe ? 'safe' : 'unsafe'}]: ${problem}`);
    };
    for (const { diagnostic, fix } of fixable) {
      const identity = JSON.stringify([diagnostic.code, diagnostic.message, fix.edits]);
      if (seen.has(identity)) {
        continue;
      }
      seen.add(identity);
      const result = applyFixes(text, [fix]);
      if (result.applied !== 1 || result.text === text) {
        fail(diagnostic, fix, 'the fix changes nothing');
        continue;
      }
      applied.set(diagnostic.code, (applied.get(diagnostic.code) ?? 0) + 1);
      const after = lint(result.text, { rules: allRules, format, fileName: file, config }).diagnostics;
      const newSyntax = grown(syntaxBefore, counts(after, isSyntaxOrDef, byCode));
      if (newSyntax.length > 0) {
        fail(diagnostic, fix, `new syntax/definition findings: ${newSyntax.join(', ')}`);
      }
      const finding = byFinding(diagnostic);
      if ((counts(after, () => true, byFinding).get(finding) ?? 0) >= (findingsBefore.get(finding) ?? 0)) {
        fail(diagnostic, fix, 'the finding is still there');
      }
      // Repairing a recipe that could not build (a definition error) lets the other rules see it: their findings are not new problems.
      const repairsBuild = diagnostic.severity === 'error' && isSyntaxOrDef(diagnostic);
      const placeholder = writesPlaceholder(fix);
      const newLoud = repairsBuild ? [] : grown(loudBefore, counts(after, isErrorOrWarning, byCode)).filter((code) => !(placeholder && code === PLACEHOLDER_CODE));
      if (newLoud.length > 0) {
        fail(diagnostic, fix, `new error/warning findings: ${newLoud.join(', ')}`);
      }
      if (placeholder && !after.some((d) => d.code === PLACEHOLDER_CODE)) {
        fail(diagnostic, fix, `writes a placeholder but no ${PLACEHOLDER_CODE} finding marks it`);
      }
      if (METADATA_FIXES.has(diagnostic.code)) {
        // Labels and help text change nothing else, so no other rule may answer them, at any severity (the provenance
        // fix's `%help` once drew an HPC-BUILD-002 hint).
        const others = grown(codesBefore, counts(after, (d) => d.code !== diagnostic.code && d.code !== PLACEHOLDER_CODE, byCode));
        if (others.length > 0) {
          fail(diagnostic, fix, `new findings of other rules: ${others.join(', ')}`);
        }
      }
      if (after.some((d) => d.fixes.some((candidate) => candidate.safe && candidate.edits.length > 0))) {
        const settles = fixAllSettles(result.text, format, file);
        if (settles) {
          fail(diagnostic, fix, settles);
        }
      }
    }
    if (fixable.some(({ fix }) => fix.safe)) {
      const settles = fixAllSettles(text, format, file);
      if (settles) {
        failures.push(`${name}: ${settles}`);
      }
    }
  }
  const total = [...applied.values()].reduce((sum, count) => sum + count, 0);
  t.diagnostic(`${total} fixes applied over ${files.length} files in ${Date.now() - started} ms: ${[...applied].map(([code, count]) => `${code} ${count}`).join(', ')}`);
  assert.ok(total > 1000, 'unexpectedly few fixes on the corpus');
  assert.deepEqual(failures, []);
});

// One driver for every rule fixture: test/fixtures/rules/<rule-name>/*.Dockerfile|*.def with
// `# expect: CODE` / `# ok: CODE` / `# todo-expect: CODE` annotations, `.snap` snapshots (ruff style: each finding
// with its excerpt and every fix as a diff; none for a clean file) and `.fixed` / `.unsafe-fixed` files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Rule, RuleSettings } from '../../server/src/engine/rule';
import type { Recipe, RecipeFormat } from '../../server/src/recipe/model';
import { allRules } from '../../server/src/rules/index';
import { defaultConfig } from '../../server/src/engine/config';
import { fixAll } from '../../server/src/engine/fixes';
import { applyFixes, fixtureSettings, runRule, type RuleFinding } from './ruleRunner';
import { renderSnapshot } from './snapshot';

const FIXTURES = join(__dirname, '..', 'fixtures', 'rules');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const ANNOTATION = /^\s*#\s*(expect|ok|todo-expect)\s*:\s*([A-Z0-9, -]+?)\s*$/;

interface Annotation {
  kind: 'expect' | 'ok' | 'todo-expect';
  codes: string[];
  /** 0-based lines the annotation covers (the target instruction / code line). */
  lines: { start: number; end: number };
  line: number;
}

function formatOf(file: string): RecipeFormat | undefined {
  if (file.endsWith('.Dockerfile')) {
    return 'dockerfile';
  }
  if (file.endsWith('.def')) {
    return 'apptainer';
  }
  return undefined;
}

/** Line extent of the instruction (Dockerfile) or the code line with its `\` continuations (def) starting at `line`. */
function extentAt(recipe: Recipe, lines: string[], line: number): { start: number; end: number } {
  if (recipe.format === 'dockerfile') {
    const steps = [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)];
    const step = steps.find((candidate) => candidate.range.start.line === line);
    if (step) {
      return { start: line, end: step.range.end.line };
    }
  }
  let end = line;
  while (end + 1 < lines.length && /\\\s*$/.test(lines[end])) {
    end++;
  }
  return { start: line, end };
}

function annotations(recipe: Recipe, text: string): Annotation[] {
  const lines = text.split('\n');
  const found: Annotation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ANNOTATION.exec(lines[i]);
    if (!match) {
      continue;
    }
    let target = i + 1;
    while (target < lines.length && (lines[target].trim() === '' || lines[target].trim().startsWith('#'))) {
      target++;
    }
    found.push({
      kind: match[1] as Annotation['kind'],
      codes: match[2].split(',').map((code) => code.trim()).filter(Boolean),
      lines: extentAt(recipe, lines, target),
      line: i,
    });
  }
  return found;
}

function messages(findings: readonly RuleFinding[]): string[] {
  return findings.map((finding) => `${finding.range.start.line + 1}: ${finding.message}`);
}

function checkOrWrite(path: string, actual: string, what: string): void {
  if (UPDATE) {
    writeFileSync(path, actual);
    return;
  }
  assert.ok(existsSync(path), `${what} missing: ${path} (run with UPDATE_SNAPSHOTS=1)`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${what} differs: ${path}`);
}

/** A clean file has no snapshot: its test already asserts that nothing fires where it must not. */
function checkSnapshot(path: string, file: string, text: string, findings: Parameters<typeof renderSnapshot>[2]): void {
  if (findings.length > 0) {
    checkOrWrite(path, renderSnapshot(file, text, findings), 'snapshot');
  } else if (UPDATE && existsSync(path)) {
    unlinkSync(path);
  } else {
    assert.ok(!existsSync(path), `${path} exists but ${file} has no findings (run with UPDATE_SNAPSHOTS=1)`);
  }
}

function fixedPath(dir: string, file: string, kind: 'fixed' | 'unsafe-fixed'): string {
  const dot = file.lastIndexOf('.');
  return join(dir, `${file.slice(0, dot)}.${kind}${file.slice(dot)}`);
}

function checkFixes(
  rule: Rule,
  dir: string,
  file: string,
  format: RecipeFormat,
  text: string,
  recipe: Recipe,
  findings: RuleFinding[],
  safe: boolean,
  settings: RuleSettings,
): void {
  const path = fixedPath(dir, file, safe ? 'fixed' : 'unsafe-fixed');
  // Safe fixes: exactly what `--fix` writes with only this rule on (the engine's fix-all, pass after pass).
  const { text: fixed, applied } = safe
    ? fixAll(text, { rules: [rule], format, config: { ...defaultConfig(), settings, syntaxValidation: false } })
    : applyFixes(text, findings, safe);
  if (applied === 0) {
    assert.ok(!existsSync(path) || UPDATE, `${path} exists but the rule offers no ${safe ? 'safe' : 'unsafe'} fix`);
    return;
  }
  checkOrWrite(path, fixed, `${safe ? 'safe' : 'unsafe'} fix result`);
  const after = runRule(rule, fixed, format, settings);
  const fixedFindings = safe ? findings.filter((finding) => finding.fixes.some((fix) => fix.safe && fix.edits.length > 0)).length : applied;
  assert.ok(after.findings.length <= findings.length - fixedFindings, `${file}: the rule still fires where ${safe ? 'safe' : 'unsafe'} fixes were applied:\n${messages(after.findings).join('\n')}`);
  const before = new Set(recipe.diagnostics.map((problem) => problem.message));
  const newProblems = after.recipe.diagnostics.filter((problem) => !before.has(problem.message));
  assert.deepEqual(newProblems, [], `${file}: fixed text has new parse problems`);
  if (safe) {
    assert.equal(applyFixes(fixed, after.findings, true).applied, 0, `${file}: fix-all left a safe fix to apply`);
  } else {
    const again = applyFixes(fixed, after.findings, false);
    assert.equal(again.text, fixed, `${file}: applying the unsafe fixes again changes the text`);
  }
}

const ruleDirs = existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : [];

for (const ruleDir of ruleDirs) {
  const rule = allRules.find((candidate) => candidate.meta.name === ruleDir);
  const dir = join(FIXTURES, ruleDir);
  const files = readdirSync(dir)
    .filter((file) => formatOf(file) !== undefined && !/\.(unsafe-)?fixed\.[^.]+$/.test(file))
    .sort();

  test(`rule fixtures: ${ruleDir}`, async (t) => {
    assert.ok(rule, `no registered rule named ${ruleDir}`);
    for (const file of files) {
      await t.test(file, () => {
        const format = formatOf(file) as RecipeFormat;
        assert.ok(rule.meta.formats.includes(format), `${rule.meta.name} does not support ${format}`);
        const text = readFileSync(join(dir, file), 'utf8');
        const settings = fixtureSettings(dir, file);
        const { recipe, findings } = runRule(rule, text, format, settings);
        const code = rule.meta.code;
        const notes = annotations(recipe, text).filter((note) => note.codes.includes(code));

        if (file.startsWith('good.')) {
          assert.deepEqual(messages(findings), [], `${file} must stay clean`);
          assert.equal(notes.filter((note) => note.kind === 'expect').length, 0, 'good files carry no expect annotations');
        }
        const covering = (finding: RuleFinding): Annotation | undefined =>
          notes.find((note) => note.kind !== 'ok' && finding.range.start.line >= note.lines.start && finding.range.start.line <= note.lines.end);
        for (const finding of findings) {
          const note = covering(finding);
          assert.ok(note, `${file}:${finding.range.start.line + 1}: unexpected ${code} finding: ${finding.message}`);
        }
        for (const note of notes) {
          const hits = findings.filter((finding) => finding.range.start.line >= note.lines.start && finding.range.start.line <= note.lines.end);
          if (note.kind === 'expect') {
            assert.ok(hits.length > 0, `${file}:${note.line + 1}: expected ${code} on line ${note.lines.start + 1} but it did not fire`);
          } else if (note.kind === 'ok') {
            assert.equal(hits.length, 0, `${file}:${note.line + 1}: ${code} must not fire on line ${note.lines.start + 1}`);
          } else if (hits.length === 0) {
            t.diagnostic(`${file}:${note.line + 1}: known false negative (todo-expect)`);
          }
        }

        checkSnapshot(join(dir, `${file}.snap`), file, text, findings.map((finding) => ({ ...finding, code })));
        checkFixes(rule, dir, file, format, text, recipe, findings, true, settings);
        checkFixes(rule, dir, file, format, text, recipe, findings, false, settings);
      });
    }
  });
}

test('every registered rule has fixtures for each format it supports: a case that fires and a near miss that stays quiet', () => {
  for (const rule of allRules) {
    const dir = join(FIXTURES, rule.meta.name);
    assert.ok(existsSync(dir), `missing fixture dir ${dir}`);
    const files = readdirSync(dir).filter((file) => formatOf(file) !== undefined && !/\.(unsafe-)?fixed\.[^.]+$/.test(file));
    for (const format of rule.meta.formats) {
      const ofFormat = files.filter((file) => formatOf(file) === format);
      const texts = ofFormat.map((file) => readFileSync(join(dir, file), 'utf8'));
      const mentions = (kind: string): boolean => texts.some((text) => new RegExp(`#\\s*${kind}\\s*:[^\\n]*${rule.meta.code}`).test(text));
      assert.ok(mentions('expect'), `${rule.meta.name}: no ${format} fixture with \`# expect: ${rule.meta.code}\``);
      assert.ok(ofFormat.some((file) => file.startsWith('good.')) || mentions('ok'), `${rule.meta.name}: no ${format} fixture with \`# ok: ${rule.meta.code}\` or good file`);
    }
  }
});

test('no TODO is left in a rule, its page or its fixtures (the scaffolder writes them)', () => {
  const rulesDir = join(__dirname, '..', '..', 'server', 'src', 'rules');
  for (const rule of allRules) {
    const { category, name } = rule.meta;
    const paths = [join(rulesDir, category, `${name}.ts`), join(rulesDir, category, `${name}.md`)];
    const dir = join(FIXTURES, name);
    paths.push(...(existsSync(dir) ? readdirSync(dir).filter((file) => formatOf(file) !== undefined).map((file) => join(dir, file)) : []));
    for (const path of paths) {
      const line = readFileSync(path, 'utf8').split('\n').findIndex((text) => text.includes('TODO'));
      assert.equal(line, -1, `${path}:${line + 1} still has a TODO`);
    }
  }
});

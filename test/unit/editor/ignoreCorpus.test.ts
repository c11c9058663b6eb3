// "Ignore CODE for this line" and "Ignore CODE in this file" on every corpus finding, built by the server's
// code-action code from the lint result (as the worker sends it). After the edits each finding is gone, every
// other finding is still there (same code, severity, message and column, on the line the insertions moved it
// to) and nothing new appears.
//
// One lint per action would take minutes, so actions are applied together, as a user applying them one after
// the other would: the line actions of every other statement (first half: even statements, second half: odd
// ones, so each half checks that the other half's findings survive the insertions), each statement's codes
// merged into its one pragma line; then every file action, merged into one global pragma. A check that fails
// is repeated one action at a time on the original text, so the report names the action that fails.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import type { TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import { toLspDiagnostic } from '../../../server/src/lsp/diagnostics/lspDiagnostics';
import { computeCodeActions } from '../../../server/src/lsp/features/codeActions';
import { DockerfileFeatures } from '../../../server/src/lsp/features/dockerfileFeatures';
import type { RecipeFormat } from '../../../server/src/recipe/model';
import { detectFormat, parseRecipe } from '../../../server/src/recipe/parse';
import { statementLines, type StatementLines } from '../../../server/src/service/statements';
import { TEST_TODAY } from '../ruleRunner';
import { allRules } from '../../../server/src/rules/index';

const CORPUS = resolve(__dirname, '..', '..', '..', '../shared/corpus');
const config = { ...defaultConfig(), settings: { ...defaultConfig().settings, today: TEST_TODAY } };
const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, log: () => undefined };
const dockerfile = new DockerfileFeatures(quiet);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

interface Subject {
  name: string;
  format: RecipeFormat;
  text: string;
  findings: HpcDiagnostic[];
}

/** The current text while actions are applied, with the original line of each of its lines. */
interface Applied {
  text: string;
  /** `originalLine[current]`, -1 for an inserted line. */
  originalLine: number[];
  statements: StatementLines;
}

type Kind = 'line' | 'file';

const TITLE: Record<Kind, (code: string) => string> = {
  line: (code) => `Ignore ${code} for this line`,
  file: (code) => `Ignore ${code} in this file`,
};

function start(subject: Subject, statements: StatementLines): Applied {
  return { text: subject.text, originalLine: subject.text.split('\n').map((_, line) => line), statements };
}

/** The finding moved to where its line is in `applied`. */
function moved(finding: HpcDiagnostic, applied: Applied): HpcDiagnostic {
  const line = applied.originalLine.indexOf(finding.range.start.line);
  const delta = line - finding.range.start.line;
  const range = {
    start: { line: finding.range.start.line + delta, character: finding.range.start.character },
    end: { line: finding.range.end.line + delta, character: finding.range.end.character },
  };
  return { ...finding, range };
}

/** The edit the server offers for `finding` on the current text (undefined when it offers none). */
function actionEdit(subject: Subject, applied: Applied, finding: HpcDiagnostic, kind: Kind): TextEdit | undefined {
  const document = TextDocument.create('file:///corpus/recipe', subject.format, 1, applied.text);
  const diagnostic = toLspDiagnostic(moved(finding, applied));
  const actions = computeCodeActions(
    { textDocument: { uri: document.uri }, range: diagnostic.range, context: { diagnostics: [diagnostic], only: ['quickfix'] } },
    { document, format: subject.format, statements: applied.statements, dockerfile, findings: [] },
  );
  const edits = actions.find((action) => action.title === TITLE[kind](finding.code))?.edit?.changes?.[document.uri];
  assert.ok(!edits || edits.length === 1, `one edit for ${TITLE[kind](finding.code)}`);
  return edits?.[0];
}

/** Applies non-overlapping whole-line insertions or in-line appends, keeping the map to original lines. */
function apply(subject: Subject, applied: Applied, edits: readonly TextEdit[]): Applied {
  const document = TextDocument.create('file:///corpus/recipe', subject.format, 1, applied.text);
  const text = TextDocument.applyEdits(document, [...edits]);
  const originalLine = [...applied.originalLine];
  for (const edit of [...edits].sort((a, b) => b.range.start.line - a.range.start.line)) {
    const inserted = edit.newText.split('\n').length - 1;
    originalLine.splice(edit.range.start.line, 0, ...new Array<number>(inserted).fill(-1));
  }
  return { text, originalLine, statements: statementLines(parseRecipe(text, subject.format)) };
}

/**
 * Applies the `kind` action of every finding in `targets` (rounds: the first code of each anchor, then the
 * next ones, which merge into the pragma the first inserted) and checks the result.
 */
function applyAndCheck(subject: Subject, statements: StatementLines, targets: readonly HpcDiagnostic[], kind: Kind): string[] {
  let applied = start(subject, statements);
  const queues = new Map<string, HpcDiagnostic[]>();
  const offered: HpcDiagnostic[] = [];
  for (const finding of targets) {
    const edit = actionEdit(subject, applied, finding, kind);
    if (!edit) {
      continue;
    }
    offered.push(finding);
    const anchor = kind === 'file' ? 'file' : `${edit.range.start.line}`;
    const queue = queues.get(anchor) ?? [];
    if (!queue.some((queued) => queued.code === finding.code)) {
      queue.push(finding);
    }
    queues.set(anchor, queue);
  }
  for (let round = 0; [...queues.values()].some((queue) => queue.length > round); round++) {
    const edits = [...queues.values()]
      .filter((queue) => queue.length > round)
      .map((queue) => actionEdit(subject, applied, queue[round], kind))
      .filter((edit): edit is TextEdit => edit !== undefined);
    applied = apply(subject, applied, edits);
  }
  return compare(subject, applied, offered, [...queues.values()].flat(), kind);
}

/** Messages that mention line numbers (`line 68`) name the moved line after an insertion: numbers are not compared. */
function key(finding: HpcDiagnostic): string {
  return `${finding.code} ${finding.severity} ${finding.range.start.line}:${finding.range.start.character} ${finding.message.replace(/\d+/g, '#')}`;
}

function countOf(findings: readonly HpcDiagnostic[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) {
    counts.set(key(finding), (counts.get(key(finding)) ?? 0) + 1);
  }
  return counts;
}

/** Targeted findings gone; the others where they moved; nothing new. Same-code findings of a targeted statement may go. */
function compare(subject: Subject, applied: Applied, offered: readonly HpcDiagnostic[], applied_: readonly HpcDiagnostic[], kind: Kind): string[] {
  const after = lint(applied.text, { rules: allRules, format: subject.format, fileName: subject.name, config }).diagnostics;
  const afterCounts = countOf(after);
  const original = statementLines(parseRecipe(subject.text, subject.format));
  const statementOf = (line: number): number => {
    for (let i = 0; i < original.length; i += 2) {
      if (original[i] <= line && line <= original[i + 1]) {
        return original[i];
      }
    }
    return line;
  };
  const covered = (finding: HpcDiagnostic): boolean =>
    applied_.some(
      (target) => target.code === finding.code && (kind === 'file' || statementOf(target.range.start.line) === statementOf(finding.range.start.line)),
    );
  const kept = countOf(subject.findings.filter((finding) => !covered(finding)).map((finding) => moved(finding, applied)));
  const mayStay = countOf(subject.findings.filter(covered).map((finding) => moved(finding, applied)));
  const problems: string[] = [];
  for (const finding of offered) {
    if (afterCounts.has(key(moved(finding, applied)))) {
      problems.push(`"${TITLE[kind](finding.code)}" (line ${finding.range.start.line + 1}): the finding is still reported`);
    }
  }
  for (const [k, count] of kept) {
    if ((afterCounts.get(k) ?? 0) < count) {
      problems.push(`another finding went away: ${k.slice(0, 160)}`);
    }
  }
  for (const [k, count] of afterCounts) {
    if (count > (kept.get(k) ?? 0) + (mayStay.get(k) ?? 0)) {
      problems.push(`new finding: ${k.slice(0, 160)}`);
    }
  }
  return problems;
}

test('"ignore for this line" and "ignore in this file" silence every corpus finding and change nothing else', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const started = Date.now();
  const failures: string[] = [];
  const offered: Record<Kind, number> = { line: 0, file: 0 };
  const notOffered: string[] = [];
  for (const file of ['dockerfile', 'singularity'].flatMap((dir) => listFiles(join(CORPUS, dir))).sort()) {
    const text = readFileSync(file, 'utf8');
    const format = detectFormat(file, text) ?? 'dockerfile';
    const result = lint(text, { rules: allRules, format, fileName: file, config });
    const findings = result.diagnostics.filter((finding) => finding.code !== 'hpclint/skipped');
    if (findings.length === 0) {
      continue;
    }
    const subject: Subject = { name: relative(CORPUS, file), format, text, findings };
    const statements = statementLines(result.recipe);
    const initial = start(subject, statements);
    const anchorOf = new Map<HpcDiagnostic, number>();
    for (const finding of findings) {
      const edit = actionEdit(subject, initial, finding, 'line');
      if (edit) {
        anchorOf.set(finding, edit.range.start.line);
        offered.line++;
      } else {
        notOffered.push(`${subject.name}:${finding.range.start.line + 1} ${finding.code}`);
      }
      offered.file++;
    }
    const anchors = [...new Set(anchorOf.values())].sort((a, b) => a - b);
    const half = (parity: number) => findings.filter((finding) => anchorOf.has(finding) && anchors.indexOf(anchorOf.get(finding)!) % 2 === parity);
    const checks: Array<[HpcDiagnostic[], Kind]> = [
      [half(0), 'line'],
      [half(1), 'line'],
      [findings, 'file'],
    ];
    for (const [targets, kind] of checks) {
      if (targets.length === 0 || applyAndCheck(subject, statements, targets, kind).length === 0) {
        continue;
      }
      for (const target of targets) {
        for (const problem of applyAndCheck(subject, statements, [target], kind)) {
          failures.push(`${subject.name}: ${problem}`);
        }
      }
    }
  }
  t.diagnostic(
    `${offered.line} line actions and ${offered.file} file actions in ${Date.now() - started} ms; ` +
      `no line action (parser directives, after help text or inside a heredoc) for ${notOffered.length}: ${notOffered.join(', ')}`,
  );
  assert.ok(offered.line > 9000, `unexpectedly few line actions: ${offered.line}`);
  assert.ok(notOffered.length < 100, `line action missing for ${notOffered.length} findings`);
  assert.deepEqual([...new Set(failures)], []);
});

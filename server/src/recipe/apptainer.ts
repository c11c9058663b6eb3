// Apptainer / SingularityCE definition-file front end.
// Follows `pkg/build/types/parser/deffile.go` (see hpc-rules.md §a.1): stages are cut at every
// column-0 `bootstrap:` line; each stage is a header (`Key: value` lines) followed by sections,
// a section starting at any line whose first word begins with `%`.
import { bootstrapAgent, sectionSpec, type SectionSpec } from './apptainer-spec';
import type {
  BaseImage,
  Comment,
  CopyStep,
  HeaderStep,
  ImageRef,
  KeyValue,
  ParseProblem,
  Range,
  Recipe,
  RunStep,
  Section,
  ShellScript,
  Stage,
  Step,
  StepBase,
  Word,
  Draft,
} from './model';
import { factsOf } from './facts';
import { EMPTY_LIST, finishedList } from './model';
import { splitImageRef } from './image-ref';
import { logicalLineExtents, type LineExtent } from './logical-lines';
import { parsePragmas } from './pragmas';
import type { DefinitionParseMemo, DefinitionParseWithMemo } from './definition-memo';
import { splitShell } from './shell';
import { LineIndex } from './text';

/** Go's `(?mi)^bootstrap:` — at the start or after `\n` only (JS `m` would also split at `\r`, U+2028); ASCII case-insensitive. */
const STAGE_START = 'bootstrap:';
const SPACE = /\s/;

interface LineSpan {
  /** Offset of the first character of the line. */
  start: number;
  /** Offset of the end of the line content, before `\r\n` / `\n`. */
  end: number;
  /** Offset of the start of the next line (or the chunk end). */
  next: number;
}

interface ParserState {
  text: string;
  index: LineIndex;
  diagnostics: ParseProblem[];
  comments: Comment[];
  /** First line of a multi-line header entry → its line extent (for pragmas). */
  headerExtents: Map<number, { startLine: number; endLine: number }>;
  /** Each line of a multi-line logical shell line → the rest of that logical line (for pragmas). */
  scriptExtents: Map<number, LineExtent>;
  /** The previous parse of the same document, whose unchanged commands this one reuses (recipe/definition-memo.ts). */
  memo?: DefinitionParseWithMemo;
}

/** Parses a definition file into the recipe model, with the memo of the document's previous parse if given. Never throws. */
export function parseDefinitionFile(text: string, memo?: DefinitionParseMemo): Recipe {
  const index = new LineIndex(text);
  const state: ParserState = { text, index, diagnostics: [], comments: [], headerExtents: new Map(), scriptExtents: new Map() };
  if (memo !== undefined) {
    state.memo = memo.begin(text, index);
  }
  const stages = stageChunks(text).map(([start, end], stageIndex) => parseStage(state, start, end, stageIndex));
  state.comments.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const pragmas = parsePragmas(
    state.comments,
    index,
    (line) => state.headerExtents.get(line) ?? state.scriptExtents.get(line) ?? { startLine: line, endLine: line },
  );
  const recipe: Recipe = {
    format: 'apptainer',
    text,
    stages,
    globalArgs: [],
    comments: state.comments,
    pragmas,
    diagnostics: state.diagnostics,
    escapeChar: '\\',
  };
  factsOf(recipe).adoptLineIndex(index);
  state.memo?.finish();
  return recipe;
}

// ---------------------------------------------------------------- stages

/**
 * Offsets [start, end) of each stage. Like Apptainer, the file is cut before every column-0
 * `bootstrap:` line. Text before the first cut joins the first stage unless it holds sections
 * (then Apptainer parses it as a stage of its own, without a Bootstrap).
 */
function stageChunks(text: string): Array<[number, number]> {
  const cuts: number[] = [];
  for (let lineStart = 0; lineStart < text.length; ) {
    if (startsStage(text, lineStart)) {
      cuts.push(lineStart);
    }
    const newline = text.indexOf('\n', lineStart);
    if (newline < 0) {
      break;
    }
    lineStart = newline + 1;
  }
  if (cuts.length === 0) {
    return [[0, text.length]];
  }
  const bounds = [0, ...cuts, text.length];
  const chunks: Array<[number, number]> = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    chunks.push([bounds[i], bounds[i + 1]]);
  }
  const [preamble, first] = chunks;
  if (preamble[0] === preamble[1] || !containsSectionStart(text, preamble[0], preamble[1])) {
    chunks.splice(0, 2, [preamble[0], first[1]]);
  }
  return chunks;
}

/** True if `bootstrap:` (any ASCII case) starts at `offset`. */
function startsStage(text: string, offset: number): boolean {
  if (text.length - offset < STAGE_START.length) {
    return false;
  }
  for (let i = 0; i < STAGE_START.length; i++) {
    const code = text.charCodeAt(offset + i);
    const lower = code >= 65 && code <= 90 ? code + 32 : code;
    if (lower !== STAGE_START.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

function containsSectionStart(text: string, start: number, end: number): boolean {
  for (const line of linesOf(text, start, end)) {
    if (firstWordStart(text, line) !== undefined) {
      return true;
    }
  }
  return false;
}

function* linesOf(text: string, start: number, end: number): Generator<LineSpan> {
  let offset = start;
  while (offset < end) {
    const newline = text.indexOf('\n', offset);
    const next = newline < 0 || newline >= end ? end : newline + 1;
    let lineEnd = newline < 0 || newline >= end ? end : newline;
    if (lineEnd > offset && text.charCodeAt(lineEnd - 1) === 13 /* \r */) {
      lineEnd--;
    }
    yield { start: offset, end: lineEnd, next };
    offset = next;
  }
}

/** Offset of the `%` that starts a section on this line, if the line's first word begins with `%`. */
function firstWordStart(text: string, line: LineSpan): number | undefined {
  const start = skipSpace(text, line.start, line.end);
  return start < line.end && text[start] === '%' ? start : undefined;
}

function parseStage(state: ParserState, start: number, end: number, stageIndex: number): Stage {
  const { text } = state;
  const headerLines: LineSpan[] = [];
  const sectionStarts: LineSpan[] = [];
  for (const line of linesOf(text, start, end)) {
    if (firstWordStart(text, line) !== undefined) {
      sectionStarts.push(line);
    } else if (sectionStarts.length === 0) {
      headerLines.push(line);
    }
  }
  const headers = parseHeader(state, headerLines);
  const stage: Draft<Stage> = {
    index: stageIndex,
    base: baseOf(state, headers, start),
    steps: [...headers],
    range: trimmedRange(state, start, end),
    sections: [],
  };
  const name = lastHeader(headers, 'stage');
  if (name && name.value.value.length > 0) {
    stage.name = name.value;
  }
  sectionStarts.forEach((line, i) => {
    const bodyEnd = i + 1 < sectionStarts.length ? sectionStarts[i + 1].start : end;
    const section = parseSectionHeader(state, line, bodyEnd);
    stage.sections.push(section);
    stage.steps.push(...sectionSteps(state, section));
  });
  stage.steps = finishedList(stage.steps);
  stage.sections = finishedList(stage.sections);
  return stage;
}

// ---------------------------------------------------------------- header

interface PendingHeader {
  keyword: Word;
  key: string;
  value: ContinuedValue;
  valueStart: number;
  valueEnd: number;
  lineStart: number;
  lineEnd: number;
}

/**
 * A header value continued over lines, kept as pieces and joined once: building it line by line with
 * string slices would copy the whole value per line (quadratic in the number of continued lines).
 */
class ContinuedValue {
  private readonly pieces: string[] = [];
  length = 0;

  constructor(first: string) {
    this.append(first);
  }

  append(piece: string): void {
    if (piece.length > 0) {
      this.pieces.push(piece);
      this.length += piece.length;
    }
  }

  /** The last `count` characters (fewer if the value is shorter). */
  tail(count: number): string {
    let tail = '';
    for (let i = this.pieces.length - 1; i >= 0 && tail.length < count; i--) {
      tail = this.pieces[i].slice(-(count - tail.length)) + tail;
    }
    return tail;
  }

  dropLast(count: number): void {
    let left = Math.min(count, this.length);
    this.length -= left;
    while (left > 0) {
      const last = this.pieces.pop()!;
      if (last.length > left) {
        this.pieces.push(last.slice(0, last.length - left));
        left = 0;
      } else {
        left -= last.length;
      }
    }
  }

  toString(): string {
    return this.pieces.join('');
  }
}

/** Header lines as Apptainer's `doHeader` reads them (`#` cuts, `\` continues, no `:` is an error). */
function parseHeader(state: ParserState, lines: readonly LineSpan[]): HeaderStep[] {
  const { text } = state;
  const steps: HeaderStep[] = [];
  let pending: PendingHeader | undefined;
  const finish = (entry: PendingHeader): void => {
    steps.push(headerStep(state, entry));
  };
  for (const line of lines) {
    const contentStart = skipSpace(text, line.start, line.end);
    const contentEnd = trimEnd(text, contentStart, line.end);
    if (contentStart === contentEnd || text[contentStart] === '#') {
      if (contentStart < contentEnd) {
        state.comments.push({ text: text.slice(contentStart, contentEnd), range: state.index.range(contentStart, contentEnd) });
      }
      if (pending) {
        finish(pending);
        pending = undefined;
      }
      continue;
    }
    const cut = trimEnd(text, contentStart, indexIn(text, '#', contentStart, contentEnd));
    let entry: PendingHeader;
    if (pending) {
      pending.value.append(text.slice(contentStart, cut));
      const { keyword, key, value, valueStart, lineStart } = pending;
      entry = { keyword, key, value, valueStart, valueEnd: cut, lineStart, lineEnd: contentEnd };
      pending = undefined;
    } else {
      const colon = indexIn(text, ':', contentStart, cut);
      if (colon === cut) {
        const key = text.slice(contentStart, cut);
        state.diagnostics.push({
          message: `header line has no ':' (Apptainer: "header key ${key} had no val")`,
          range: state.index.range(contentStart, contentEnd),
          severity: 'error',
        });
        continue;
      }
      const keyEnd = trimEnd(text, contentStart, colon);
      const valueStart = skipSpace(text, colon + 1, cut);
      entry = {
        keyword: wordAt(state, contentStart, keyEnd),
        key: text.slice(contentStart, keyEnd).toLowerCase(),
        value: new ContinuedValue(text.slice(valueStart, cut)),
        valueStart,
        valueEnd: cut,
        lineStart: contentStart,
        lineEnd: contentEnd,
      };
    }
    // A lone `\` stays the value; otherwise the trailing `\` continues the value and a `\n` before it becomes a newline.
    if (entry.value.length > 1 && entry.value.tail(1) === '\\') {
      entry.value.dropLast(1);
      if (entry.value.tail(2) === '\\n') {
        entry.value.dropLast(2);
        entry.value.append('\n');
      }
      pending = entry;
      continue;
    }
    finish(entry);
  }
  if (pending) {
    finish(pending);
  }
  return steps;
}

function headerStep(state: ParserState, entry: PendingHeader): HeaderStep {
  const range = state.index.range(entry.lineStart, entry.lineEnd);
  if (range.end.line > range.start.line) {
    state.headerExtents.set(range.start.line, { startLine: range.start.line, endLine: range.end.line });
  }
  return {
    kind: 'header',
    keyword: entry.keyword.text,
    keywordRange: entry.keyword.range,
    range,
    key: entry.key,
    value: {
      text: state.text.slice(entry.valueStart, entry.valueEnd),
      value: entry.value.toString(),
      range: state.index.range(entry.valueStart, entry.valueEnd),
    },
  };
}

/** Apptainer keeps header values in a map: the last entry of a key wins. */
function lastHeader(headers: readonly HeaderStep[], key: string): HeaderStep | undefined {
  for (let i = headers.length - 1; i >= 0; i--) {
    if (headers[i].key === key) {
      return headers[i];
    }
  }
  return undefined;
}

function baseOf(state: ParserState, headers: readonly HeaderStep[], stageStart: number): BaseImage {
  const bootstrap = lastHeader(headers, 'bootstrap');
  const from = lastHeader(headers, 'from');
  const osVersion = lastHeader(headers, 'osversion');
  const agent = bootstrap ? bootstrap.value.value.trim().toLowerCase() : '';
  const anchor = from?.value ?? bootstrap?.value;
  const base: Draft<BaseImage> = {
    agent,
    raw: from?.value.value ?? '',
    range: anchor?.range ?? state.index.range(stageStart, stageStart),
  };
  if (from && bootstrapAgent(agent)?.imageReference) {
    const image = parseImageRef(from.value.value, from.value.range);
    if (image) {
      base.image = image;
    }
  }
  if (osVersion) {
    base.osVersion = osVersion.value;
  }
  return base;
}

/**
 * `[scheme://][registry/]repository[:tag][@digest]`. A first path component with `.` or `:` or
 * `localhost` is a registry (Docker's rule). Paths (`/…`, `./…`) are not image references.
 */
export function parseImageRef(raw: string, range: Range): ImageRef | undefined {
  const rest = raw.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  if (rest.length === 0 || rest.startsWith('/') || rest.startsWith('.') || /\s/.test(rest.replace(/\{\{[^}]*\}\}/g, ''))) {
    return undefined;
  }
  return splitImageRef(rest, raw, range);
}

// ---------------------------------------------------------------- sections

function parseSectionHeader(state: ParserState, line: LineSpan, bodyEnd: number): Section {
  const { text } = state;
  const wordStart = skipSpace(text, line.start, line.end);
  const wordEnd = skipWord(text, wordStart, line.end);
  const args: Word[] = [];
  for (let offset = skipSpace(text, wordEnd, line.end); offset < line.end; offset = skipSpace(text, offset, line.end)) {
    const argEnd = skipWord(text, offset, line.end);
    args.push(wordAt(state, offset, argEnd));
    offset = argEnd;
  }
  const bodyStart = Math.min(line.next, bodyEnd);
  const lastContent = trimEnd(text, bodyStart, bodyEnd);
  const end = lastContent > bodyStart ? lastContent : line.end;
  return {
    name: text.slice(wordStart, wordEnd).replace(/^%+/, '').toLowerCase(),
    header: wordAt(state, wordStart, wordEnd),
    args,
    range: state.index.range(line.start, end),
    bodyRange: state.index.range(bodyStart, bodyEnd),
    body: text.slice(bodyStart, bodyEnd),
  };
}

function sectionSteps(state: ParserState, section: Section): Step[] {
  const spec = sectionSpec(section.name);
  // Object literals with the fields written out, not `{ ...base, more }`: V8 gives each such copy a hidden
  // class of its own, which made every rule's reads of 8,000 steps megamorphic.
  const keyword = section.header.text;
  const keywordRange = section.header.range;
  const range = section.range;
  const app = appOf(state, section, spec);
  const bodyStart = state.index.offsetAt(section.bodyRange.start);
  const bodyEnd = bodyStart + section.body.length;
  const script = (): ShellScript => {
    const result = state.memo ? state.memo.split(bodyStart, bodyEnd) : splitShell(state.text, bodyStart, bodyEnd, state.index);
    collectShellComments(state, result);
    for (const extent of logicalLineExtents(result, state.index)) {
      for (let line = extent.startLine; line < extent.endLine; line++) {
        state.scriptExtents.set(line, { startLine: line, endLine: extent.endLine });
      }
    }
    return result;
  };
  const one = (step: Step): Step[] => {
    if (app !== undefined) {
      (step as Draft<StepBase>).app = app;
    }
    return [step];
  };
  switch (spec?.kind) {
    case 'script':
      if (spec.step === 'run') {
        const run: Draft<RunStep> = { keyword, keywordRange, range, kind: 'run', flags: EMPTY_LIST, script: script() };
        const shell = shellOf(section);
        if (shell !== undefined) {
          run.shell = shell;
        }
        return one(run);
      }
      if (spec.step === 'test') {
        return one({ keyword, keywordRange, range, kind: 'test', script: script() });
      }
      if (spec.step === 'entrypoint') {
        return one({ keyword, keywordRange, range, kind: 'entrypoint', form: 'script', args: EMPTY_LIST, script: script() });
      }
      // `%pre`: still a shell script (its comments can be pragmas), kept as text for the rules.
      script();
      return one({ keyword, keywordRange, range, kind: 'other', args: section.args, body: bodyWord(section) });
    case 'environment': {
      const envScript = script();
      return one({ keyword, keywordRange, range, kind: 'env', script: envScript, pairs: exportedPairs(state, envScript) });
    }
    case 'arguments':
      return one({ keyword, keywordRange, range, kind: 'arg', pairs: lineValues(state, bodyStart, bodyEnd, argumentPair) });
    case 'labels':
      return one({ keyword, keywordRange, range, kind: 'label', pairs: lineValues(state, bodyStart, bodyEnd, labelPair) });
    case 'files':
      return fileSteps(state, section, { keyword, keywordRange, app }, bodyStart, bodyEnd);
    default:
      return one({ keyword, keywordRange, range, kind: 'other', args: section.args, body: bodyWord(section) });
  }
}

function appOf(state: ParserState, section: Section, spec: SectionSpec | undefined): string | undefined {
  if (!spec?.app) {
    return undefined;
  }
  const app = section.args[0];
  if (!app) {
    state.diagnostics.push({
      message: `app section ${section.header.text}: could not be split into section name and app name`,
      range: section.header.range,
      severity: 'error',
    });
    return undefined;
  }
  return app.value;
}

/** `%post -c /bin/bash` → the `/bin/bash` word. */
function shellOf(section: Section): Word | undefined {
  const flag = section.args.findIndex((arg) => arg.value === '-c');
  return flag >= 0 ? section.args[flag + 1] : undefined;
}

function bodyWord(section: Section): Word {
  return { text: section.body, value: section.body, range: section.bodyRange };
}

function collectShellComments(state: ParserState, script: ShellScript): void {
  for (const comment of script.comments) {
    const start = state.index.offsetAt(comment.range.start);
    const lineStart = state.index.lineStart(comment.range.start.line);
    if (state.text.slice(lineStart, start).trim().length === 0) {
      state.comments.push(comment);
    }
  }
}

/** `export K=V`, `export K`, `K=V` commands at the top level of an `%environment` script. */
function exportedPairs(state: ParserState, script: ShellScript): KeyValue[] {
  const pairs: KeyValue[] = [];
  for (const command of script.commands) {
    if (command.depth !== 0) {
      continue;
    }
    if (command.words.length > 0 && command.words[0].value === 'export') {
      for (const word of command.words.slice(1)) {
        if (!word.value.startsWith('-')) {
          pairs.push(splitAssignment(state, word));
        }
      }
    } else if (command.words.length === 0) {
      pairs.push(...command.assignments.map((word) => splitAssignment(state, word)));
    }
  }
  return pairs;
}

function splitAssignment(state: ParserState, word: Word): KeyValue {
  const start = state.index.offsetAt(word.range.start);
  const end = state.index.offsetAt(word.range.end);
  const raw = state.text.slice(start, end);
  const rawEquals = raw.indexOf('=');
  const valueEquals = word.value.indexOf('=');
  if (rawEquals < 0 || valueEquals < 0) {
    return { key: word, range: word.range };
  }
  return {
    key: { text: raw.slice(0, rawEquals), value: word.value.slice(0, valueEquals), range: state.index.range(start, start + rawEquals) },
    value: { text: raw.slice(rawEquals + 1), value: word.value.slice(valueEquals + 1), range: state.index.range(start + rawEquals + 1, end) },
    range: word.range,
  };
}

type LinePair = (state: ParserState, start: number, end: number) => KeyValue;

/** One pair per non-blank, non-`#` body line; `#` lines become comments. */
function lineValues(state: ParserState, bodyStart: number, bodyEnd: number, pairOf: LinePair): KeyValue[] {
  const pairs: KeyValue[] = [];
  for (const [start, end] of contentLines(state, bodyStart, bodyEnd)) {
    pairs.push(pairOf(state, start, end));
  }
  return pairs;
}

/** Trimmed [start, end) of each body line that is neither blank nor a `#` comment (comments are recorded). */
function contentLines(state: ParserState, bodyStart: number, bodyEnd: number): Array<[number, number]> {
  const { text } = state;
  const result: Array<[number, number]> = [];
  for (const line of linesOf(text, bodyStart, bodyEnd)) {
    const start = skipSpace(text, line.start, line.end);
    const end = trimEnd(text, start, line.end);
    if (start === end) {
      continue;
    }
    if (text[start] === '#') {
      state.comments.push({ text: text.slice(start, end), range: state.index.range(start, end) });
      continue;
    }
    result.push([start, end]);
  }
  return result;
}

/** `%labels`: name up to the first space, value = rest (trimmed), as Apptainer's `GetLabels`. */
function labelPair(state: ParserState, start: number, end: number): KeyValue {
  const keyEnd = trimEnd(state.text, start, indexIn(state.text, ' ', start, end));
  const pair: Draft<KeyValue> = { key: wordAt(state, start, keyEnd), range: state.index.range(start, end) };
  if (keyEnd < end) {
    pair.value = wordAt(state, skipSpace(state.text, keyEnd, end), end);
  }
  return pair;
}

/** `%arguments`: `name=value`; surrounding quotes of the value are removed. */
function argumentPair(state: ParserState, start: number, end: number): KeyValue {
  const { text } = state;
  const equals = indexIn(text, '=', start, end);
  if (equals === end) {
    return { key: wordAt(state, start, end), range: state.index.range(start, end) };
  }
  const valueStart = skipSpace(text, equals + 1, end);
  return {
    key: wordAt(state, start, trimEnd(text, start, equals)),
    value: quotedWord(state, valueStart, end),
    range: state.index.range(start, end),
  };
}

/** One CopyStep per `src [dst]` line of `%files [from <stage>]` / `%appfiles <app>`. */
function fileSteps(state: ParserState, section: Section, base: { keyword: string; keywordRange: Range; app?: string }, bodyStart: number, bodyEnd: number): CopyStep[] {
  const from = section.name === 'files' && section.args[0]?.value.toLowerCase() === 'from' ? section.args[1] : undefined;
  const { keyword, keywordRange, app } = base;
  const steps: CopyStep[] = [];
  for (const [start, end] of contentLines(state, bodyStart, bodyEnd)) {
    const words = fileWords(state, start, end);
    const step: Draft<CopyStep> = { keyword, keywordRange, range: state.index.range(start, end), kind: 'copy', flags: EMPTY_LIST, sources: words.slice(0, 1) };
    if (app !== undefined) {
      step.app = app;
    }
    if (words[1]) {
      step.destination = words[1];
    }
    if (from) {
      step.from = from;
    }
    steps.push(step);
  }
  return steps;
}

/** Whitespace-separated words; `"…"` / `'…'` group, and `{{ name }}` never splits a word. */
function fileWords(state: ParserState, start: number, end: number): Word[] {
  const { text } = state;
  const words: Word[] = [];
  let offset = skipSpace(text, start, end);
  while (offset < end) {
    let cursor = offset;
    while (cursor < end && !SPACE.test(text[cursor])) {
      const char = text[cursor];
      if (char === '"' || char === "'") {
        cursor = Math.min(end, indexIn(text, char, cursor + 1, end) + 1);
      } else if (text.startsWith('{{', cursor)) {
        const close = indexIn(text, '}', cursor + 2, end);
        cursor = text[close + 1] === '}' && close + 1 < end ? close + 2 : cursor + 2;
      } else {
        cursor++;
      }
    }
    words.push(quotedWord(state, offset, cursor));
    offset = skipSpace(text, cursor, end);
  }
  return words;
}

// ---------------------------------------------------------------- text helpers

function wordAt(state: ParserState, start: number, end: number): Word {
  const text = state.text.slice(start, end);
  return { text, value: text, range: state.index.range(start, end) };
}

/** A word whose value drops quote characters (`"a b"` → `a b`, `"$X"/bin` → `$X/bin`). */
function quotedWord(state: ParserState, start: number, end: number): Word {
  const text = state.text.slice(start, end);
  return { text, value: text.replace(/"([^"]*)"|'([^']*)'/g, (_, double?: string, single?: string) => double ?? single ?? ''), range: state.index.range(start, end) };
}

/** First offset of `char` in text[start, end), or `end` (never scans past `end`). */
function indexIn(text: string, char: string, start: number, end: number): number {
  for (let offset = start; offset < end; offset++) {
    if (text[offset] === char) {
      return offset;
    }
  }
  return end;
}

function skipSpace(text: string, offset: number, end: number): number {
  while (offset < end && SPACE.test(text[offset])) {
    offset++;
  }
  return offset;
}

function skipWord(text: string, offset: number, end: number): number {
  while (offset < end && !SPACE.test(text[offset])) {
    offset++;
  }
  return offset;
}

/** End offset after dropping trailing whitespace of text[start, end). */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && SPACE.test(text[end - 1])) {
    end--;
  }
  return end;
}

function trimmedRange(state: ParserState, start: number, end: number): Range {
  return state.index.range(start, Math.max(start, trimEnd(state.text, start, end)));
}

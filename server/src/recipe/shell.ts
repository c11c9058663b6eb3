import { EMPTY_LIST, finishedList, type Comment, type Draft, type Heredoc, type ShellCommand, type ShellScript, type ShellSeparator, type Word } from './model';
import { skipBlanks, wordEnd, type LineIndex } from './text';

export interface SplitShellOptions {
  /** Dockerfile escape character; `\` + newline is always a continuation, this one too (with trailing blanks). */
  escapeChar?: string;
  /** Docker semantics: lines starting with `#` (and blank lines) after a continuation are dropped. */
  dockerfileComments?: boolean;
}

/** Nesting beyond this is scanned as literal text (keeps recursion bounded on garbage). */
const MAX_DEPTH = 48;
const MAX_HEREDOC_NESTING = 4;

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);
/** Words that run their operand as a command (`sudo bash -c …`, `exec sh -c …`). */
const SHELL_C_WRAPPERS = new Set(['sudo', 'exec', 'env', 'nohup', 'time', 'command']);
/** Wrapper options that take a value (`sudo -u app`). */
const WRAPPER_OPTIONS_WITH_VALUE = new Set(['-u', '-g', '--user', '--group', '-C', '-D']);
/** Shell options that take a value before `-c` (`bash -o pipefail -c …`). */
const OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O']);

/** `sh -c '…'` calls whose script string the model split into commands (they follow the call in `commands`). */
const splitShellCCalls = new WeakSet<ShellCommand>();

/** True when `command` is an `sh -c '…'` call whose script's commands the model already lists after it. */
export function isSplitShellCCall(command: ShellCommand): boolean {
  return splitShellCCalls.has(command);
}

/** The quote of the innermost script string a command was split from (`su -c '… git clone …'` → `'`). */
const enclosingQuotes = new WeakMap<ShellCommand, "'" | '"'>();

/** The quote character of the script string around `command`, or undefined at the top level of its script. */
export function enclosingQuote(command: ShellCommand): "'" | '"' | undefined {
  return enclosingQuotes.get(command);
}

/** A quoted argument that can be inserted into `command` without closing the script string around it. */
export function quotedForCommand(command: ShellCommand, value: string): string {
  return enclosingQuote(command) === "'" ? `"${value}"` : `'${value}'`;
}
/** Reserved words skipped at command start so `if curl …; then wget …` yields `curl` and `wget`. */
const SKIPPED_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'esac']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** Characters that end or change the meaning of an unquoted word (the escape char is checked too). */
const SPECIAL_IN_WORD = new Uint8Array(128);
for (const c of [' ', '\t', '\n', '\r', ';', '&', '|', '<', '>', '(', ')', '`', '\\', "'", '"', '$']) {
  SPECIAL_IN_WORD[c.charCodeAt(0)] = 1;
}

/**
 * Characters after which a script is not one command of plain words: those that end or change a word except the blanks,
 * and `#` (a comment), `=` (an assignment), `{`, `}` and `!` (a group, a negation).
 */
const NOT_IN_PLAIN_COMMAND = new Uint8Array(128);
for (const c of ['\n', '\r', ';', '&', '|', '<', '>', '(', ')', '`', '\\', "'", '"', '$', '#', '=', '{', '}', '!']) {
  NOT_IN_PLAIN_COMMAND[c.charCodeAt(0)] = 1;
}
/** First words after which the splitter does more than list the words of a command. */
const NOT_A_PLAIN_COMMAND_NAME = new Set([...SKIPPED_KEYWORDS, 'for', 'select', 'function', 'case']);

/**
 * The script of `text[from, to)` when it is one command of plain words (`make -j4 install`): blanks (space, tab) and
 * characters that neither end nor change a word, and a first word the splitter reads as a command. It is what the
 * Splitter makes of such a text (each word's value its text, no assignment, no redirect, heredoc or comment, and no
 * quoted script string to split), without its frames, builders and scanned words: the 40,000 RUN lines of the
 * 40,000-stage shape are all like that. Undefined for any other text.
 */
export function plainCommandScript(text: string, from: number, to: number, index: LineIndex): ShellScript | undefined {
  for (let p = from; p < to; p++) {
    const code = text.charCodeAt(p);
    if (code < 128 && NOT_IN_PLAIN_COMMAND[code] === 1) {
      return undefined;
    }
  }
  const words: Word[] = [];
  let first = -1;
  let last = -1;
  let p = from;
  while (p < to) {
    const start = skipBlanks(text, p, to);
    if (start === to) {
      break;
    }
    p = wordEnd(text, start, to);
    const wordText = text.slice(start, p);
    if (first < 0) {
      if (NOT_A_PLAIN_COMMAND_NAME.has(wordText)) {
        return undefined;
      }
      first = start;
    }
    last = p;
    words.push({ text: wordText, value: wordText, range: index.range(start, p) });
  }
  if (first < 0) {
    return undefined;
  }
  const command: ShellCommand = {
    words: finishedList(words),
    assignments: EMPTY_LIST,
    name: basename(words[0].value),
    range: index.range(first, last),
    pipesToNext: false,
    depth: 0,
  };
  return { text: text.slice(from, to), range: index.range(from, to), commands: [command], heredocs: EMPTY_LIST, comments: EMPTY_LIST };
}

/**
 * A clean point of a script's top level: the start of a line after a line break read at the top level, with no command,
 * quote, substitution, group, heredoc or `case` open. The split of the rest of the script from there depends only on
 * the text from there on, `afterCommand` and `separator` (see `splitShellFrom`).
 */
export interface SplitPoint {
  readonly offset: number;
  /** How many commands, heredocs and comments the split made before this point. */
  readonly commands: number;
  readonly heredocs: number;
  readonly comments: number;
  /** A top-level command came before. */
  readonly afterCommand: boolean;
  /** What the next top-level command follows: `newline`, or `&&`, `||`, `|` ending the line before; none before the first. */
  readonly separator: ShellSeparator | undefined;
}

/** A split from a point to the end or to the point where it was told to stop (`splitShellFrom`). */
export interface SplitPart {
  readonly commands: ShellCommand[];
  readonly heredocs: Heredoc[];
  readonly comments: Comment[];
  /** The clean points met, in order, counting what came before the point the part started at. */
  readonly points: SplitPoint[];
  /** The point where the split stopped, if it did. */
  readonly stopped: SplitPoint | undefined;
}

/** The start of a script as a split point. */
export function scriptStart(offset: number): SplitPoint {
  return { offset, commands: 0, heredocs: 0, comments: 0, afterCommand: false, separator: undefined };
}

/**
 * `splitShellGenerally`'s split of `text[from.offset, end)` (no Dockerfile options), going on from a clean point of the
 * same script (an earlier split's: the text before it was the same): the commands, heredocs and comments after the
 * point, in order. The split stops at the first clean point `stop` says yes to.
 */
export function splitShellFrom(text: string, from: SplitPoint, end: number, index: LineIndex, stop: (point: SplitPoint) => boolean): SplitPart {
  const points: SplitPoint[] = [];
  const recorder: PointRecorder = { from, points, stop, countedSlots: 0, commandCount: from.commands, stopped: undefined };
  const splitter = new Splitter(text, from.offset, end, index, {}, 0, 0, recorder);
  splitter.run();
  return { commands: splitter.commands(), heredocs: splitter.heredocs, comments: splitter.comments, points, stopped: recorder.stopped };
}

/** The clean points of a split by `splitShellFrom`, and where to stop. */
interface PointRecorder {
  readonly from: SplitPoint;
  readonly points: SplitPoint[];
  readonly stop: (point: SplitPoint) => boolean;
  /** `slots[0, countedSlots)` holds `commandCount - from.commands` commands. */
  countedSlots: number;
  commandCount: number;
  stopped: SplitPoint | undefined;
}

type Terminator = 'eof' | ')' | '`' | '}';

interface Frame {
  depth: number;
  terminator: Terminator;
  current?: Builder;
  /** A command of this frame came before. */
  afterCommand: boolean;
  sepForNext?: ShellSeparator;
  /** `for x in …` / `select`: words up to the next separator are not a command. */
  skipUntilSeparator: boolean;
  /** `function name`: the next word is a function name. */
  skipNextWord: boolean;
  caseLevel: number;
  inCasePattern: boolean;
}

interface Builder {
  slot: number;
  start: number;
  end: number;
  words: Word[];
  assignments: Word[];
  depth: number;
  separatorBefore?: ShellSeparator;
}

interface ScannedWord {
  start: number;
  end: number;
  value: string;
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  builder?: Builder;
  frameDepth: number;
}

/**
 * Splits `text[start, end)` into shell commands with exact word ranges.
 * Never throws; unbalanced quotes and substitutions run to the end of the range.
 */
export function splitShell(
  text: string,
  start: number,
  end: number,
  index: LineIndex,
  options: SplitShellOptions = {},
): ShellScript {
  const from = clamp(start, 0, text.length);
  const to = clamp(end, from, text.length);
  return plainCommandScript(text, from, to, index) ?? splitShellGenerally(text, from, to, index, options);
}

/** `splitShell` without the shortcut for one command of plain words (`plainCommandScript`): tests compare the two. */
export function splitShellGenerally(text: string, start: number, end: number, index: LineIndex, options: SplitShellOptions = {}): ShellScript {
  const from = clamp(start, 0, text.length);
  const to = clamp(end, from, text.length);
  const splitter = new Splitter(text, from, to, index, options, 0, 0);
  splitter.run();
  return {
    text: text.slice(from, to),
    range: index.range(from, to),
    commands: splitter.commands(),
    heredocs: finishedList(splitter.heredocs),
    comments: finishedList(splitter.comments),
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(Number.isFinite(value) ? Math.floor(value) : low, high));
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(slash + 1) : path;
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/**
 * The word holding the script string of a call that runs one: `sh -c '…'`, `bash -o pipefail -c "…"` (also behind
 * `sudo`/`env`/`exec`), `su [-] [user] -c '…'`, `runuser -l user -c '…'`, and `eval "…"` with one operand.
 */
function scriptStringWord(words: readonly Word[]): Word | undefined {
  let at = 0;
  while (at < words.length - 1 && SHELL_C_WRAPPERS.has(basename(words[at].value))) {
    at++;
    // the wrapper's options and `env`'s assignments (`sudo -u app`, `env A=1`)
    while (at < words.length - 1 && (words[at].value.startsWith('-') || ASSIGNMENT.test(words[at].value))) {
      at += WRAPPER_OPTIONS_WITH_VALUE.has(words[at].value) ? 2 : 1;
    }
  }
  if (at >= words.length) {
    return undefined;
  }
  const program = basename(words[at].value);
  if (program === 'eval') {
    return words.length === at + 2 ? words[at + 1] : undefined;
  }
  if (program === 'su' || program === 'runuser') {
    // `-c` takes the command; it may close a cluster (`su -lc '…' app`) or be spelled `--command`.
    const option = words.findIndex((word, i) => i > at && (/^-[A-Za-z]*c$/.test(word.value) || word.value === '--command'));
    return option > 0 ? words[option + 1] : undefined;
  }
  if (!SHELLS.has(program)) {
    return undefined;
  }
  for (let i = at + 1; i < words.length; i++) {
    const value = words[i].value;
    if (OPTIONS_WITH_VALUE.has(value)) {
      i++;
    } else if (/^-[A-Za-z]*c[A-Za-z]*$/.test(value)) {
      return words[i + 1];
    } else if (!/^[-+][A-Za-z]+$/.test(value)) {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The commands of the script string `words` runs (see `scriptStringWord`), one level below `depth`; empty when
 * there is none or it is not written in one pair of quotes. `json`: the word is a JSON string (exec form), split
 * only when it holds no backslash escape, so that its text is the script as the shell reads it.
 */
function scriptStringCommands(text: string, index: LineIndex, words: readonly Word[], depth: number, heredocNesting: number, json: boolean): ShellCommand[] {
  const body = scriptStringWord(words);
  const quoted = body && (json ? /^"[^"\\]*"$/ : /^(?:'[^']*'|"(?:[^"\\]|\\[\s\S])*")$/).test(body.text);
  if (!body || !quoted) {
    return [];
  }
  const start = index.offsetAt(body.range.start) + 1;
  const end = index.offsetAt(body.range.end) - 1;
  const inner = new Splitter(text, start, end, index, {}, depth + 1, heredocNesting + 1);
  inner.run();
  const commands = inner.commands();
  const quote = body.text[0] as "'" | '"';
  for (const command of commands) {
    if (!enclosingQuotes.has(command)) {
      enclosingQuotes.set(command, quote);
    }
  }
  return commands;
}

/**
 * The exec form `RUN ["bash", "-c", "…"]` as commands: the argv as one command, then the commands of its script
 * string (when it is one, without backslash escapes), one level deeper, like `bash -c "…"` in the shell form.
 */
export function execFormCommands(text: string, index: LineIndex, argv: ShellCommand): ShellCommand[] {
  const inner = scriptStringCommands(text, index, argv.words, argv.depth, 0, true);
  if (inner.length === 0) {
    return [argv];
  }
  splitShellCCalls.add(argv);
  return [argv, ...inner];
}

class Splitter {
  readonly heredocs: Heredoc[] = [];
  readonly comments: Comment[] = [];
  private readonly slots: (ShellCommand | null)[] = [];
  private pending: PendingHeredoc[] = [];
  private pos: number;
  private readonly escape: string;
  private readonly docker: boolean;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly index: LineIndex,
    options: SplitShellOptions,
    private readonly baseDepth: number,
    private readonly heredocNesting: number,
    private readonly recorder?: PointRecorder,
  ) {
    this.pos = start;
    this.escape = options.escapeChar && options.escapeChar.length === 1 ? options.escapeChar : '\\';
    this.docker = options.dockerfileComments === true;
  }

  run(): void {
    const frame = newFrame(this.baseDepth, 'eof');
    if (this.recorder !== undefined) {
      frame.afterCommand = this.recorder.from.afterCommand;
      frame.sepForNext = this.recorder.from.separator;
    }
    while (this.pos < this.end) {
      this.parseList(frame);
      if (this.pos < this.end) {
        this.pos++; // a stray terminator at top level
      }
    }
    this.finishCommand(frame);
  }

  commands(): ShellCommand[] {
    return finishedList(this.slots.filter((command): command is ShellCommand => command !== null));
  }

  // ------------------------------------------------------------ lists and commands

  /** Parses commands until the frame's terminator (consumed) or the end of the range. */
  private parseList(frame: Frame): void {
    const { text } = this;
    while (this.pos < this.end) {
      this.skipBlanks();
      if (this.pos >= this.end) {
        break;
      }
      const c = text[this.pos];
      const next = text[this.pos + 1];
      if (c === '\n') {
        this.onNewline(frame);
        continue;
      }
      if ((c === ')' && frame.terminator === ')') || (c === '`' && frame.terminator === '`')) {
        this.pos++;
        this.finishCommand(frame);
        return;
      }
      if (c === '#') {
        this.readComment();
        continue;
      }
      if (frame.inCasePattern && !frame.current?.words.length) {
        if (this.peekWordIs('esac')) {
          this.pos += 4;
          frame.caseLevel = Math.max(0, frame.caseLevel - 1);
          frame.inCasePattern = false;
          continue;
        }
        this.skipCasePattern();
        frame.inCasePattern = false;
        continue;
      }
      if (c === ';' || c === '&' || c === '|') {
        if (c === '&' && next === '>') {
          this.readRedirect(frame);
          continue;
        }
        this.readSeparator(frame);
        continue;
      }
      if (c === '(') {
        this.onOpenParen(frame);
        continue;
      }
      if (c === ')') {
        this.pos++; // stray `)`
        continue;
      }
      if (this.atRedirect()) {
        this.readRedirect(frame);
        continue;
      }
      if (c === '}' && frame.terminator === '}' && !frame.current?.words.length && this.isWordEnd(this.pos + 1)) {
        this.pos++;
        this.finishCommand(frame);
        return;
      }
      this.onWord(frame);
    }
    this.finishCommand(frame);
  }

  private onWord(frame: Frame): void {
    const atCommandStart = !frame.current || frame.current.words.length === 0;
    if (atCommandStart && this.text.startsWith('((', this.pos)) {
      this.pos = this.skipBalanced(this.pos, '(', ')');
      return;
    }
    const builder = this.builder(frame);
    const scanned = this.readWord(frame);
    if (scanned.end === scanned.start) {
      this.pos++; // cannot happen for well-formed input; guarantees progress
      return;
    }
    const word = this.makeWord(scanned);
    const literal = word.text === word.value;
    if (frame.skipNextWord) {
      frame.skipNextWord = false;
      return;
    }
    if (frame.skipUntilSeparator) {
      return;
    }
    if (builder.words.length === 0 && literal) {
      if (SKIPPED_KEYWORDS.has(word.value)) {
        return;
      }
      if (word.value === 'for' || word.value === 'select') {
        frame.skipUntilSeparator = true;
        return;
      }
      if (word.value === 'function') {
        frame.skipNextWord = true;
        return;
      }
      if (word.value === 'case') {
        this.skipCaseHeader();
        frame.caseLevel++;
        frame.inCasePattern = true;
        return;
      }
      if (word.value === '{' && builder.assignments.length === 0) {
        this.openGroup(frame, '}');
        return;
      }
      if (word.value === '}') {
        return; // closes a group we did not open (garbage or past the nesting limit)
      }
    }
    if (builder.words.length === 0 && ASSIGNMENT.test(word.text)) {
      builder.assignments.push(word);
    } else {
      builder.words.push(word);
    }
    this.extend(builder, scanned.start, scanned.end);
  }

  private onOpenParen(frame: Frame): void {
    const current = frame.current;
    if (current && current.words.length > 0) {
      // `name() { … }`: a function definition, not a command.
      let p = this.pos + 1;
      while (p < this.end && isBlank(this.text[p])) {
        p++;
      }
      if (this.text[p] === ')' && current.words.length === 1) {
        this.slots[current.slot] = null;
        frame.current = undefined;
        this.pos = p + 1;
        return;
      }
      this.pos++;
      return;
    }
    this.openGroup(frame, ')', true);
  }

  /** Runs a `( … )` subshell or `{ …; }` group as a nested list. */
  private openGroup(frame: Frame, terminator: ')' | '}', consumeOpener = false): void {
    if (frame.current && frame.current.words.length === 0 && frame.current.assignments.length === 0) {
      this.slots[frame.current.slot] = null;
      frame.current = undefined;
    }
    if (frame.depth >= MAX_DEPTH) {
      if (consumeOpener) {
        this.pos = this.skipBalanced(this.pos, '(', ')');
      }
      return;
    }
    if (consumeOpener) {
      this.pos++;
    }
    this.parseList(newFrame(frame.depth + 1, terminator));
    frame.sepForNext = undefined;
  }

  private builder(frame: Frame): Builder {
    if (!frame.current) {
      frame.current = {
        slot: this.slots.push(null) - 1,
        start: -1,
        end: -1,
        words: [],
        assignments: [],
        depth: frame.depth,
        separatorBefore: frame.afterCommand ? frame.sepForNext ?? 'newline' : frame.sepForNext,
      };
    }
    return frame.current;
  }

  private extend(builder: Builder, start: number, end: number): void {
    if (builder.start < 0) {
      builder.start = start;
    }
    builder.end = Math.max(builder.end, end);
  }

  /** Ends the frame's current command: the command made, if it has any word or assignment. */
  private finishCommand(frame: Frame): Draft<ShellCommand> | undefined {
    const builder = frame.current;
    frame.current = undefined;
    if (!builder) {
      return undefined;
    }
    if (builder.words.length === 0 && builder.assignments.length === 0) {
      this.slots[builder.slot] = null;
      return undefined;
    }
    const command: Draft<ShellCommand> = {
      words: finishedList(builder.words),
      assignments: finishedList(builder.assignments),
      name: builder.words.length > 0 ? basename(builder.words[0].value) : '',
      range: this.index.range(builder.start, builder.end),
      pipesToNext: false,
      depth: builder.depth,
    };
    if (builder.separatorBefore !== undefined) {
      command.separatorBefore = builder.separatorBefore;
    }
    this.slots[builder.slot] = command;
    frame.afterCommand = true;
    frame.sepForNext = undefined;
    this.splitShellCString(command, builder.depth);
    return command;
  }

  /**
   * `bash -c "…"`, `sh -ec '…'`, `su -c '…'`, `eval "…"`: the script string written in one pair of quotes is shell too;
   * its commands follow the call, one level deeper, with ranges inside the string.
   */
  private splitShellCString(command: ShellCommand, depth: number): void {
    if (this.heredocNesting >= MAX_HEREDOC_NESTING) {
      return;
    }
    const commands = scriptStringCommands(this.text, this.index, command.words, depth, this.heredocNesting, false);
    if (commands.length === 0) {
      return;
    }
    splitShellCCalls.add(command);
    for (const innerCommand of commands) {
      this.slots.push(innerCommand);
    }
  }

  private readSeparator(frame: Frame): void {
    const { text } = this;
    const c = text[this.pos];
    const next = text[this.pos + 1];
    let separator: ShellSeparator;
    if (c === '&') {
      separator = next === '&' ? '&&' : '&';
    } else if (c === '|') {
      separator = next === '|' ? '||' : '|';
    } else {
      separator = ';';
    }
    let length = separator.length;
    if (c === '|' && next === '&') {
      length = 2; // `|&`
    }
    const caseEnd = c === ';' && (next === ';' || next === '&');
    if (caseEnd) {
      length = text[this.pos + 2] === '&' ? 3 : 2;
    }
    this.pos += length;
    const finished = this.finishCommand(frame);
    if (separator === '|' && finished) {
      finished.pipesToNext = true;
    }
    frame.skipUntilSeparator = false;
    frame.skipNextWord = false;
    if (caseEnd && frame.caseLevel > 0) {
      frame.inCasePattern = true;
    }
    if (frame.afterCommand) {
      frame.sepForNext = separator;
    }
  }

  private onNewline(frame: Frame): void {
    this.pos++;
    this.finishCommand(frame);
    if (frame.afterCommand && (frame.sepForNext === undefined || frame.sepForNext === ';' || frame.sepForNext === '&')) {
      frame.sepForNext = 'newline';
    }
    if (frame.current) {
      frame.current.separatorBefore = frame.sepForNext;
    }
    frame.skipUntilSeparator = false;
    frame.skipNextWord = false;
    if (this.pending.length > 0) {
      this.readHeredocBodies();
    }
    if (this.docker) {
      this.skipDockerfileCommentLines();
    }
    if (this.recorder !== undefined && frame.terminator === 'eof') {
      this.recordPoint(frame, this.recorder);
    }
  }

  /** After a top-level line break: a clean point, unless something is still open; stops the split where told to. */
  private recordPoint(frame: Frame, recorder: PointRecorder): void {
    if (this.pos >= this.end || this.pending.length > 0 || frame.current !== undefined || frame.caseLevel > 0 || frame.inCasePattern || this.docker) {
      return;
    }
    const { slots } = this;
    for (let slot = recorder.countedSlots; slot < slots.length; slot++) {
      if (slots[slot] !== null) {
        recorder.commandCount++;
      }
    }
    recorder.countedSlots = slots.length;
    const { from } = recorder;
    const point: SplitPoint = {
      offset: this.pos,
      commands: recorder.commandCount,
      heredocs: from.heredocs + this.heredocs.length,
      comments: from.comments + this.comments.length,
      afterCommand: frame.afterCommand,
      separator: frame.sepForNext,
    };
    recorder.points.push(point);
    if (recorder.stop(point)) {
      recorder.stopped = point;
      this.pos = this.end;
    }
  }

  // ------------------------------------------------------------ words

  private readWord(frame: Frame): ScannedWord {
    const { text } = this;
    const start = this.pos;
    let value = '';
    // A word ends before a trailing line continuation: `--flag\<newline>` is the word `--flag`.
    let contentEnd = start;
    let afterLastContinuation = -1;
    const inBacktick = frame.terminator === '`';
    while (this.pos < this.end) {
      const continued = this.continuationEnd(this.pos);
      if (continued >= 0) {
        if (afterLastContinuation !== this.pos) {
          contentEnd = this.pos;
        }
        this.pos = continued;
        this.afterContinuation();
        afterLastContinuation = this.pos;
        continue;
      }
      const c = text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|') {
        break;
      }
      if (c === '<' || c === '>') {
        if (text[this.pos + 1] === '(' && this.pos === start) {
          this.pos += 2;
          this.nested(frame, ')');
          value += text.slice(start, this.pos);
          continue;
        }
        break;
      }
      if (c === '(' || c === ')') {
        break;
      }
      if (c === '`' && this.escape !== '`') {
        if (inBacktick) {
          break;
        }
        const open = this.pos;
        this.pos++;
        this.nested(frame, '`');
        value += text.slice(open, this.pos);
        continue;
      }
      if (c === '\\') {
        if (this.pos + 1 < this.end) {
          value += text[this.pos + 1];
          this.pos += 2;
        } else {
          value += c;
          this.pos++;
        }
        continue;
      }
      if (c === "'") {
        value += this.readSingleQuoted();
        continue;
      }
      if (c === '"') {
        value += this.readDoubleQuoted(frame);
        continue;
      }
      if (c === '$') {
        value += this.readDollar(frame);
        continue;
      }
      const runEnd = this.plainRunEnd(this.pos + 1);
      value += text.slice(this.pos, runEnd);
      this.pos = runEnd;
    }
    return { start, end: afterLastContinuation === this.pos && contentEnd > start ? contentEnd : this.pos, value };
  }

  private readSingleQuoted(): string {
    const { text } = this;
    this.pos++;
    let value = '';
    while (this.pos < this.end) {
      if (this.docker) {
        const continued = this.continuationEnd(this.pos);
        if (continued >= 0) {
          this.pos = continued;
          this.afterContinuation();
          continue;
        }
      }
      const c = text[this.pos];
      this.pos++;
      if (c === "'") {
        return value;
      }
      value += c;
    }
    return value;
  }

  private readDoubleQuoted(frame: Frame): string {
    const { text } = this;
    this.pos++;
    let value = '';
    while (this.pos < this.end) {
      const continued = this.continuationEnd(this.pos);
      if (continued >= 0) {
        this.pos = continued;
        this.afterContinuation();
        continue;
      }
      const c = text[this.pos];
      if (c === '"') {
        this.pos++;
        return value;
      }
      if (c === '\\') {
        const next = text[this.pos + 1];
        if (this.pos + 1 < this.end && (next === '$' || next === '`' || next === '"' || next === '\\')) {
          value += next;
          this.pos += 2;
        } else {
          value += c;
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        value += this.readDollar(frame);
        continue;
      }
      if (c === '`' && this.escape !== '`' && frame.terminator !== '`') {
        const open = this.pos;
        this.pos++;
        this.nested(frame, '`');
        value += text.slice(open, this.pos);
        continue;
      }
      value += c;
      this.pos++;
    }
    return value;
  }

  /** `$(…)`, `$((…))`, `${…}`, `$name`: returns the raw text, emitting commands of substitutions. */
  private readDollar(frame: Frame): string {
    const { text } = this;
    const open = this.pos;
    const next = text[this.pos + 1];
    if (next === '(' && text[this.pos + 2] === '(') {
      this.pos = this.skipBalanced(this.pos + 1, '(', ')');
    } else if (next === '(') {
      this.pos += 2;
      this.nested(frame, ')');
    } else if (next === '{') {
      this.pos = this.skipBalanced(this.pos + 1, '{', '}');
    } else {
      this.pos++;
    }
    return text.slice(open, this.pos);
  }

  /** Parses a substitution body as a nested list (or skips it literally past the depth limit). */
  private nested(frame: Frame, terminator: ')' | '`'): void {
    if (frame.depth >= MAX_DEPTH) {
      if (terminator === ')') {
        this.pos = this.skipBalanced(this.pos - 1, '(', ')');
      } else {
        const close = this.text.indexOf('`', this.pos);
        this.pos = close < 0 || close >= this.end ? this.end : close + 1;
      }
      return;
    }
    this.parseList(newFrame(frame.depth + 1, terminator));
  }

  /** From an opening bracket at `open`, returns the offset after its balanced close (or the end). */
  private skipBalanced(open: number, opener: string, closer: string): number {
    const { text } = this;
    let level = 0;
    let p = open;
    while (p < this.end) {
      const c = text[p];
      if (c === '\\') {
        p += 2;
        continue;
      }
      if ((c === "'" || c === '"') && opener === '{') {
        p = this.skipQuoted(p);
        continue;
      }
      if (c === opener) {
        level++;
      } else if (c === closer) {
        level--;
        if (level <= 0) {
          return p + 1;
        }
      }
      p++;
    }
    return this.end;
  }

  /** End of a run of characters with no special meaning inside an unquoted word. */
  private plainRunEnd(from: number): number {
    const { text, end } = this;
    let p = from;
    while (p < end) {
      const code = text.charCodeAt(p);
      if (code < 128 && SPECIAL_IN_WORD[code] === 1) {
        break;
      }
      p++;
    }
    return p;
  }

  /** From a quote at `open`, returns the offset after its closing quote (or the end). */
  private skipQuoted(open: number): number {
    const { text } = this;
    const quote = text[open];
    let p = open + 1;
    while (p < this.end) {
      const c = text[p];
      if (c === '\\' && quote === '"') {
        p += 2;
        continue;
      }
      if (c === quote) {
        return p + 1;
      }
      p++;
    }
    return this.end;
  }

  private makeWord(scanned: ScannedWord): Word {
    const text = this.text.slice(scanned.start, scanned.end);
    // Most words are written without quotes or escapes: one string for both (the model keeps every word).
    return { text, value: scanned.value === text ? text : scanned.value, range: this.index.range(scanned.start, scanned.end) };
  }

  private isWordEnd(p: number): boolean {
    if (p >= this.end) {
      return true;
    }
    const c = this.text[p];
    return isBlank(c) || c === '\n' || c === ';' || c === '&' || c === '|' || c === ')' || c === '`';
  }

  private peekWordIs(word: string): boolean {
    return this.text.startsWith(word, this.pos) && this.isWordEnd(this.pos + word.length);
  }

  // ------------------------------------------------------------ case … esac

  /** After `case`: skips the subject word and `in`. */
  private skipCaseHeader(): void {
    const stop = this.text.indexOf('in', this.pos);
    if (stop < 0 || stop >= this.end) {
      return;
    }
    // Only skip when `in` is a separate word on this logical line.
    let p = this.pos;
    while (p < this.end && this.text[p] !== '\n') {
      if (this.text.startsWith('in', p) && isBlank(this.text[p - 1] ?? ' ') && this.isWordEnd(p + 2)) {
        this.pos = p + 2;
        return;
      }
      p++;
    }
  }

  /** Skips a case pattern `(a|b)` / `a|b)` up to and including its `)`. */
  private skipCasePattern(): void {
    const { text } = this;
    if (text[this.pos] === '(') {
      this.pos++;
    }
    while (this.pos < this.end) {
      const c = text[this.pos];
      if (c === ')') {
        this.pos++;
        return;
      }
      if (c === '\n') {
        return;
      }
      if (c === '\\') {
        this.pos += 2;
        continue;
      }
      if (c === '"' || c === "'") {
        const close = text.indexOf(c, this.pos + 1);
        this.pos = close < 0 || close >= this.end ? this.end : close + 1;
        continue;
      }
      this.pos++;
    }
  }

  // ------------------------------------------------------------ redirections and heredocs

  private atRedirect(): boolean {
    const { text } = this;
    let p = this.pos;
    while (p < this.end && isDigit(text[p])) {
      p++;
    }
    const c = text[p];
    if (c !== '<' && c !== '>') {
      return false;
    }
    return !(p === this.pos && text[p + 1] === '(');
  }

  private readRedirect(frame: Frame): void {
    const { text } = this;
    const builder = this.builder(frame);
    const opStart = this.pos;
    while (this.pos < this.end && isDigit(text[this.pos])) {
      this.pos++;
    }
    let heredoc: 'plain' | 'dash' | undefined;
    if (text.startsWith('<<<', this.pos)) {
      this.pos += 3;
    } else if (text.startsWith('<<-', this.pos)) {
      this.pos += 3;
      heredoc = 'dash';
    } else if (text.startsWith('<<', this.pos)) {
      this.pos += 2;
      heredoc = 'plain';
    } else if (text.startsWith('&>>', this.pos)) {
      this.pos += 3;
    } else {
      this.pos++; // `&`, `<` or `>`
      const c = text[this.pos];
      if (c === '>' || c === '&' || c === '|') {
        this.pos++;
      }
    }
    this.extend(builder, opStart, this.pos);
    this.skipBlanks();
    if (this.pos >= this.end || this.isOperatorStart(text[this.pos])) {
      return;
    }
    const target = this.readWord(frame);
    this.extend(builder, target.start, target.end);
    if (heredoc) {
      this.pending.push({
        delimiter: target.value,
        stripTabs: heredoc === 'dash',
        builder,
        frameDepth: frame.depth,
      });
    }
  }

  private isOperatorStart(c: string): boolean {
    return c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>';
  }

  /** At the start of the line after a heredoc operator's line: records each pending body. */
  private readHeredocBodies(): void {
    const pending = this.pending;
    this.pending = [];
    for (const doc of pending) {
      const bodyStart = this.pos;
      let bodyEnd = this.end;
      let after = this.end;
      while (this.pos < this.end) {
        const lineStart = this.pos;
        let lineEnd = this.text.indexOf('\n', lineStart);
        if (lineEnd < 0 || lineEnd > this.end) {
          lineEnd = this.end;
        }
        let line = this.text.slice(lineStart, lineEnd);
        if (line.endsWith('\r')) {
          line = line.slice(0, -1);
        }
        if (doc.stripTabs) {
          line = line.replace(/^\t+/, '');
        }
        if (line === doc.delimiter) {
          bodyEnd = lineStart;
          after = Math.min(lineEnd + 1, this.end);
          break;
        }
        this.pos = Math.min(lineEnd + 1, this.end);
      }
      this.pos = after;
      // The body excludes the line break before the delimiter line.
      let trimmedEnd = bodyEnd;
      if (bodyEnd < after && trimmedEnd > bodyStart && this.text[trimmedEnd - 1] === '\n') {
        trimmedEnd--;
        if (trimmedEnd > bodyStart && this.text[trimmedEnd - 1] === '\r') {
          trimmedEnd--;
        }
      }
      const body = this.text.slice(bodyStart, trimmedEnd);
      this.heredocs.push({ delimiter: doc.delimiter, body, range: this.index.range(bodyStart, trimmedEnd) });
      this.splitHeredocIfShell(doc, body, bodyStart, trimmedEnd);
    }
  }

  private splitHeredocIfShell(doc: PendingHeredoc, body: string, start: number, end: number): void {
    if (this.heredocNesting >= MAX_HEREDOC_NESTING || !doc.builder) {
      return;
    }
    const words = doc.builder.words;
    let depth: number;
    if (words.length === 0) {
      // Dockerfile `RUN <<EOF`: the body is the script, unless its shebang names another interpreter.
      if (!this.docker) {
        return;
      }
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
      if (shebang) {
        const interpreter = basename(shebang[1]) === 'env' ? shebang[2] ?? '' : basename(shebang[1]);
        if (!SHELLS.has(interpreter)) {
          return;
        }
      }
      depth = doc.frameDepth;
    } else {
      if (!SHELLS.has(basename(words[0].value))) {
        return;
      }
      if (words.slice(1).some((word) => !word.value.startsWith('-') || word.value === '-c')) {
        return;
      }
      depth = doc.frameDepth + 1;
    }
    const inner = new Splitter(this.text, start, end, this.index, {}, depth, this.heredocNesting + 1);
    inner.run();
    for (const command of inner.commands()) {
      this.slots.push(command);
    }
    this.heredocs.push(...inner.heredocs);
    this.comments.push(...inner.comments);
  }

  // ------------------------------------------------------------ blanks, continuations, comments

  /** Offset after a line continuation starting at `p`, or -1. */
  private continuationEnd(p: number): number {
    const { text } = this;
    const c = text[p];
    if (c !== '\\' && c !== this.escape) {
      return -1;
    }
    let q = p + 1;
    if (this.docker && c === this.escape) {
      while (q < this.end && (text[q] === ' ' || text[q] === '\t')) {
        q++;
      }
    }
    if (text[q] === '\r') {
      q++;
    }
    return q < this.end && text[q] === '\n' ? q + 1 : -1;
  }

  private afterContinuation(): void {
    if (this.docker) {
      this.skipDockerfileCommentLines();
    }
  }

  /** Docker drops comment lines and blank lines inside a continued instruction. */
  private skipDockerfileCommentLines(): void {
    const { text } = this;
    while (this.pos < this.end) {
      let p = this.pos;
      while (p < this.end && isBlank(text[p])) {
        p++;
      }
      if (p < this.end && text[p] === '#') {
        let lineEnd = text.indexOf('\n', p);
        if (lineEnd < 0 || lineEnd > this.end) {
          lineEnd = this.end;
        }
        const commentEnd = lineEnd > p && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
        this.comments.push({ text: text.slice(p, commentEnd), range: this.index.range(p, commentEnd) });
        this.pos = Math.min(lineEnd + 1, this.end);
        continue;
      }
      if (p < this.end && text[p] === '\n') {
        this.pos = p + 1;
        continue;
      }
      return;
    }
  }

  private skipBlanks(): void {
    while (this.pos < this.end) {
      const continued = this.continuationEnd(this.pos);
      if (continued >= 0) {
        this.pos = continued;
        this.afterContinuation();
        continue;
      }
      if (!isBlank(this.text[this.pos])) {
        return;
      }
      this.pos++;
    }
  }

  /**
   * A `#` comment at a word start, to the end of the line. In Dockerfiles the shell sees continued
   * lines joined, so the comment also swallows the continuation lines that follow it.
   */
  private readComment(): void {
    const { text } = this;
    const start = this.pos;
    let p = start;
    let commentEnd = this.end;
    while (p < this.end) {
      let lineEnd = text.indexOf('\n', p);
      if (lineEnd < 0 || lineEnd > this.end) {
        lineEnd = this.end;
      }
      let q = lineEnd;
      if (q > p && text[q - 1] === '\r') {
        q--;
      }
      commentEnd = q;
      let r = q;
      while (r > p && (text[r - 1] === ' ' || text[r - 1] === '\t')) {
        r--;
      }
      const continued = this.docker && r > p && text[r - 1] === this.escape && lineEnd < this.end;
      if (!continued) {
        p = lineEnd;
        break;
      }
      p = lineEnd + 1;
    }
    this.comments.push({ text: text.slice(start, commentEnd), range: this.index.range(start, commentEnd) });
    this.pos = Math.max(p, start + 1);
  }
}

function newFrame(depth: number, terminator: Terminator): Frame {
  return {
    depth,
    terminator,
    afterCommand: false,
    skipUntilSeparator: false,
    skipNextWord: false,
    caseLevel: 0,
    inCasePattern: false,
  };
}

// The shell scripts of a new version of a definition file (a keystroke in the language server) split only where the text
// changed, and made of the previous parse's objects elsewhere: the facts rules keep per command object
// (recipe/facts.ts `factsByCommand`) are found again, and a 4,000-line `%post` is not split again on every keystroke.
//
// A script is split from the last clean point of its previous split (shell.ts `SplitPoint`: top level, after a line
// break, nothing open) before the first changed character, the commands, heredocs and comments before that point taken
// as they were. The split stops at the first clean point after the change that is a clean point of the previous split
// in the same state, in the unchanged end of the text, on the same line (no line was added or removed): from there on
// the previous split's commands are what the splitter would make again, same objects, same positions.
//
// Commands of the part split again are replaced by the previous split's command starting at the same position when
// that one is the same in everything a reader can see: its text, every field (words and assignments with their
// ranges, name, range, separator, pipe, depth) and its entries in shell.ts's side tables (`isSplitShellCCall`,
// `enclosingQuote`). Facts cached by command object depend on the command's words alone (recipe/facts.ts), so they
// hold for a reused object. Each previous command is reused at most once.
import { finishedList, type Comment, type Heredoc, type Position, type ShellCommand, type ShellScript, type Word } from './model';
import { enclosingQuote, isSplitShellCCall, plainCommandScript, scriptStart, splitShellFrom, type SplitPoint } from './shell';
import { commonPrefixLength, commonSuffixLength, type LineIndex } from './text';

/** A script of a parse: where it was split from and to, what came out, and its clean points. */
interface RememberedScript {
  readonly start: number;
  readonly end: number;
  readonly script: ShellScript;
  /** In order of offset; none for a script of one plain command (shell.ts `plainCommandScript`). */
  readonly points: readonly SplitPoint[];
}

/** The scripts of one parse, by where they start in its text. */
interface PreviousParse {
  readonly text: string;
  readonly index: LineIndex;
  readonly scripts: Map<number, RememberedScript>;
}

/** What one parse of a definition file leaves for the next parse of it: its text and its scripts. */
export class DefinitionParseMemo {
  private previous?: PreviousParse;

  /** A parse of `text` (indexed by `index`) reusing the previous parse's unchanged commands; the previous parse is forgotten. */
  begin(text: string, index: LineIndex): DefinitionParseWithMemo {
    const previous = this.previous;
    this.previous = undefined;
    return new DefinitionParseWithMemo(this, previous, text, index);
  }

  /** Called by the parse `begin` returned, when it succeeded. */
  remember(parse: PreviousParse): void {
    this.previous = parse;
  }

  /** The clean points of `script` of the last parse, split from `start` in its text; undefined for another script. */
  cleanPoints(script: ShellScript, start: number): readonly SplitPoint[] | undefined {
    const remembered = this.previous?.scripts.get(start);
    return remembered?.script === script ? remembered.points : undefined;
  }
}

/** One parse of a definition file with the memo of the previous one. */
export class DefinitionParseWithMemo {
  private readonly scripts = new Map<number, RememberedScript>();
  /** The texts of the previous parse and this one are the same in this many characters at their start, and at their end. */
  private readonly samePrefix: number;
  private readonly sameSuffix: number;
  /** This text's length less the previous one's. */
  private readonly shift: number;

  constructor(
    private readonly memo: DefinitionParseMemo,
    private readonly previous: PreviousParse | undefined,
    private readonly text: string,
    private readonly index: LineIndex,
  ) {
    this.samePrefix = previous === undefined ? 0 : commonPrefixLength(previous.text, text);
    this.sameSuffix = previous === undefined ? 0 : commonSuffixLength(previous.text, text, this.samePrefix);
    this.shift = previous === undefined ? 0 : text.length - previous.text.length;
  }

  /** What shell.ts `splitShell` makes of `text[start, end)`, with the previous parse's objects where nothing changed. */
  split(start: number, end: number): ShellScript {
    const { text, index } = this;
    const unchanged = this.unchangedScript(start, end);
    if (unchanged !== undefined) {
      this.scripts.set(start, unchanged);
      return unchanged.script;
    }
    const plain = plainCommandScript(text, start, end, index);
    if (plain !== undefined) {
      this.scripts.set(start, { start, end, script: plain, points: [] });
      return plain;
    }
    const old = this.previousScript(start, end);
    const resumed = old !== undefined && old.start === start ? this.lastPointBeforeChange(old, end) : undefined;
    const from = resumed ?? scriptStart(start);
    const stops = old !== undefined && this.previous?.index.lineCount === index.lineCount && old.end + this.shift === end;
    let oldStop: SplitPoint | undefined;
    const part = splitShellFrom(text, from, end, index, (point) => {
      oldStop = stops ? this.samePointAfterChange(old, point) : undefined;
      return oldStop !== undefined;
    });
    const before = old?.script;
    const after = oldStop !== undefined ? before : undefined;
    const commands = joined(before?.commands, from.commands, this.reuseCommands(part.commands, old, from.commands, oldStop), after?.commands, oldStop?.commands);
    const heredocs = joined<Heredoc>(before?.heredocs, from.heredocs, part.heredocs, after?.heredocs, oldStop?.heredocs);
    const comments = joined<Comment>(before?.comments, from.comments, part.comments, after?.comments, oldStop?.comments);
    const script: ShellScript = { text: text.slice(start, end), range: index.range(start, end), commands, heredocs, comments };
    this.scripts.set(start, { start, end, script, points: this.pointsOf(old, resumed, part.points, part.stopped, oldStop) });
    return script;
  }

  /**
   * The previous parse's script of `text[start, end)` when that text and the character after it are in the unchanged
   * start of the text, or in its unchanged end with the line break before it and no line added or removed (same
   * positions): the script with its points moved to this text.
   */
  private unchangedScript(start: number, end: number): RememberedScript | undefined {
    const previous = this.previous;
    if (previous === undefined) {
      return undefined;
    }
    if (end < this.samePrefix) {
      const old = previous.scripts.get(start);
      return old !== undefined && old.end === end ? old : undefined;
    }
    if (start - 1 < this.text.length - this.sameSuffix || previous.index.lineCount !== this.index.lineCount) {
      return undefined;
    }
    const shift = this.shift;
    const old = previous.scripts.get(start - shift);
    if (old === undefined || old.end + shift !== end || !samePosition(old.script.range.start, this.index.positionAt(start))) {
      return undefined;
    }
    const points = old.points.map((point) => ({
      offset: point.offset + shift,
      commands: point.commands,
      heredocs: point.heredocs,
      comments: point.comments,
      afterCommand: point.afterCommand,
      separator: point.separator,
    }));
    return { start, end, script: old.script, points };
  }

  /** The previous parse's script split from the same place, or from the same place in the unchanged end of the text. */
  private previousScript(start: number, end: number): RememberedScript | undefined {
    const scripts = this.previous?.scripts;
    if (scripts === undefined) {
      return undefined;
    }
    const same = scripts.get(start);
    if (same !== undefined) {
      return same;
    }
    const moved = start >= this.text.length - this.sameSuffix ? scripts.get(start - this.shift) : undefined;
    return moved !== undefined && moved.end + this.shift === end ? moved : undefined;
  }

  /** The last clean point of `old` (split from this script's start) before the first changed character and the end. */
  private lastPointBeforeChange(old: RememberedScript, end: number): SplitPoint | undefined {
    const limit = Math.min(this.samePrefix, end);
    const { points } = old;
    let found: SplitPoint | undefined;
    for (let low = 0, high = points.length - 1; low <= high; ) {
      const mid = (low + high) >> 1;
      if (points[mid].offset < limit) {
        found = points[mid];
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** `old`'s clean point where `point` is, in the same state, when the line break before it is in the unchanged end of the text. */
  private samePointAfterChange(old: RememberedScript, point: SplitPoint): SplitPoint | undefined {
    if (point.offset - 1 < this.text.length - this.sameSuffix) {
      return undefined;
    }
    const offset = point.offset - this.shift;
    const { points } = old;
    for (let low = 0, high = points.length - 1; low <= high; ) {
      const mid = (low + high) >> 1;
      const candidate = points[mid];
      if (candidate.offset === offset) {
        return candidate.afterCommand === point.afterCommand && candidate.separator === point.separator ? candidate : undefined;
      }
      if (candidate.offset < offset) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return undefined;
  }

  /** The clean points of the new split: `old`'s up to `resumed`, the part's, and `old`'s after `oldStop` moved to this text. */
  private pointsOf(
    old: RememberedScript | undefined,
    resumed: SplitPoint | undefined,
    part: readonly SplitPoint[],
    stopped: SplitPoint | undefined,
    oldStop: SplitPoint | undefined,
  ): SplitPoint[] {
    const points: SplitPoint[] = [];
    if (old !== undefined && resumed !== undefined) {
      for (const point of old.points) {
        if (point.offset > resumed.offset) {
          break;
        }
        points.push(point);
      }
    }
    points.push(...part);
    if (old !== undefined && stopped !== undefined && oldStop !== undefined) {
      const moved = (point: SplitPoint): SplitPoint => ({
        offset: point.offset + this.shift,
        commands: point.commands - oldStop.commands + stopped.commands,
        heredocs: point.heredocs - oldStop.heredocs + stopped.heredocs,
        comments: point.comments - oldStop.comments + stopped.comments,
        afterCommand: point.afterCommand,
        separator: point.separator,
      });
      for (const point of old.points) {
        if (point.offset > oldStop.offset) {
          points.push(moved(point));
        }
      }
    }
    return points;
  }

  /**
   * `commands` (split again) with each replaced by the command of `old` after its `fromCommand` first and before
   * `oldStop` (the part split again) starting at the same position, when that one is the same.
   */
  private reuseCommands(commands: ShellCommand[], old: RememberedScript | undefined, fromCommand: number, oldStop: SplitPoint | undefined): ShellCommand[] {
    const previous = this.previous;
    if (previous === undefined || old === undefined || commands.length === 0) {
      return commands;
    }
    const candidates = new Map<number, ShellCommand>();
    const oldCommands = old.script.commands;
    for (let i = fromCommand; i < (oldStop?.commands ?? oldCommands.length); i++) {
      candidates.set(previous.index.offsetAt(oldCommands[i].range.start), oldCommands[i]);
    }
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i];
      const oldStart = previous.index.offsetAt(command.range.start);
      const candidate = candidates.get(oldStart);
      if (candidate !== undefined && sameCommand(candidate, command) && this.sameText(oldStart, candidate, command)) {
        candidates.delete(oldStart);
        commands[i] = candidate;
      }
    }
    return commands;
  }

  /** Whether `command`'s text in this parse is `candidate`'s (starting at `oldStart`) in the previous one. */
  private sameText(oldStart: number, candidate: ShellCommand, command: ShellCommand): boolean {
    const previous = this.previous!;
    const start = this.index.offsetAt(command.range.start);
    const length = this.index.offsetAt(command.range.end) - start;
    return previous.index.offsetAt(candidate.range.end) - oldStart === length && this.text.slice(start, start + length) === previous.text.slice(oldStart, oldStart + length);
  }

  /** Hands this parse to the memo for the next one. */
  finish(): void {
    this.memo.remember({ text: this.text, index: this.index, scripts: this.scripts });
  }
}

/** `before[0, upTo)`, `part` and `after[from, …)` as one finished list. */
function joined<T>(before: readonly T[] | undefined, upTo: number, part: readonly T[], after: readonly T[] | undefined, from: number | undefined): T[] {
  const list: T[] = before === undefined || upTo === 0 ? [] : before.slice(0, upTo);
  for (const item of part) {
    list.push(item);
  }
  if (after !== undefined && from !== undefined) {
    for (let i = from; i < after.length; i++) {
      list.push(after[i]);
    }
  }
  return finishedList(list);
}

/** The fields of a command compared here: a command with any other is never reused (a field added to the model later). */
const COMMAND_FIELDS = 6;

function sameCommand(a: ShellCommand, b: ShellCommand): boolean {
  return (
    Object.keys(a).length === COMMAND_FIELDS + (a.separatorBefore === undefined ? 0 : 1) &&
    Object.keys(b).length === Object.keys(a).length &&
    a.name === b.name &&
    a.pipesToNext === b.pipesToNext &&
    a.depth === b.depth &&
    a.separatorBefore === b.separatorBefore &&
    samePosition(a.range.start, b.range.start) &&
    samePosition(a.range.end, b.range.end) &&
    sameWords(a.words, b.words) &&
    sameWords(a.assignments, b.assignments) &&
    isSplitShellCCall(a) === isSplitShellCCall(b) &&
    enclosingQuote(a) === enclosingQuote(b)
  );
}

function sameWords(a: readonly Word[], b: readonly Word[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.text !== y.text || x.value !== y.value || !samePosition(x.range.start, y.range.start) || !samePosition(x.range.end, y.range.end)) {
      return false;
    }
  }
  return true;
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

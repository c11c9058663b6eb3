// The keyword haystack (recipe/keywords.ts) answered step by step, for the lints of a document being edited: a
// Dockerfile parsed with the memo of its previous version keeps its unchanged steps as the same objects, and a step's
// answers to the keyword lists are kept with it. A lint then searches only what is new: the text between the steps,
// the steps it has not seen (the one typed into), FROM steps, stages and the recipe's own lists.
//
// Exact: a keyword list is answered this way only when its keywords are ASCII without line breaks, so a match lies in
// one line and the lowercase of a piece of text is the same characters there as the lowercase of the whole. A step's
// answers are those of its source text (checked against the recipe's text at the step's range on every lint) and of
// its model's strings, which the step's own words give.
//
// A definition file's `%post` is one step that every keystroke in it changes, but the parse memo keeps its unchanged
// commands (recipe/definition-memo.ts): with `commandsApart`, a step with a script is answered command by command,
// each command with the text from the end of the command (or step start) before it to its own end, and with its own
// words' values. A match across two such pieces lies in one line and is no longer than the longest keyword: the few
// characters around each piece boundary inside a line go to the rest.
import { collectCommandValues, collectStageValues, collectStepValues, collectValues, mentionsOneOf, trigramsOf, trigramsOfList, type ShellCOf } from './keywords';
import { keywordListNumber, keywordLists } from './keyword-lists';
import type { Recipe, ShellCommand, Step } from './model';
import type { LineIndex } from './text';

/** A step's answers: the text at its range when they were found, and one bit per registered list (`hits`) for the first `evaluated` lists. */
interface StepAnswers {
  readonly source: string;
  evaluated: number;
  hits: Uint32Array;
}

/** Kept per step, and per command of a step answered command by command (the source then starts before the command). */
const answersByStep = new WeakMap<Step | ShellCommand, StepAnswers>();

const isLineBreak = (code: number): boolean => code === 0x0a || code === 0x0d;

/** One recipe's haystack, split: the steps' kept answers, and the rest of it as one lowercase string. */
export class SteppedHaystack {
  private readonly steps: (Step | ShellCommand)[] = [];
  private readonly answers: StepAnswers[] = [];
  private readonly rest: string;
  private restTrigrams?: Uint32Array;
  /** Per registered list below `covered`: whether one of the steps mentions it. */
  private hits = new Uint32Array(0);
  private covered = 0;
  private answered = false;
  /** Lists registered when the rest was cut: only these are answered (the longest keyword sized the pieces around boundaries). */
  private readonly registered = keywordLists.length;

  constructor(
    recipe: Recipe,
    private readonly shellCScript: ShellCOf,
    index: LineIndex,
    commandsApart = false,
  ) {
    const text = recipe.text;
    const extra = new Set<string>();
    const seen = new Set<object>();
    for (const key of Object.keys(recipe) as (keyof Recipe)[]) {
      if (key !== 'text' && key !== 'stages') {
        collectValues(recipe[key], extra, seen);
      }
    }
    const pieces: string[] = [];
    let covered = 0;
    for (const stage of recipe.stages) {
      collectStageValues(stage, extra, seen, text, index);
      for (const step of stage.steps) {
        const start = step.kind === 'from' ? -1 : index.offsetAt(step.range.start);
        const end = start < 0 ? -1 : index.offsetAt(step.range.end);
        if (start < covered || end <= start) {
          collectStepValues(shellCScript, step, extra, seen);
          continue;
        }
        pieces.push(text.slice(lineStartBefore(text, covered), lineEndAfter(text, start)));
        const script = commandsApart && 'script' in step ? step.script : undefined;
        if (script !== undefined && script.commands.length > 0) {
          collectStepValues(shellCScript, step, extra, seen, false);
          covered = this.addCommands(script.commands, text, start, index, pieces, extra, seen);
          continue;
        }
        this.steps.push(step);
        this.answers.push(answersOf(step, text, start, end));
        covered = end;
      }
    }
    pieces.push(text.slice(lineStartBefore(text, covered), text.length));
    this.rest = [...pieces, ...extra].join('\n').toLowerCase();
  }

  /**
   * Each command as a piece from `from` (the end of the piece before) to its end; commands inside an earlier one or
   * empty give their values to `extra`. Returns where the last piece ends.
   */
  private addCommands(commands: readonly ShellCommand[], text: string, from: number, index: LineIndex, pieces: string[], extra: Set<string>, seen: Set<object>): number {
    const reach = longestKeyword();
    let covered = from;
    for (const command of commands) {
      const end = index.offsetAt(command.range.end);
      if (end <= covered) {
        collectCommandValues(this.shellCScript, command, extra, seen, 0);
        continue;
      }
      if (covered > from) {
        addAround(text, covered, reach, pieces);
      }
      this.steps.push(command);
      this.answers.push(answersOf(command, text, covered, end));
      covered = end;
    }
    return covered;
  }

  /**
   * Whether the haystack mentions one of `keywords`; undefined for a list it does not answer: one without a number (see
   * `keywordListNumber`) or numbered after its first answer.
   */
  mentions(keywords: readonly string[]): boolean | undefined {
    const number = keywordListNumber(keywords);
    if (number < 0) {
      return undefined;
    }
    if (!this.answered) {
      this.cover();
      this.answered = true;
    }
    if (number >= this.covered) {
      // First asked after this lint's steps answered the lists: the whole haystack answers it (each new list would
      // otherwise take a pass over every step), and the steps answer it from the next lint on.
      return undefined;
    }
    if ((this.hits[number >>> 5] & (1 << (number & 31))) !== 0) {
      return true;
    }
    this.restTrigrams ??= trigramsOf(this.rest);
    return mentionsOneOf(this.rest, this.restTrigrams, trigramsOfList(keywords), keywords);
  }

  /** Answers every registered list for every step (those a step has not answered yet from its text) and merges them. */
  private cover(): void {
    const count = this.registered;
    const hits = new Uint32Array((count + 31) >>> 5);
    for (let i = 0; i < this.answers.length; i++) {
      const answers = this.answers[i];
      if (answers.evaluated < count) {
        answerLists(answers, this.steps[i], this.shellCScript, count);
      }
      const own = answers.hits;
      for (let word = 0; word < own.length; word++) {
        hits[word] |= own[word];
      }
    }
    this.hits = hits;
    this.covered = count;
  }
}

/** Where the text before `offset` starts to matter: the start of its line, unless a line break is on either side of `offset`. */
function lineStartBefore(text: string, offset: number): number {
  if (offset === 0 || offset >= text.length || isLineBreak(text.charCodeAt(offset - 1)) || isLineBreak(text.charCodeAt(offset))) {
    return offset;
  }
  let i = offset - 1;
  while (i > 0 && !isLineBreak(text.charCodeAt(i - 1))) {
    i--;
  }
  return i;
}

/** Where the text after `offset` stops mattering: the end of its line, unless a line break is on either side of `offset`. */
function lineEndAfter(text: string, offset: number): number {
  if (offset === 0 || offset >= text.length || isLineBreak(text.charCodeAt(offset - 1)) || isLineBreak(text.charCodeAt(offset))) {
    return offset;
  }
  let i = offset;
  while (i < text.length && !isLineBreak(text.charCodeAt(i))) {
    i++;
  }
  return i;
}

/** The text within `reach` characters of `offset` in its line, if a line break is on neither side of `offset`: what a match across `offset` lies in. */
function addAround(text: string, offset: number, reach: number, pieces: string[]): void {
  if (offset >= text.length || isLineBreak(text.charCodeAt(offset - 1)) || isLineBreak(text.charCodeAt(offset))) {
    return;
  }
  let start = offset - 1;
  const lowest = Math.max(0, offset - reach);
  while (start > lowest && !isLineBreak(text.charCodeAt(start - 1))) {
    start--;
  }
  let end = offset + 1;
  const highest = Math.min(text.length, offset + reach);
  while (end < highest && !isLineBreak(text.charCodeAt(end))) {
    end++;
  }
  pieces.push(text.slice(start, end));
}

/** The longest keyword of the registered lists (cached per number of lists). */
function longestKeyword(): number {
  if (longest.lists !== keywordLists.length) {
    let length = 0;
    for (const list of keywordLists) {
      for (const keyword of list) {
        length = Math.max(length, keyword.length);
      }
    }
    longest.lists = keywordLists.length;
    longest.length = length;
  }
  return longest.length;
}

const longest = { lists: -1, length: 0 };

/** The step's kept answers, if the text at its range is still the text they were found in; else new ones. */
function answersOf(step: Step | ShellCommand, text: string, start: number, end: number): StepAnswers {
  const kept = answersByStep.get(step);
  // A slice compared with `===` (not `startsWith`, a character loop 4x slower: ~1 ms per lint of the 4,000-line Dockerfile).
  if (kept !== undefined && kept.source.length === end - start && text.slice(start, end) === kept.source) {
    return kept;
  }
  const answers: StepAnswers = { source: text.slice(start, end), evaluated: 0, hits: new Uint32Array(0) };
  answersByStep.set(step, answers);
  return answers;
}

/** Answers the registered lists from `answers.evaluated` to `count` in the step's source text and model strings. */
function answerLists(answers: StepAnswers, step: Step | ShellCommand, shellCScript: ShellCOf, count: number): void {
  const extra = new Set<string>();
  if ('kind' in step) {
    collectStepValues(shellCScript, step, extra, new Set());
  } else {
    collectCommandValues(shellCScript, step, extra, new Set(), 0);
  }
  const haystack = [answers.source, ...extra].join('\n').toLowerCase();
  const hits = new Uint32Array((count + 31) >>> 5);
  hits.set(answers.hits);
  for (let number = answers.evaluated; number < count; number++) {
    if (keywordLists[number].some((keyword) => haystack.includes(keyword))) {
      hits[number >>> 5] |= 1 << (number & 31);
    }
  }
  answers.hits = hits;
  answers.evaluated = count;
}

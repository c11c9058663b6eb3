// The keyword haystack of a recipe: a cheap prefilter for rules (and for the engine's dispatch by declared interests):
// a rule whose keywords never occur anywhere in the recipe can skip its whole walk over every command and word.
import type { RecipeFacts } from './facts';
import { keywordListNumber } from './keyword-lists';
import type { BaseImage, Flag, KeyValue, Range, Recipe, ShellCommand, ShellScript, Stage, Step, Word } from './model';
import type { LineIndex } from './text';

export type ShellCOf = (words: readonly Word[]) => ShellScript | undefined;

/** Lowercase recipe text, then every word value of the model and of `sh -c` scripts, newline-separated (RecipeFacts keeps it). */
export function keywordHaystack(recipe: Recipe, shellCScript: ShellCOf, index: LineIndex): string {
  // Raw source strings (`text`) are substrings of the recipe text; only strings that may differ are added.
  const extra = new Set<string>();
  const seen = new Set<object>();
  for (const key of Object.keys(recipe) as (keyof Recipe)[]) {
    if (key !== 'text' && key !== 'stages') {
      collectValues(recipe[key], extra, seen);
    }
  }
  for (const stage of recipe.stages) {
    collectStageValues(stage, extra, seen, recipe.text, index);
    for (const step of stage.steps) {
      collectStepValues(shellCScript, step, extra, seen);
    }
  }
  return [recipe.text, ...extra].join('\n').toLowerCase();
}

/**
 * A stage's own strings (not its steps), field by field: what the generic walk finds in them (a walk over the
 * keys of every stage, base and image was most of the haystack of 40,000 stages).
 */
export function collectStageValues(stage: Stage, extra: Set<string>, seen: Set<object>, text: string, index: LineIndex): void {
  collectBaseValues(stage.base, extra, text, index);
  for (const section of stage.sections) {
    collectValues([section.name, section.header, section.args], extra, seen); // `body` is a slice of the text
  }
  addWord(stage.name, extra);
}

/**
 * A base's strings. Its `raw` (and the `stageRef` equal to it) where the text holds it at the base's range (a Dockerfile's
 * FROM word as written, not a copied script's base) is text already: adding 40,000 of them to the set cost ~25 ms.
 */
function collectBaseValues(base: BaseImage, extra: Set<string>, text: string, index: LineIndex): void {
  extra.add(base.agent);
  const rawIsText = writtenAt(text, index, base.raw, base.range);
  if (!rawIsText) {
    extra.add(base.raw);
  }
  if (!(rawIsText && base.stageRef === base.raw)) {
    addString(base.stageRef, extra);
  }
  const image = base.image;
  if (image !== undefined) {
    extra.add(image.repository);
    if (!(rawIsText && image.raw === base.raw)) {
      extra.add(image.raw);
    }
    addString(image.digest, extra);
    addString(image.tag, extra);
    addString(image.registry, extra);
  }
  addWord(base.osVersion, extra);
}

/** Whether the text holds `value` where `range` starts. (Arguments, not a closure made per recipe: see docs/engine.md, Cost.) */
function writtenAt(text: string, index: LineIndex, value: string, range: Range): boolean {
  return text.startsWith(value, index.offsetAt(range.start));
}

function addString(value: string | undefined, extra: Set<string>): void {
  if (value !== undefined) {
    extra.add(value);
  }
}

function addWord(word: Word | undefined, extra: Set<string>): void {
  if (word !== undefined && word.value !== word.text) {
    extra.add(word.value);
  }
}

function addFlags(flags: readonly Flag[], extra: Set<string>): void {
  for (const flag of flags) {
    extra.add(flag.name);
    addWord(flag.value, extra);
  }
}

function addPairs(pairs: readonly KeyValue[], extra: Set<string>): void {
  for (const pair of pairs) {
    addWord(pair.key, extra);
    addWord(pair.value, extra);
  }
}

/**
 * The frequent step kinds field by field (their `keyword` is raw text); the others through the generic walk. `commands`
 * false leaves out the values of its script's commands (`collectCommandValues` gives them command by command).
 */
export function collectStepValues(shellCScript: ShellCOf, step: Step, extra: Set<string>, seen: Set<object>, commands = true): void {
  if (step.app !== undefined) {
    extra.add(step.app);
  }
  switch (step.kind) {
    case 'run':
      addFlags(step.flags, extra);
      addWord(step.shell, extra);
      collectScriptValues(shellCScript, step.script, extra, seen, 0, commands);
      return;
    case 'copy':
      addFlags(step.flags, extra);
      step.sources.forEach((source) => addWord(source, extra));
      addWord(step.destination, extra);
      addWord(step.from, extra);
      return;
    case 'env':
      addPairs(step.pairs, extra);
      if (step.script) {
        collectScriptValues(shellCScript, step.script, extra, seen, 0, commands);
      }
      return;
    case 'arg':
    case 'label':
      addPairs(step.pairs, extra);
      return;
    case 'from':
      extra.add(step.keyword);
      extra.add(step.kind);
      addFlags(step.flags, extra);
      return;
    default:
      for (const [key, value] of Object.entries(step)) {
        if (key === 'script') {
          collectScriptValues(shellCScript, value as ShellScript, extra, seen, 0, commands);
        } else if (key !== 'text' && key !== 'range' && key !== 'keywordRange') {
          collectValues(value, extra, seen);
        }
      }
  }
}

/** Every string reachable from the recipe model except raw `text` and a `value` equal to its `text`. */
export function collectValues(node: unknown, extra: Set<string>, seen: Set<object>): void {
  if (typeof node === 'string') {
    extra.add(node);
    return;
  }
  if (typeof node !== 'object' || node === null || seen.has(node)) {
    return;
  }
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) {
      collectValues(item, extra, seen);
    }
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key === 'range' || key === 'text' || (key === 'value' && record.value === record.text)) {
      continue;
    }
    collectValues(record[key], extra, seen);
  }
}

/** Word values of a script's commands (where they differ from the raw text), heredocs, and of nested `sh -c` scripts. */
function collectScriptValues(shellCScript: ShellCOf, script: ShellScript, extra: Set<string>, seen: Set<object>, depth: number, commands = true): void {
  if (commands) {
    for (const command of script.commands) {
      collectCommandValues(shellCScript, command, extra, seen, depth);
    }
  }
  collectValues(script.heredocs, extra, seen);
}

/** Word values of one command of a script at `depth` (where they differ from the raw text), and of its `sh -c` script. */
export function collectCommandValues(shellCScript: ShellCOf, command: ShellCommand, extra: Set<string>, seen: Set<object>, depth: number): void {
  for (const word of command.assignments) {
    if (word.value !== word.text) {
      extra.add(word.value);
    }
  }
  for (const word of command.words) {
    if (word.value !== word.text) {
      extra.add(word.value);
    }
  }
  const inner = depth < 6 ? shellCScript(command.words) : undefined;
  if (inner) {
    collectScriptValues(shellCScript, inner, extra, seen, depth + 1);
  }
}

/**
 * False only when none of `keywords` (lowercase) occurs, case-insensitively, in the recipe text, in any
 * string of its model (word values after quote removal) or in any word of an `sh -c` script.
 */
export function mentions(facts: RecipeFacts, keywords: readonly string[]): boolean {
  // Asked by the dispatch and again by the rule's own prefilter: the haystack is searched once per list and recipe.
  let answer = facts.keywordAnswers.get(keywords);
  if (answer === undefined) {
    // Numbered on every lint, so that a document's lints with a memo find the lists its first lint asked about.
    keywordListNumber(keywords);
    answer = facts.steppedHaystack?.mentions(keywords) ?? mentionsOneOf(facts.keywordHaystack, facts.keywordTrigrams, trigramsOfList(keywords), keywords);
    facts.keywordAnswers.set(keywords, answer);
  }
  return answer;
}

/**
 * Whether `haystack` contains one of `keywords`. A keyword one of whose trigrams the haystack lacks is not searched
 * for: most lists are absent from most recipes, and one pass over the haystack (`trigramsOf`) costs less than the
 * full scan each of them took (an alternation per list, 8 % of a corpus lint).
 */
export function mentionsOneOf(haystack: string, present: Uint32Array, trigrams: readonly Int32Array[], keywords: readonly string[]): boolean {
  for (let i = 0; i < keywords.length; i++) {
    if (allPresent(present, trigrams[i]) && haystack.includes(keywords[i])) {
      return true;
    }
  }
  return false;
}

function allPresent(present: Uint32Array, trigrams: Int32Array): boolean {
  for (let i = 0; i < trigrams.length; i++) {
    const hash = trigrams[i];
    if ((present[hash >>> 5] & (1 << (hash & 31))) === 0) {
      return false;
    }
  }
  return true;
}

/** A set of the trigrams of `text` (hashed to 16 bits, so it may hold some that `text` lacks, never the reverse). */
export function trigramsOf(text: string): Uint32Array {
  const present = new Uint32Array(TRIGRAM_WORDS);
  let hash = 0;
  for (let i = 0; i < text.length; i++) {
    hash = nextTrigram(hash, text.charCodeAt(i));
    if (i >= 2) {
      present[hash >>> 5] |= 1 << (hash & 31);
    }
  }
  return present;
}

/** The hash of the trigram that ends with `code`, from the hash of the one before (the older characters shift out). */
const nextTrigram = (hash: number, code: number): number => ((hash << 6) ^ code) & 0xffff;

const TRIGRAM_WORDS = 0x10000 / 32;

/** Each keyword's trigram hashes (none for a keyword under three characters: it is always searched for). */
export function trigramsOfList(keywords: readonly string[]): readonly Int32Array[] {
  let trigrams = listTrigrams.get(keywords);
  if (trigrams === undefined) {
    trigrams = keywords.map((keyword) => {
      const hashes = new Int32Array(Math.max(0, keyword.length - 2));
      let hash = 0;
      for (let i = 0; i < keyword.length; i++) {
        hash = nextTrigram(hash, keyword.charCodeAt(i));
        if (i >= 2) {
          hashes[i - 2] = hash;
        }
      }
      return hashes;
    });
    listTrigrams.set(keywords, trigrams);
  }
  return trigrams;
}

/** Keyword lists are module constants: their trigrams are computed once. */
const listTrigrams = new WeakMap<readonly string[], readonly Int32Array[]>();

// HPC-MAINT-006: placeholders that hpclint's quick fixes insert (`REPLACE_WITH_…`, `<release-tag>`, `<mirror-url>`) and nobody filled in.
import { defineRule, type Severity } from '../../engine/rule';
import type { Range, Recipe, Step } from '../../recipe/model';
import { factsOf } from '../../recipe/facts';
import { effectiveName } from '../util/commands';
import { ANGLE_PLACEHOLDERS, RELEASE_TAG, REPLACE_WITH } from '../util/placeholders';
import { offsetOf, rangeOf } from '../util/source';
import docs from './unfilled-placeholder.md';

/** `REPLACE_WITH_…` anywhere; a fix's `<word>` only where fixes put one: a whole header value or a `git` argument. */
const PLACEHOLDER = new RegExp(`${REPLACE_WITH}[A-Z0-9_]*|${[...ANGLE_PLACEHOLDERS].join('|')}`, 'g');

interface Hit {
  start: number;
  end: number;
  token: string;
}

/** Whether an offset lies in a comment; asked with non-decreasing offsets (one pass over the comments, sorted by start). */
function commentTest(recipe: Recipe): (offset: number) => boolean {
  const comments = [...recipe.comments, ...factsOf(recipe).scripts.flatMap(({ script }) => script.comments)];
  const spans = comments.map((comment): [number, number] => [offsetOf(recipe, comment.range.start), offsetOf(recipe, comment.range.end)]).sort((a, b) => a[0] - b[0]);
  let next = 0;
  let furthestEnd = -1;
  return (offset) => {
    for (; next < spans.length && spans[next][0] <= offset; next++) {
      furthestEnd = Math.max(furthestEnd, spans[next][1]);
    }
    return offset < furthestEnd;
  };
}

/** The first step, in recipe order, whose range holds an offset: by binary search when the steps follow each other, else by a scan. */
function stepFinder(recipe: Recipe): (offset: number) => Step | undefined {
  const steps = recipe.stages.flatMap((stage) => stage.steps);
  const starts = steps.map((step) => offsetOf(recipe, step.range.start));
  const ends = steps.map((step) => offsetOf(recipe, step.range.end));
  const ordered = starts.every((start, i) => i === 0 || start >= ends[i - 1]);
  return (offset) => {
    if (!ordered) {
      return steps.find((_, i) => offset >= starts[i] && offset < ends[i]);
    }
    let low = 0;
    let high = steps.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] > offset) {
        high = middle - 1;
      } else if (ends[middle] <= offset) {
        low = middle + 1;
      } else {
        return steps[middle];
      }
    }
    return undefined;
  };
}

/** Per step, whether an offset span lies inside a word of a `git` command (also under `sudo`, `env`…): by binary search over the words' spans. */
function gitWordTest(recipe: Recipe): (step: Step, start: number, end: number) => boolean {
  const byStep = new Map<Step, (start: number, end: number) => boolean>();
  return (step, start, end) => {
    let test = byStep.get(step);
    if (test === undefined) {
      const spans = factsOf(recipe)
        .scriptsOfStep(step)
        .flatMap(({ script }) => script.commands.filter((command) => effectiveName(command) === 'git'))
        .flatMap((command) => command.words.map((word): [number, number] => [offsetOf(recipe, word.range.start), offsetOf(recipe, word.range.end)]))
        .sort((a, b) => a[0] - b[0]);
      // The furthest end among the spans starting at or before each one.
      const furthest: number[] = [];
      for (const [, spanEnd] of spans) {
        furthest.push(Math.max(spanEnd, furthest[furthest.length - 1] ?? -1));
      }
      test = (from, to) => {
        let low = 0;
        let high = spans.length - 1;
        while (low <= high) {
          const middle = (low + high) >> 1;
          if (spans[middle][0] <= from) {
            low = middle + 1;
          } else {
            high = middle - 1;
          }
        }
        return high >= 0 && furthest[high] >= to;
      };
      byStep.set(step, test);
    }
    return test(start, end);
  };
}

/** Labels and help text: the image builds, but its metadata carries the placeholder. */
function isMetadata(step: Step): boolean {
  return step.kind === 'label' || /^%(?:app)?help$/i.test(step.keyword);
}

function message(step: Step, token: string): string {
  if (step.kind === 'label') {
    return `\`${token}\` is a placeholder: the image builds, but \`inspect\` shows it verbatim until you replace it with the real value.`;
  }
  if (isMetadata(step)) {
    return `\`${token}\` is a placeholder: the image builds, but \`run-help\` shows it verbatim until you replace it with the real text.`;
  }
  if (step.kind === 'header') {
    return `\`${step.keyword}: ${token}\` is a placeholder: the build cannot use it; write the real value.`;
  }
  if (step.kind === 'arg') {
    return `\`${token}\` is a placeholder default: every use of this argument gets it unless the build passes a real value; write one.`;
  }
  if (token === RELEASE_TAG) {
    return `\`${token}\` is a placeholder: \`git clone\` stops with "Remote branch ${token} not found" until you write the tag or commit you tested.`;
  }
  if (step.kind === 'copy') {
    return `\`${token}\` is a placeholder: the build fails until it holds the real checksum (\`sha256sum FILE\`, or the commit for a Git source).`;
  }
  return `\`${token}\` is a placeholder: the build fails or fetches the wrong thing until you replace it with the real value.`;
}

export default defineRule({
  meta: {
    code: 'HPC-MAINT-006',
    name: 'unfilled-placeholder',
    category: 'maintainability',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    interests: { keywords: [REPLACE_WITH.toLowerCase(), ...ANGLE_PLACEHOLDERS] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const hits: Hit[] = [];
    for (const match of recipe.text.matchAll(PLACEHOLDER)) {
      hits.push({ start: match.index, end: match.index + match[0].length, token: match[0] });
    }
    if (hits.length === 0) {
      return;
    }
    const inComment = commentTest(recipe);
    const stepAt = stepFinder(recipe);
    // A fix's `<word>` is a placeholder only as a whole header value or inside a `git` command's word.
    const inGitWord = gitWordTest(recipe);
    for (const hit of hits) {
      if (inComment(hit.start)) {
        continue;
      }
      const step = stepAt(hit.start);
      const angleIsPlaceholder = (found: Step): boolean => (found.kind === 'header' ? found.value.value.trim() === hit.token : inGitWord(found, hit.start, hit.end));
      if (!step || (ANGLE_PLACEHOLDERS.has(hit.token) && !angleIsPlaceholder(step))) {
        continue;
      }
      const severity: Severity | undefined = isMetadata(step) ? 'hint' : undefined;
      const range: Range = rangeOf(recipe, hit.start, hit.end);
      context.report({ range, message: message(step, hit.token), ...(severity ? { severity } : {}) });
    }
  },
});

// HPC-DEF-002: header lines Apptainer rejects or reads differently than written.
import { defineRule, type Fix } from '../../engine/rule';
import type { HeaderStep } from '../../recipe/model';
import { HEADER_KEYWORDS, headerKeyword } from '../../recipe/apptainer-spec';
import { lineIndexOf } from '../util/source';
import docs from './valid-header-keys.md';

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`dokcer` → `docker` is 1). */
export function typoDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) {
    rows[0][j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The unique candidate closest to `name` (case-insensitive) within a small edit distance: 1 for names
 * up to 8 characters, 2 for longer ones (so `Exclude` is not "corrected" to `Include`).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = lower.length >= 9 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of candidates) {
    const distance = typoDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && candidate.toLowerCase() !== best?.toLowerCase()) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : undefined;
}

const KEY_NAMES = HEADER_KEYWORDS.filter((spec) => !spec.legacy && !spec.numbered).map((spec) => spec.name);

export default defineRule({
  meta: {
    code: 'HPC-DEF-002',
    name: 'valid-header-keys',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const index = lineIndexOf(recipe);
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'header') {
          continue;
        }
        checkKey(step);
        checkValue(step);
      }
    }

    function checkKey(step: HeaderStep): void {
      const spec = headerKeyword(step.key);
      if (spec?.legacy) {
        context.report({
          range: step.keywordRange,
          // Accepted and harmless (Apptainer's own `build --help` still shows it): hygiene, not a problem.
          severity: 'hint',
          message: `\`${step.keyword}\` is a Singularity 2.x header that current Apptainer and SingularityCE accept and ignore (the runscript of a Docker base always runs ENTRYPOINT with CMD as its default arguments): the line does nothing and can go.`,
        });
        return;
      }
      if (spec) {
        return;
      }
      const firstWord = /^\S+/.exec(step.keyword)?.[0] ?? step.keyword;
      const missingColon = firstWord !== step.keyword ? headerKeyword(firstWord) : undefined;
      if (missingColon && !missingColon.numbered && !missingColon.legacy) {
        const start = index.offsetAt(step.keywordRange.start);
        const end = start + firstWord.length;
        context.report({
          range: step.keywordRange,
          message: `\`${step.keyword}\` is not a header key: Apptainer reads the key up to the first \`:\` and stops with "invalid header keyword found". Did you mean \`${missingColon.name}:\`?`,
          fixes: [
            {
              title: `Add \`:\` after \`${firstWord}\``,
              safe: true,
              edits: [{ range: index.range(start, end), newText: `${firstWord}:` }],
            },
          ],
        });
        return;
      }
      if (/\s/.test(step.keyword)) {
        context.report({
          range: step.keywordRange,
          message: `This line is not a \`Key: value\` header: Apptainer takes everything before the first \`:\` (\`${step.keyword}\`) as the key and stops with "invalid header keyword found". Move commands into \`%post\` or \`%setup\`.`,
        });
        return;
      }
      const suggestion = closestName(step.key, KEY_NAMES);
      const fixes: Fix[] = suggestion
        ? [{ title: `Change to \`${suggestion}\``, safe: true, edits: [{ range: step.keywordRange, newText: suggestion }] }]
        : [];
      context.report({
        range: step.keywordRange,
        message: `Unknown header key \`${step.keyword}\`: Apptainer stops with "invalid header keyword found".${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        fixes,
      });
    }

    function checkValue(step: HeaderStep): void {
      const valueEnd = index.offsetAt(step.value.range.end);
      const lineEnd = index.offsetAt(step.range.end);
      const rest = recipe.text.slice(valueEnd, lineEnd);
      if (step.value.text.endsWith('\\')) {
        const end = valueEnd;
        context.report({
          range: index.range(end - 1, end),
          message: `The value of \`${step.keyword}\` ends with \`\\\`, but no value line follows; Apptainer drops or mangles this header entry.`,
        });
        return;
      }
      const hash = rest.indexOf('#');
      if (hash !== 0) {
        return; // no `#`, or a `#` after whitespace: a deliberate comment
      }
      const hashAt = valueEnd + hash;
      const cut = step.value.text.length === 0 ? 'the whole value' : `the value to \`${step.value.text}\``;
      context.report({
        range: index.range(hashAt, lineEnd),
        severity: 'warning',
        message: `\`#\` starts a comment in header lines, so Apptainer cuts ${cut}; a \`#\` cannot be written in a header value.`,
      });
    }
  },
});

// HPC-DEF-002: header lines Apptainer rejects or reads differently than written.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, safeFix } from '../../engine/fixBuilder';
import type { HeaderStep } from '../../recipe/model';
import { HEADER_KEYWORDS, headerKeyword } from '../../recipe/apptainer-spec';
import { lineIndexOf } from '../util/source';
import { closestName } from '../util/names';
import docs from './valid-header-keys.md';

const KEY_NAMES = HEADER_KEYWORDS.filter((spec) => !spec.legacy && !spec.numbered).map((spec) => spec.name);

export default defineRule({
  meta: {
    code: 'HPC-DEF-002',
    name: 'valid-header-keys',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    locality: 'step',
    fix: 'safe',
    interests: { steps: ['header'] },
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
          fixes: [safeFix(`Add \`:\` after \`${firstWord}\``, replace(index.range(start, end), `${firstWord}:`))],
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
        ? [safeFix(`Change to \`${suggestion}\``, replace(step.keywordRange, suggestion))]
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

// HPC-EOL-003: workarounds that keep an end-of-life base building (vault.centos.org, archive.debian.org, old-releases.ubuntu.com, mirrorlist rewrites).
import { defineRule } from '../../engine/rule';
import type { Range, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { lineIndexOf, offsetOf, rangeInWord } from '../util/source';
import docs from './no-eol-repo-workaround.md';

interface Archive {
  pattern: RegExp;
  what: string;
}

/** Archive hosts that only serve releases past end of life. */
const ARCHIVES: Archive[] = [
  { pattern: /vault\.centos\.org/i, what: '`vault.centos.org` serves only retired CentOS releases (frozen, no security updates)' },
  { pattern: /archive\.debian\.org/i, what: '`archive.debian.org` serves only Debian releases that left (LTS) security support' },
  { pattern: /old-releases\.ubuntu\.com/i, what: '`old-releases.ubuntu.com` serves only Ubuntu releases past end of life' },
];
/** `sed` edits of the retired CentOS mirror infrastructure. */
const MIRROR_EDIT = /mirrorlist|mirror\.centos\.org/i;
/** Lowercase: every ARCHIVES and MIRROR_EDIT match contains one of these (all are matched in raw text). */
const KEYWORDS = ['vault.centos.org', 'archive.debian.org', 'old-releases.ubuntu.com', 'mirrorlist', 'mirror.centos.org'];

const ADVICE = 'the base is past end of life and gets no security fixes — move to a supported release (see HPC-EOL-001) instead of repointing its repositories';

export default defineRule({
  meta: {
    code: 'HPC-EOL-003',
    name: 'no-eol-repo-workaround',
    category: 'eol',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (!recipeMentions(recipe, KEYWORDS)) {
      return;
    }
    const report = (range: Range, what: string): void => context.report({ range, message: `${what}: ${ADVICE}.` });
    const archiveIn = (text: string): { archive: Archive; index: number; length: number } | undefined => {
      for (const archive of ARCHIVES) {
        const m = archive.pattern.exec(text);
        if (m) {
          return { archive, index: m.index, length: m[0].length };
        }
      }
      return undefined;
    };
    const checkWord = (word: Word): boolean => {
      const found = archiveIn(word.text);
      if (found) {
        report(rangeInWord(recipe, word, found.index, found.index + found.length), found.archive.what);
      }
      return found !== undefined;
    };

    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'header' && step.key === 'mirrorurl') {
          checkWord(step.value);
        } else if (step.kind === 'arg' || (step.kind === 'env' && !step.script)) {
          // `%environment` bodies are scripts and are read below.
          step.pairs.forEach((pair) => pair.value && checkWord(pair.value));
        }
      }
    }
    for (const global of recipe.globalArgs) {
      global.pairs.forEach((pair) => pair.value && checkWord(pair.value));
    }

    const index = lineIndexOf(recipe);
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        const words = effectiveWords(command);
        if (words.some(checkWord)) {
          continue;
        }
        if (effectiveName(command) === 'sed') {
          const edit = words.slice(1).find((word) => MIRROR_EDIT.test(word.text));
          if (edit) {
            const m = MIRROR_EDIT.exec(edit.text);
            if (m) {
              report(rangeInWord(recipe, edit, m.index, m.index + m[0].length), '`sed` rewrites the retired CentOS mirror list (`mirrorlist.centos.org` went offline with CentOS 7)');
            }
          }
        }
      }
      for (const heredoc of script.heredocs) {
        const found = archiveIn(heredoc.body);
        if (found) {
          const start = offsetOf(recipe, heredoc.range.start) + found.index;
          if (recipe.text.slice(start, start + found.length).toLowerCase() === heredoc.body.slice(found.index, found.index + found.length).toLowerCase()) {
            report(index.range(start, start + found.length), found.archive.what);
          } else {
            report(heredoc.range, found.archive.what);
          }
        }
      }
    }
  },
});

// Where a recipe keeps an end-of-life base building: archive hosts (vault.centos.org, archive.debian.org,
// old-releases.ubuntu.com) and CentOS mirror-list rewrites. HPC-EOL-003 reports them; HPC-EOL-001 names them.
import type { KeyValue, Range, Recipe, ShellCommand, Stage, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from './commands';
import { recipeMentions } from './recipe-index';
import { lineIndexOf, offsetOf, rangeInWord } from './source';

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
export const REPO_WORKAROUND_KEYWORDS = ['vault.centos.org', 'archive.debian.org', 'old-releases.ubuntu.com', 'mirrorlist', 'mirror.centos.org'];

/** One place where the recipe keeps an end-of-life base building. */
export interface RepoWorkaround {
  range: Range;
  what: string;
  /** The stage it is in (undefined for a global ARG). */
  stage?: Stage;
}

/** Every workaround in the recipe, in file order: archive hosts in headers, ARG/ENV values, scripts and heredocs, and `sed` edits of the CentOS mirror list. */
export function repoWorkarounds(recipe: Recipe): RepoWorkaround[] {
  if (!recipeMentions(recipe, REPO_WORKAROUND_KEYWORDS)) {
    return [];
  }
  const found: RepoWorkaround[] = [];

  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'header' && step.key === 'mirrorurl') {
        noteArchive(found, recipe, step.value, stage);
      } else if (step.kind === 'arg' || (step.kind === 'env' && !step.script)) {
        // `%environment` bodies are scripts and are read below.
        notePairArchives(found, recipe, step.pairs, stage);
      }
    }
  }
  for (const global of recipe.globalArgs) {
    notePairArchives(found, recipe, global.pairs, undefined);
  }

  const index = lineIndexOf(recipe);
  for (const { script, stage } of allScripts(recipe)) {
    for (const command of script.commands) {
      if (noteFirstArchive(found, recipe, command, stage)) {
        continue;
      }
      if (effectiveName(command) === 'sed') {
        // A `sed` command assigns nothing: all its effective words are used.
        const edit = effectiveWords(command).slice(1).find((word) => MIRROR_EDIT.test(word.text));
        const m = edit && MIRROR_EDIT.exec(edit.text);
        if (edit && m) {
          found.push({
            range: rangeInWord(recipe, edit, m.index, m.index + m[0].length),
            what: '`sed` rewrites the retired CentOS mirror list (`mirrorlist.centos.org` went offline with CentOS 7)',
            stage,
          });
        }
      }
    }
    for (const heredoc of script.heredocs) {
      const hit = archiveIn(heredoc.body);
      if (hit) {
        const start = offsetOf(recipe, heredoc.range.start) + hit.index;
        const exact = recipe.text.slice(start, start + hit.length).toLowerCase() === heredoc.body.slice(hit.index, hit.index + hit.length).toLowerCase();
        found.push({ range: exact ? index.range(start, start + hit.length) : heredoc.range, what: hit.archive.what, stage });
      }
    }
  }
  return found.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function archiveIn(text: string): { archive: Archive; index: number; length: number } | undefined {
  for (const archive of ARCHIVES) {
    const m = archive.pattern.exec(text);
    if (m) {
      return { archive, index: m.index, length: m[0].length };
    }
  }
  return undefined;
}

/** Adds the archive host `word` names to `found`; whether it names one. */
function noteArchive(found: RepoWorkaround[], recipe: Recipe, word: Word, stage: Stage | undefined): boolean {
  const hit = archiveIn(word.text);
  if (hit) {
    found.push({ range: rangeInWord(recipe, word, hit.index, hit.index + hit.length), what: hit.archive.what, stage });
  }
  return hit !== undefined;
}

function notePairArchives(found: RepoWorkaround[], recipe: Recipe, pairs: readonly KeyValue[], stage: Stage | undefined): void {
  for (const pair of pairs) {
    if (pair.value) {
      noteArchive(found, recipe, pair.value, stage);
    }
  }
}

/** Notes the first of the command's used words (see `unusedAssignment`) that names an archive host; whether one does. */
function noteFirstArchive(found: RepoWorkaround[], recipe: Recipe, command: ShellCommand, stage: Stage | undefined): boolean {
  // Archive hosts are rare: a word is asked whether it is an unused assignment (a search of the whole text) only once it names one.
  for (const word of effectiveWords(command)) {
    const hit = archiveIn(word.text);
    if (hit && !unusedAssignment(recipe, command, word)) {
      found.push({ range: rangeInWord(recipe, word, hit.index, hit.index + hit.length), what: hit.archive.what, stage });
      return true;
    }
  }
  return false;
}

/**
 * `export MIRRORURL=https://vault…` whose variable the recipe never reads: it repoints nothing (a `localimage` build
 * that only records the URL).
 */
function unusedAssignment(recipe: Recipe, command: ShellCommand, word: Word): boolean {
  if (!['export', 'declare', 'typeset', 'readonly', 'local'].includes(effectiveName(command))) {
    return false;
  }
  const name = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.value)?.[1];
  return name !== undefined && !new RegExp(`\\$\\{?${name}\\b`).test(recipe.text);
}

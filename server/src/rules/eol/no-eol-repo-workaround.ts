// HPC-EOL-003: workarounds that keep an end-of-life base building (vault.centos.org, archive.debian.org, old-releases.ubuntu.com, mirrorlist rewrites).
import { defineRule } from '../../engine/rule';
import type { Range, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { lineIndexOf, offsetOf, rangeInWord } from '../util/source';

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
    docs: {
      summary: 'Repository workarounds for end-of-life bases: `vault.centos.org`, `sed` on CentOS `mirrorlist`, `archive.debian.org`, `old-releases.ubuntu.com`.',
      whatItDoes:
        'Reports shell commands, here-documents, `ENV`/`ARG` values and `MirrorURL:` headers that point package managers at archive servers for retired releases ' +
        '(`vault.centos.org`, `archive.debian.org`, `old-releases.ubuntu.com`), and `sed` commands that rewrite CentOS `mirrorlist`/`mirror.centos.org` entries. ' +
        'One finding per command.',
      whyHpc:
        'These edits appear when an old base stops building: after 2024-06-30 CentOS 7 mirrors went offline and `yum` fails with ' +
        '`Could not resolve host: mirrorlist.centos.org`; retired Debian and Ubuntu releases return `404 Not Found` from `apt-get update`. Repointing to the archive ' +
        'makes the build pass again, but the archive is frozen: the image carries every vulnerability published since, and the next site or architecture ' +
        '(archives keep only some architectures) fails again. The recipe looks maintained while the base is not.',
      howToFix:
        'Move the base to a supported release (`rockylinux:9`/`almalinux:9` for CentOS, `debian:trixie`, `ubuntu:24.04`) and delete the repository rewrite. ' +
        'If the software really needs the old userland for a while, say so in a pragma with a reason and a date: `# hpclint ignore=HPC-EOL-003 -- legacy code, replace by 2027`.',
      bad: [
        {
          format: 'dockerfile',
          code:
            "FROM centos:7\nRUN sed -i -e 's/^mirrorlist/#mirrorlist/' -e 's|^#baseurl=http://mirror.centos.org|baseurl=http://vault.centos.org|' /etc/yum.repos.d/CentOS-*.repo && \\\n    yum -y install gcc\n",
        },
        { format: 'apptainer', code: 'Bootstrap: yum\nOSVersion: 6\nMirrorURL: http://vault.centos.org/6.10/os/x86_64/\nInclude: yum\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM rockylinux:9\nRUN dnf -y install gcc && dnf clean all\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: almalinux:9\n\n%post\n    dnf -y install gcc\n' },
      ],
      exceptions:
        'Recipes whose purpose is to reproduce an old environment (archival, legacy-code regression tests) may keep the workaround with a pragma. ' +
        'Mentions in comments and `echo` text that does not end up in a repository file are still reported when they are shell words; the finding is per command.',
      references: [
        'https://blog.centos.org/2023/04/end-dates-are-coming-for-centos-stream-8-and-centos-linux-7/',
        'https://www.debian.org/distrib/archive',
        'https://help.ubuntu.com/community/EOLUpgrades',
      ],
    },
  },
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

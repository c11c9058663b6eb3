// HPC-MAINT-002: downloads from URLs whose content changes over time (branch archives, `latest` releases, unversioned installers).
import { defineRule, type RuleContext } from '../../engine/rule';
import type { KeyValue, ShellCommand, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { allScripts } from '../../recipe/query';
import { ownRepositoryFinding, ownRepositoryOf } from '../util/own-repository';
import { rangeInWord } from '../util/source';
import docs from './no-moving-target-urls.md';

interface MovingTarget {
  pattern: RegExp;
  what: (match: RegExpExecArray) => string;
  pin: string;
}

const TARGETS: MovingTarget[] = [
  {
    pattern: /\/(?:-\/)?archive\/(?:refs\/heads\/)?(master|main|develop|HEAD)(?=[./])/,
    what: (m) => `a snapshot of the \`${m[1]}\` branch`,
    pin: 'download the archive of a release tag or commit (`…/archive/refs/tags/v1.2.3.tar.gz`, `…/archive/<sha>.tar.gz`) and verify its checksum',
  },
  {
    pattern: /\/(?:tarball|zipball)\/(?:refs\/heads\/)?(master|main|develop|HEAD)(?=$|[/?#"'])/,
    what: (m) => `a snapshot of the \`${m[1]}\` branch`,
    pin: 'download the tarball of a release tag or commit (`…/tarball/v1.2.3`, `…/tarball/<sha>`) and verify its checksum',
  },
  {
    pattern: /\/(?:[\w.+-]*[-_])?(stable|latest|current)\.(?:tar\.(?:gz|bz2|xz)|tgz|tbz2?|zip)(?=$|[?#"'])/,
    what: (m) => `whatever release is \`${m[1]}\` on the day of the build (the file is replaced at each release)`,
    pin: 'download the versioned file of one release (`lammps-2Aug2023.tar.gz`, `parallel-<YYYYMMDD>.tar.bz2`) and verify its checksum',
  },
  {
    pattern: /raw\.githubusercontent\.com\/[^/\s]+\/[^/\s]+\/(master|main|HEAD|develop)\//,
    what: (m) => `a file from the tip of the \`${m[1]}\` branch`,
    pin: 'use a tag or commit in the path (`raw.githubusercontent.com/<owner>/<repo>/<sha>/…`) and verify its checksum',
  },
  {
    pattern: /\/releases\/latest\/download\//,
    what: () => 'whatever release is newest at build time (`releases/latest`)',
    pin: 'name the release (`…/releases/download/v1.2.3/…`) and verify its checksum',
  },
  {
    pattern: /(Miniconda[23]?|Miniforge[23]?|Mambaforge|Anaconda[23]?)-latest-Linux-/i,
    what: (m) => `the newest ${m[1]} installer (a new Python and conda on every rebuild)`,
    pin: 'download a versioned installer (`Miniforge3-24.11.3-0-Linux-x86_64.sh`, `Miniconda3-py312_24.11.1-0-Linux-x86_64.sh`) and verify its SHA-256',
  },
  {
    pattern: /bootstrap\.pypa\.io\/get-pip\.py/,
    what: () => 'the newest `get-pip.py`, which drops support for older Pythons without notice',
    pin: 'use the distribution\'s `python3-pip`, `python -m ensurepip`, or the versioned script `bootstrap.pypa.io/pip/<python-version>/get-pip.py` and pin pip (`pip==24.3.1`)',
  },
];

/** A licence or notice file (`LICENSE`, `LICENSE.txt`, `COPYING`, `NOTICE.md`): not build input. */
const LICENCE_FILE = /\/(?:LICEN[CS]E|COPYING|NOTICE)(?:[.-][\w.-]*)?$/i;

/** The whitespace-, quote- or `=`-delimited piece of `text` around `index` (the URL a target was found in). */
function urlAround(text: string, index: number): string {
  const delimiter = /[\s"'=(),;]/;
  let start = index;
  while (start > 0 && !delimiter.test(text[start - 1])) {
    start--;
  }
  let end = index;
  while (end < text.length && !delimiter.test(text[end])) {
    end++;
  }
  return text.slice(start, end);
}

/** `scheme://` or a bare `host.domain/` prefix (`github.com/…`). */
const URL_LIKE = /:\/\/|(?:^|["'=@])[\w-]+(?:\.[\w-]+)+\//;

export default defineRule({
  meta: {
    code: 'HPC-MAINT-002',
    name: 'no-moving-target-urls',
    category: 'maintainability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    // A URL inside a `bash -c "…"` string is a word of the outer command and of the command split from the string.
    const reported = new Set<string>();
    for (const global of recipe.globalArgs) {
      checkPairs(context, reported, global.pairs);
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'copy' && step.keyword.toUpperCase() === 'ADD') {
          checkWords(context, reported, step.sources);
        } else if (step.kind === 'arg' || (step.kind === 'env' && !step.script)) {
          checkPairs(context, reported, step.pairs);
        }
      }
    }
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        checkWords(context, reported, command.words);
        checkWords(context, reported, command.assignments);
      }
      latestLookups(script.commands, (first, what) => {
        const words = first.words;
        context.report({
          range: { start: words[0].range.start, end: words[words.length - 1].range.end },
          message:
            `${what} picks the newest release at build time: a rebuild gets whatever was tagged since, with no record of which one was built; ` +
            'name the version in an `ARG` (`ARG UCX_VERSION=1.17.0`) and fetch that tag.',
        });
      });
    }
  },
});

function checkPairs(context: RuleContext, reported: Set<string>, pairs: readonly KeyValue[]): void {
  for (const pair of pairs) {
    if (pair.value) {
      checkWord(context, reported, pair.value);
    }
  }
}

function checkWords(context: RuleContext, reported: Set<string>, words: readonly Word[]): void {
  for (const word of words) {
    checkWord(context, reported, word);
  }
}

/**
 * Reports the first moving target in a URL word. `reported` holds the start (`line:character`) of every target
 * reported: a URL inside a `bash -c "…"` string is a word of the outer command and of the command split from the string.
 */
function checkWord(context: RuleContext, reported: Set<string>, word: Word): void {
  // URLs only: `chmod +x Miniconda3-latest-Linux-x86_64.sh` names the downloaded file, not the download. Every URL
  // and every target has a `/`; most words have none.
  if (!word.text.includes('/') || !URL_LIKE.test(word.text)) {
    return;
  }
  const { recipe } = context;
  for (const target of TARGETS) {
    const match = target.pattern.exec(word.text);
    if (match) {
      const range = rangeInWord(recipe, word, match.index, match.index + match[0].length);
      const key = `${range.start.line}:${range.start.character}`;
      if (reported.has(key)) {
        return;
      }
      reported.add(key);
      const url = urlAround(word.text, match.index);
      const own = ownRepositoryOf(url, context.settings);
      if (own) {
        context.report(ownRepositoryFinding(range, `This URL downloads ${target.what(match)}`, own));
      } else if (LICENCE_FILE.test(url.replace(/[?#].*$/, ''))) {
        context.report({
          range,
          severity: 'info',
          message: `This URL downloads a licence text, ${target.what(match)}: nothing the build compiles or runs changes with it, so this is advice; take the text from the release you install, so that it matches that version.`,
        });
      } else {
        context.report({ range, message: `This URL downloads ${target.what(match)}: a rebuild can get different content; ${target.pin}.` });
      }
      return;
    }
  }
}

/** A pipeline command that keeps one line: `tail -1`, `tail -n 1`, `head -n1`. */
function keepsOneLine(command: ShellCommand): boolean {
  const name = effectiveName(command);
  const args = effectiveWords(command).slice(1).map((word) => word.value);
  return (name === 'tail' || name === 'head') && args.some((value, i) => /^-n?1$/.test(value) || (value === '-n' && args[i + 1] === '1') || value === '--lines=1');
}

/**
 * "Latest release" lookups: a pipeline from `git ls-remote` or a listing `git tag` that keeps one line
 * (`git ls-remote --tags URL | sort -V | tail -1`), and `git rev-list --tags --max-count=1` (the newest tag's commit).
 */
function latestLookups(commands: readonly ShellCommand[], report: (first: ShellCommand, what: string) => void): void {
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i];
    const words = effectiveWords(command);
    if (effectiveName(command) !== 'git' || words.length < 2) {
      continue;
    }
    const sub = words[1].value;
    if (sub === 'rev-list' && words.some((word) => word.value === '--tags') && words.some((word) => /^(--max-count=1|-1|-n1)$/.test(word.value))) {
      report(command, '`git rev-list --tags --max-count=1`');
      continue;
    }
    const lists = sub === 'ls-remote' || (sub === 'tag' && words.slice(2).every((word) => word.value.startsWith('-')));
    if (!lists || !command.pipesToNext) {
      continue;
    }
    const pipeline: ShellCommand[] = [];
    for (let j = i + 1; j < commands.length && commands[j - 1].pipesToNext; j++) {
      pipeline.push(commands[j]);
    }
    const last = pipeline.find(keepsOneLine);
    if (last) {
      report(command, `\`git ${sub} … | ${last.words.map((word) => word.value).join(' ')}\``);
    }
  }
}

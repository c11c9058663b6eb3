// HPC-MAINT-002: downloads from URLs whose content changes over time (branch archives, `latest` releases, unversioned installers).
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { rangeInWord } from '../util/source';

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

/** `scheme://` or a bare `host.domain/` prefix (`github.com/…`). */
const URL_LIKE = /:\/\/|(?:^|["'=@])[\w-]+(?:\.[\w-]+)+\//;

export default defineRule({
  meta: {
    code: 'HPC-MAINT-002',
    name: 'no-moving-target-urls',
    category: 'maintainability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'Downloads from moving-target URLs: branch archives, `raw.githubusercontent.com/…/master/`, `releases/latest/download`, `*-latest-Linux-*.sh` installers, unversioned `get-pip.py`.',
      whatItDoes:
        'Reads the words of `RUN`/`%post` commands (and other script sections), `ADD` sources and `ARG`/`ENV` values and reports URLs whose content changes without the URL changing: ' +
        '`github.com/<o>/<r>/archive/master.tar.gz` (also `refs/heads/main`, GitLab `/-/archive/main/`), `raw.githubusercontent.com/<o>/<r>/(master|main|HEAD)/…`, ' +
        '`…/releases/latest/download/…`, `Miniconda3-latest-Linux-x86_64.sh` / `Miniforge3-latest-Linux-*.sh` and `https://bootstrap.pypa.io/get-pip.py`.',
      whyHpc:
        'HPC images are rebuilt months or years later — for a new cluster, a new architecture, or to reproduce a published result. A moving URL gives a different ' +
        'program each time: the rebuild silently contains other code (results differ), fails on a changed build system, or breaks because the newest installer ' +
        'dropped the Python version the recipe relies on (`get-pip.py` refuses older Pythons with `ERROR: This script does not work on Python 3.x`). No checksum can be ' +
        'pinned on content that changes, so the download cannot be verified either.',
      howToFix:
        'Pin the URL to a release tag or commit (`…/archive/refs/tags/v1.2.3.tar.gz`, `raw.githubusercontent.com/<o>/<r>/<sha>/…`, `…/releases/download/v1.2.3/…`, ' +
        '`Miniforge3-24.11.3-0-Linux-x86_64.sh`), put the version in an `ARG` so it is visible and easy to bump, and check the file\'s SHA-256 (`sha256sum -c`). ' +
        'No automatic fix: the right version is a decision.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN curl -fsSLo /tmp/conda.sh https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh && bash /tmp/conda.sh -b -p /opt/conda\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    wget https://github.com/example/solver/archive/master.tar.gz\n' },
      ],
      good: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nARG MINIFORGE=24.11.3-0\nRUN curl -fsSLo /tmp/conda.sh https://github.com/conda-forge/miniforge/releases/download/${MINIFORGE}/Miniforge3-${MINIFORGE}-Linux-x86_64.sh && bash /tmp/conda.sh -b -p /opt/conda\n',
        },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%post\n    wget https://github.com/example/solver/archive/refs/tags/v2.1.0.tar.gz\n' },
      ],
      exceptions:
        'Development images that deliberately track a branch (nightly CI of the project itself) can silence the rule with a pragma stating that purpose. ' +
        'Version managers' + "' own `latest` aliases resolved inside a script (`nvm install --lts`) are not URLs and are not reported.",
      references: [
        'https://docs.github.com/en/repositories/working-with-files/using-files/downloading-source-code-archives',
        'https://github.com/conda-forge/miniforge#downloading-the-installer-as-part-of-a-ci-pipeline',
        'https://pip.pypa.io/en/stable/installation/#get-pip-py',
        'https://reproducible-builds.org/docs/',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    const checkWord = (word: Word): void => {
      // URLs only: `chmod +x Miniconda3-latest-Linux-x86_64.sh` names the downloaded file, not the download.
      if (!URL_LIKE.test(word.text)) {
        return;
      }
      for (const target of TARGETS) {
        const match = target.pattern.exec(word.text);
        if (match) {
          context.report({
            range: rangeInWord(recipe, word, match.index, match.index + match[0].length),
            message: `This URL downloads ${target.what(match)}: a rebuild can get different content; ${target.pin}.`,
          });
          return;
        }
      }
    };
    for (const global of recipe.globalArgs) {
      global.pairs.forEach((pair) => pair.value && checkWord(pair.value));
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'copy' && step.keyword.toUpperCase() === 'ADD') {
          step.sources.forEach(checkWord);
        } else if (step.kind === 'arg' || (step.kind === 'env' && !step.script)) {
          step.pairs.forEach((pair) => pair.value && checkWord(pair.value));
        }
      }
    }
    for (const { script } of allScripts(recipe)) {
      for (const command of script.commands) {
        command.words.forEach(checkWord);
        command.assignments.forEach(checkWord);
      }
    }
  },
});

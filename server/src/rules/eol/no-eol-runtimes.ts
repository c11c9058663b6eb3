// HPC-EOL-004: end-of-life runtimes and libraries built from source, pinned in conda, or installed as distro Python 2.
import { defineRule } from '../../engine/rule';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords, installedPackages } from '../util/commands';
import { rangeInWord, withShellCScripts } from '../util/source';
import { daysUntil, findCycle } from '../../knowledge/eol';
import docs from './no-eol-runtimes.md';

interface Release {
  /** What the text names, for the message. */
  name: string;
  /** The day support ended. */
  eol: string;
  successor: string;
}

/** OpenSSL 1.x branches (https://openssl-library.org/policies/releasestrat/): all past their end of life. */
const OPENSSL_EOL: Record<string, string> = { '1.0.1': '2016-12-31', '1.0.2': '2019-12-31', '1.1.0': '2019-09-11', '1.1.1': '2023-09-11' };
const OPENSSL = /openssl-(1\.[01]\.[0-2])[a-z]?(?=\.tar|\.zip|\.tgz|\/|$)|OpenSSL_(1)_([01])_([0-2])[a-z]?(?=\.tar|\.zip|\.tgz|\/|$)/;
const PYTHON_SOURCE = /Python-([23]\.\d+)(?:\.\d+)?(?=\.tar|\.tgz|\/|$)/;
/** GCC 4.x: the last release of the series, 4.9.4, came out on 2016-08-03. */
const GCC4 = /gcc-(4\.\d+)(?:\.\d+)?(?=\.tar|\/|$)/;
const FETCHERS = new Set(['curl', 'wget', 'git']);
const CONDA = new Set(['conda', 'mamba', 'micromamba']);
const CONDA_PYTHON = /^python=?=([23]\.\d+)(?:\.[\d*]+)?$/;
/** Distro packages of Python 2 (Debian/Ubuntu `python-dev` and friends are Python 2; RHEL 7's `python-devel` too). */
const PYTHON2_PACKAGE = /^(python2(\.\d+)?(-[\w.-]+)?|python-(dev|devel|minimal|pip|setuptools|virtualenv))$/;

function sourceRelease(text: string, today: string): { release: Release; index: number; length: number } | undefined {
  const openssl = OPENSSL.exec(text);
  if (openssl) {
    const branch = openssl[1] ?? `${openssl[2]}.${openssl[3]}.${openssl[4]}`;
    const eol = OPENSSL_EOL[branch];
    if (eol) {
      return { release: { name: `OpenSSL ${branch}`, eol, successor: 'OpenSSL 3.5 (LTS) or the distribution\'s OpenSSL' }, index: openssl.index, length: openssl[0].length };
    }
  }
  const python = PYTHON_SOURCE.exec(text);
  if (python) {
    const release = pythonRelease(python[1], today);
    if (release) {
      return { release, index: python.index, length: python[0].length };
    }
  }
  const gcc = GCC4.exec(text);
  if (gcc) {
    return { release: { name: `GCC ${gcc[1]}`, eol: 'no later than 2016-08-03 (the GCC 4 series ended with 4.9.4)', successor: 'a maintained GCC or the distribution\'s compiler' }, index: gcc.index, length: gcc[0].length };
  }
  return undefined;
}

function pythonRelease(cycle: string, today: string): Release | undefined {
  const hit = findCycle('python', cycle);
  if (!hit || daysUntil(hit.cycle.eol, today) > 0) {
    return undefined;
  }
  return { name: `Python ${cycle}`, eol: hit.cycle.eol, successor: `Python ${hit.cycle.successor}` };
}

/** Download, clone and `ADD` words: where a source build takes its tarball. */
function fetchedWords(command: ShellCommand): Word[] {
  return FETCHERS.has(effectiveName(command)) ? effectiveWords(command).slice(1) : [];
}

function condaPythonPin(command: ShellCommand, today: string): { word: Word; release: Release } | undefined {
  const words = effectiveWords(command);
  if (!CONDA.has(effectiveName(command)) || !words.some((word) => word.value === 'install' || word.value === 'create')) {
    return undefined;
  }
  for (const word of words) {
    const pin = CONDA_PYTHON.exec(word.value);
    const release = pin ? pythonRelease(pin[1], today) : undefined;
    if (release) {
      return { word, release };
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-EOL-004',
    name: 'no-eol-runtimes',
    category: 'eol',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'none',
    // OpenSSL 1.x, Python or GCC 4 sources, a conda `python=` pin, or a distro `python2`/`python-dev` package.
    interests: { keywords: ['openssl', 'python', 'gcc-4'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const today = context.settings.today;
    const reportSource = (word: Word, how: string): void => {
      const found = sourceRelease(word.text, today);
      if (!found) {
        return;
      }
      const { release } = found;
      context.report({
        range: rangeInWord(recipe, word, found.index, found.index + found.length),
        message:
          `${how} ${release.name}, which reached its end of life ${/^\d/.test(release.eol) ? 'on ' : ''}${release.eol}: it gets no security fixes, and because it is not a package, image scanners do not see it. ` +
          `Use ${release.successor}; if the old version is really needed, document why next to it.`,
      });
    };
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'copy' && step.keyword.toUpperCase() === 'ADD') {
          step.sources.forEach((source) => reportSource(source, '`ADD` fetches'));
        }
      }
    }
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind !== 'run') {
        continue;
      }
      for (const command of withShellCScripts(recipe, script.commands)) {
        for (const word of fetchedWords(command)) {
          reportSource(word, `\`${effectiveName(command)}\` fetches the sources of`);
        }
        const pin = condaPythonPin(command, today);
        if (pin) {
          context.report({
            range: pin.word.range,
            message: `\`${pin.word.value}\` pins ${pin.release.name}, which reached its end of life on ${pin.release.eol} and gets no security fixes. Use ${pin.release.successor} or another supported version.`,
          });
        }
        for (const installed of installedPackages(command)) {
          if ((installed.manager === 'apt' || installed.manager === 'rpm') && PYTHON2_PACKAGE.test(installed.name)) {
            context.report({
              range: installed.word.range,
              severity: 'info',
              message: `\`${installed.name}\` installs Python 2, which upstream stopped supporting on 2020-01-01; only a distribution with long-term support still patches it. Port the code to Python 3 (\`python3\`, \`python3-dev\`).`,
            });
          }
        }
      }
    }
  },
});

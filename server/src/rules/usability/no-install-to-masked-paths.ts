// HPC-USE-004: software installed into paths that are bind-mounted over (or unreadable) at run time.
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, ShellCommand, Stage, Word } from '../../recipe/model';
import { flagValue } from '../../recipe/query';
import { effectiveWords, isPipCommand } from '../util/commands';
import { baseName, finalStageChain, offsetOf, rangeOf } from '../util/source';
import docs from './no-install-to-masked-paths.md';

/**
 * Home directories: `~`, `$HOME`, `/root`, `/home/<user>`. `/tmp` and `/var/tmp` are masked too, but prefixes there are
 * nearly always intermediate builds (a static FFTW for NAMD) that are linked in and never used at run time.
 */
const HOME_PATH = /^(~|\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+)(\/|$)/;
const CONDA_INSTALLER = /(mini|ana)conda|miniforge|mambaforge|micromamba/i;
const SHELLS = new Set(['sh', 'bash']);

interface Hit {
  word: Word;
  what: string;
  fix?: Fix;
}

function masked(value: string): boolean {
  return HOME_PATH.test(value.replace(/^["']|["']$/g, ''));
}

function pipHit(recipe: Recipe, command: ShellCommand, asRoot: boolean): Hit | undefined {
  const words = effectiveWords(command);
  if (!words.some((word) => word.value === 'install')) {
    return undefined;
  }
  const user = words.find((word) => word.value === '--user');
  if (user) {
    const start = offsetOf(recipe, user.range.start);
    const end = offsetOf(recipe, user.range.end);
    const before = recipe.text[start - 1] === ' ' ? 1 : 0;
    const fix: Fix | undefined = asRoot ? { title: 'Install system-wide (remove `--user`)', safe: false, edits: [{ range: rangeOf(recipe, start - before, end), newText: '' }] } : undefined;
    return { word: user, what: '`pip install --user` installs into `~/.local`', fix };
  }
  const target = flagValue(command, '--prefix', '--target', '-t', '--root');
  return target && masked(target.value) ? { word: target, what: `\`pip install\` installs into \`${target.value}\`` } : undefined;
}

function commandHit(recipe: Recipe, command: ShellCommand, asRoot: boolean): Hit | undefined {
  if (isPipCommand(command)) {
    return pipHit(recipe, command, asRoot);
  }
  const words = effectiveWords(command);
  const name = baseName(words[0]?.value ?? '');
  const values = words.map((word) => word.value);
  if (['conda', 'mamba', 'micromamba'].includes(name) && ['create', 'install', 'env'].includes(values[1] ?? '')) {
    const prefix = flagValue(command, '-p', '--prefix');
    return prefix && masked(prefix.value) ? { word: prefix, what: `\`${name} ${values[1]}\` creates its environment in \`${prefix.value}\`` } : undefined;
  }
  const installerAt = SHELLS.has(name) ? 1 : 0;
  const installer = words[installerAt];
  if (installer && CONDA_INSTALLER.test(baseName(installer.value)) && /\.sh$/.test(installer.value) && values.includes('-b')) {
    const prefix = flagValue(command, '-p');
    if (!prefix) {
      return { word: installer, what: `\`${baseName(installer.value)} -b\` without \`-p\` installs into \`~/\`` };
    }
    return masked(prefix.value) ? { word: prefix, what: `the conda installer installs into \`${prefix.value}\`` } : undefined;
  }
  if (name === 'configure') {
    const prefix = flagValue(command, '--prefix');
    return prefix && masked(prefix.value) ? { word: prefix, what: `\`configure --prefix=${prefix.value}\` installs into a masked path` } : undefined;
  }
  if (name === 'cmake') {
    const word = words.find((candidate) => /^-DCMAKE_INSTALL_PREFIX(:\w+)?=/.test(candidate.value));
    const value = word?.value.replace(/^[^=]*=/, '') ?? '';
    return word && masked(value) ? { word, what: `\`CMAKE_INSTALL_PREFIX=${value}\` installs into a masked path` } : undefined;
  }
  if ((name === 'make' || name === 'ninja') && values.includes('install')) {
    const word = words.find((candidate) => /^(PREFIX|prefix|INSTALL_PREFIX)=/.test(candidate.value) && masked(candidate.value.replace(/^[^=]*=/, '')));
    return word ? { word, what: `\`${name} install ${word.value}\` installs into a masked path` } : undefined;
  }
  if (/^python[\d.]*$/.test(name) && values[1] === '-m' && values[2] === 'venv') {
    const path = words.slice(3).find((word) => !word.value.startsWith('-'));
    return path && masked(path.value) ? { word: path, what: `the virtual environment \`${path.value}\` is created in a home directory` } : undefined;
  }
  if (name === 'virtualenv' || (name === 'uv' && values[1] === 'venv')) {
    const path = words.slice(name === 'uv' ? 2 : 1).find((word) => !word.value.startsWith('-'));
    return path && masked(path.value) ? { word: path, what: `the virtual environment \`${path.value}\` is created in a home directory` } : undefined;
  }
  return undefined;
}

function runsAsRoot(chain: Stage[]): boolean {
  return !chain.some((stage) => stage.steps.some((step) => step.kind === 'user' && !/^(root|0)(:|$)/.test(step.value?.value ?? 'root')));
}

export default defineRule({
  meta: {
    code: 'HPC-USE-004',
    name: 'no-install-to-masked-paths',
    category: 'usability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    const asRoot = runsAsRoot(chain);
    for (const stage of chain) {
      let homeWorkdir: Word | undefined;
      for (const step of stage.steps) {
        if (step.kind === 'workdir') {
          homeWorkdir = step.value && HOME_PATH.test(step.value.value) ? step.value : undefined;
          continue;
        }
        if (step.kind === 'copy') {
          const destination = step.destination;
          if (!destination) {
            continue;
          }
          if (recipe.format === 'apptainer' && HOME_PATH.test(destination.value)) {
            context.report({ range: destination.range, message: `${step.keyword} puts files into \`${destination.value}\`, which is mounted over by the user's home (or unreadable as \`/root\`) when the image runs under Apptainer; copy to \`/opt/<app>\` instead.` });
          } else if (homeWorkdir && !destination.value.startsWith('/') && !destination.value.startsWith('$')) {
            context.report({ range: homeWorkdir.range, message: `\`WORKDIR ${homeWorkdir.value}\` holds application files copied by ${step.keyword}; under Apptainer that directory is the user's mounted home (or unreadable \`/root\`), so the files are not there at run time — use \`WORKDIR /opt/<app>\`.` });
            homeWorkdir = undefined;
          }
          continue;
        }
        if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
          continue;
        }
        for (const command of step.script.commands) {
          const hit = commandHit(recipe, command, asRoot);
          if (hit) {
            context.report({
              range: hit.word.range,
              message: `${hit.what}; Apptainer mounts the user's home, \`/tmp\` and \`/var/tmp\` over the image (and \`/root\` is unreadable to non-root users), so it is missing at run time — install into \`/opt/<app>\` or \`/usr/local\`.`,
              fixes: hit.fix ? [hit.fix] : undefined,
            });
          }
        }
      }
    }
  },
});

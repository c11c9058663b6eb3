// HPC-USE-009: one site's storage paths (`/lustre`, `/gpfs`, `/scratch`, `/global/cscratch1`, `/work/<group>/<user>`) baked into WORKDIR, VOLUME or ENV defaults.
import { defineRule } from '../../engine/rule';
import type { Word } from '../../recipe/model';
import { finalStageChain, rangeInWord } from '../util/source';
import docs from './no-site-storage-paths.md';

/** Parallel and scratch file systems of HPC sites; `/work` and `/project` only with a group or user below them. */
const SITE_STORAGE = /(?:^|[:=\s'"])(\/(?:lustre\w*|gpfs\w*|scratch\d*|global\/(?:c?scratch\d*|pscratch|cfs|homes|project)|p\/(?:scratch|project|largedata|home|fastdata)|(?:work|projects?|projappl|nobackup)\/[\w.-]+\/[\w.-]+)(?=\/|$|[:\s'"]))/;
/** Search paths are HPC-PORT-009's. */
const SEARCH_PATH_VARIABLES = new Set(['PATH', 'LD_LIBRARY_PATH', 'LD_PRELOAD', 'LIBRARY_PATH', 'CPATH', 'PKG_CONFIG_PATH', 'PYTHONPATH', 'MANPATH', 'MODULEPATH']);

function sitePath(word: Word): { index: number; path: string } | undefined {
  const match = SITE_STORAGE.exec(word.text);
  if (!match || /\$/.test(word.text.slice(0, match.index + match[0].length))) {
    return undefined;
  }
  const index = match.index + match[0].length - match[1].length;
  const end = word.text.slice(index).search(/[:\s'"]|$/);
  return { index, path: word.text.slice(index, index + end) };
}

export default defineRule({
  meta: {
    code: 'HPC-USE-009',
    name: 'no-site-storage-paths',
    category: 'usability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const report = (word: Word, where: string): void => {
      const found = sitePath(word);
      if (!found) {
        return;
      }
      context.report({
        range: rangeInWord(recipe, word, found.index, found.index + found.path.length),
        message:
          `${where} names \`${found.path}\`, one site's storage: on another cluster the path does not exist, and where it does the site binds its own file system over it, hiding what the image put there. ` +
          'Take the path from the job (an argument or a variable with a default under `$TMPDIR` or the working directory) and bind it at run time.',
      });
    };
    for (const stage of finalStageChain(recipe)) {
      for (const step of stage.steps) {
        if (step.kind === 'workdir' && step.value) {
          report(step.value, '`WORKDIR`');
        } else if (step.kind === 'other' && step.keyword.toUpperCase() === 'VOLUME') {
          step.args.forEach((arg) => report(arg, '`VOLUME`'));
        } else if (step.kind === 'env') {
          for (const pair of step.pairs) {
            if (pair.value && !SEARCH_PATH_VARIABLES.has(pair.key.value)) {
              report(pair.value, `\`${step.keyword} ${pair.key.value}\``);
            }
          }
        }
      }
    }
  },
});

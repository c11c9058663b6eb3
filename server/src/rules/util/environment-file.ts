// `echo 'export NAME=value' >> $APPTAINER_ENVIRONMENT` (or `>> /.singularity.d/env/*.sh`): settings a build step
// writes into the environment every run of the image sources.
import type { Recipe, ShellCommand, Word } from '../../recipe/model';
import { effectiveName } from './commands';
import { outputRedirectTargets } from './entry';

const ENVIRONMENT_FILE = /^\$\{?(APPTAINER|SINGULARITY)_ENVIRONMENT\}?$|^\/\.singularity\.d\/env\/[^/]+\.sh$/;
const ASSIGNMENT = /(?:^|[\s;'"])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;'"]*)/g;

export interface EnvironmentFileWrite {
  word: Word;
  name: string;
  /** Value with one pair of surrounding quotes removed. */
  value: string;
  /** Offsets of `NAME=value` inside `word.text`. */
  start: number;
  end: number;
}

/** The `NAME=value` assignments an `echo`/`printf` appends to the container's environment file. */
export function environmentFileWrites(recipe: Recipe, command: ShellCommand): EnvironmentFileWrite[] {
  const program = effectiveName(command);
  if ((program !== 'echo' && program !== 'printf') || !outputRedirectTargets(recipe, command).some((target) => ENVIRONMENT_FILE.test(target))) {
    return [];
  }
  const found: EnvironmentFileWrite[] = [];
  for (const word of command.words.slice(1)) {
    for (const match of word.text.matchAll(ASSIGNMENT)) {
      const value = match[2].replace(/^["']|["']$/g, '');
      const start = (match.index ?? 0) + match[0].indexOf(match[1]);
      found.push({ word, name: match[1], value, start, end: start + match[1].length + 1 + match[2].length });
    }
  }
  return found;
}

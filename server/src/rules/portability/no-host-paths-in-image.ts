// HPC-PORT-009: search paths pointing at host-only locations (Cray PE, Bright, site software trees, parallel file systems) baked into the image.
import { defineRule } from '../../engine/rule';
import type { Recipe, ShellCommand, Stage, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { outputRedirectTargets } from '../util/entry';
import { finalStageChain, rangeInWord } from '../util/source';
import docs from './no-host-paths-in-image.md';

/** Host-only roots; the capture is the root used to decide whether the recipe creates it itself. */
const HOST_ROOT = /^(\/opt\/cray|\/cm\/shared|\/cm\/local|\/usr\/lib64\/nvidia|\/sw|\/apps|\/global|\/lustre\w*|\/gpfs\w*)(\/|$)/;
/** Somewhere in a text whose pieces might match HOST_ROOT (each such piece is a substring of the text). */
const HOST_ROOT_INSIDE = /\/(?:opt\/cray|cm\/shared|cm\/local|usr\/lib64\/nvidia|sw|apps|global|lustre|gpfs)/;
const SEARCH_PATH_VARIABLES = new Set(['PATH', 'LD_LIBRARY_PATH', 'LD_PRELOAD', 'LIBRARY_PATH']);
const LDCONFIG_FILE = /^\/etc\/ld\.so\.conf(\.d\/[^\s]*)?$/;

interface HostEntry {
  entry: string;
  root: string;
}

function hostEntries(value: string): HostEntry[] {
  const found: HostEntry[] = [];
  for (const entry of value.split(/[:\s]+/)) {
    const match = HOST_ROOT.exec(entry);
    if (match && !entry.includes('$')) {
      found.push({ entry, root: match[1] });
    }
  }
  return found;
}

/** Adds the host-only roots that `text` names to `roots`. */
function noteHostRoots(roots: Set<string>, text: string): void {
  if (!HOST_ROOT_INSIDE.test(text)) {
    return; // no piece can match: the split of every word was a thirtieth of what a Dockerfile's lint allocates
  }
  for (const piece of text.split(/[\s=:'",;]+/)) {
    const match = HOST_ROOT.exec(piece);
    if (match) {
      roots.add(match[1]);
    }
  }
}

/** Roots the recipe itself creates or installs into (`mkdir /gpfs`, `--prefix=/apps/x`, `COPY … /apps/`, `WORKDIR /sw/…`). */
function rootsCreatedInImage(recipe: Recipe, stages: readonly Stage[]): Set<string> {
  const roots = new Set<string>();
  for (const stage of recipe.format === 'dockerfile' ? recipe.stages : stages) {
    for (const step of stage.steps) {
      if (step.kind === 'run') {
        const writes = new Set(ldconfigWrites(recipe, step.script.commands));
        for (const command of step.script.commands) {
          if (!writes.has(command)) {
            for (const word of command.words) {
              noteHostRoots(roots, word.value);
            }
          }
        }
      } else if (step.kind === 'copy' && step.destination) {
        noteHostRoots(roots, step.destination.value);
      } else if (step.kind === 'workdir' && step.value) {
        noteHostRoots(roots, step.value.value);
      }
    }
  }
  return roots;
}

function isLdconfigWrite(recipe: Recipe, command: ShellCommand): boolean {
  const name = effectiveName(command);
  return (name === 'echo' || name === 'printf') && outputRedirectTargets(recipe, command).some((target) => LDCONFIG_FILE.test(target));
}

/** `echo /opt/cray/pe/lib64 > /etc/ld.so.conf.d/cray.conf`, also `echo … | tee -a /etc/ld.so.conf.d/…`. */
function ldconfigWrites(recipe: Recipe, commands: readonly ShellCommand[]): ShellCommand[] {
  const writes: ShellCommand[] = [];
  for (let i = 0; i < commands.length; i++) {
    if (writesLdconfig(recipe, commands, i)) {
      writes.push(commands[i]);
    }
  }
  return writes;
}

function writesLdconfig(recipe: Recipe, commands: readonly ShellCommand[], i: number): boolean {
  const command = commands[i];
  if (isLdconfigWrite(recipe, command)) {
    return true;
  }
  const next = commands[i + 1];
  const name = effectiveName(command);
  return (
    (name === 'echo' || name === 'printf') &&
    command.pipesToNext &&
    next !== undefined &&
    effectiveName(next) === 'tee' &&
    effectiveWords(next).some(isLdconfigFileWord)
  );
}

function isLdconfigFileWord(word: Word): boolean {
  return LDCONFIG_FILE.test(word.value);
}

function listed(entries: readonly HostEntry[]): string {
  const names = entries.map((entry) => `\`${entry.entry}\``).join(', ');
  return entries.length === 1 ? `${names}, a host directory the image does not contain` : `${names}, host directories the image does not contain`;
}

function entryRange(recipe: Recipe, word: Word, entry: string): Word['range'] {
  const at = word.text.indexOf(entry);
  return at >= 0 ? rangeInWord(recipe, word, at, at + entry.length) : word.range;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-009',
    name: 'no-host-paths-in-image',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const stages = finalStageChain(recipe);
    const inImage = rootsCreatedInImage(recipe, stages);
    const hostOnly = (entries: HostEntry[]): HostEntry[] => entries.filter((entry) => !inImage.has(entry.root));
    for (const stage of stages) {
      for (const step of stage.steps) {
        if (step.kind === 'env') {
          for (const pair of step.pairs) {
            if (!SEARCH_PATH_VARIABLES.has(pair.key.value) || !pair.value) {
              continue;
            }
            const entries = hostOnly(hostEntries(pair.value.value));
            if (entries.length > 0) {
              context.report({
                range: entryRange(recipe, pair.value, entries[0].entry),
                message:
                  `${pair.key.value} in ${step.keyword} points at ${listed(entries)}; ` +
                  'such paths only exist where a site binds them in. Add them at run time (job script, `APPTAINERENV_…`/`--env`) together with the bind.',
              });
            }
          }
        } else if (step.kind === 'run') {
          for (const command of ldconfigWrites(recipe, step.script.commands)) {
            for (const word of command.words.slice(1)) {
              const entries = hostOnly(hostEntries(word.value));
              if (entries.length > 0) {
                context.report({
                  range: entryRange(recipe, word, entries[0].entry),
                  message:
                    `The dynamic-linker configuration gets ${listed(entries)}; ` +
                    'libraries there only exist where a site binds them in. Add the path at run time (`APPTAINERENV_LD_LIBRARY_PATH`) together with the bind.',
                });
              }
            }
          }
        }
      }
    }
  },
});

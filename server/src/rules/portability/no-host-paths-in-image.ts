// HPC-PORT-009: search paths pointing at host-only locations (Cray PE, Bright, site software trees, parallel file systems) baked into the image.
import { defineRule } from '../../engine/rule';
import { CommandTable } from '../../recipe/command-table';
import type { Recipe, ShellCommand, ShellScript, Stage, Step, Word } from '../../recipe/model';
import { ScriptTable } from '../../recipe/script-table';
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

/**
 * Roots the recipe itself creates or installs into (`mkdir /gpfs`, `--prefix=/apps/x`, `COPY … /apps/`, `WORKDIR /sw/…`),
 * and the ld.so.conf writes of each run step that has some (every run step of `stages` is among those read).
 */
function rootsCreatedInImage(recipe: Recipe, stages: readonly Stage[], runOf: (script: ShellScript) => HostPathRun): { roots: Set<string>; writes: Map<Step, readonly ShellCommand[]> } {
  const roots = new Set<string>();
  const writes = new Map<Step, readonly ShellCommand[]>();
  for (const stage of recipe.format === 'dockerfile' ? recipe.stages : stages) {
    for (const step of stage.steps) {
      if (step.kind === 'run') {
        const run = runOf(step.script);
        for (const root of run.roots) {
          roots.add(root);
        }
        if (run.ldconfigWrites.length > 0) {
          writes.set(step, run.ldconfigWrites);
        }
      } else if (step.kind === 'copy' && step.destination) {
        noteHostRoots(roots, step.destination.value);
      } else if (step.kind === 'workdir' && step.value) {
        noteHostRoots(roots, step.value.value);
      }
    }
  }
  return { roots, writes };
}

/** What a run step's script holds for this rule: the host-only roots it creates, and its ld.so.conf writes. */
interface HostPathRun {
  /** The roots named by the words of commands other than the ld.so.conf writes. */
  readonly roots: readonly string[];
  readonly ldconfigWrites: readonly ShellCommand[];
}

const NO_RUN: HostPathRun = { roots: [], ldconfigWrites: [] };

/** Kept per script in a Dockerfile's lint with a memo (shared: never mutate). */
const RUNS_BY_SCRIPT = new ScriptTable<HostPathRun>((script, recipe) => {
  const { commands } = script;
  const facts = commands.map(FACTS_BY_COMMAND.readerInScript(recipe));
  const roots = new Set<string>();
  const writes: ShellCommand[] = [];
  for (let i = 0; i < commands.length; i++) {
    if (writesLdconfig(commands, facts, i)) {
      writes.push(commands[i]);
    } else {
      for (const root of facts[i].roots) {
        roots.add(root);
      }
    }
  }
  return roots.size === 0 && writes.length === 0 ? NO_RUN : { roots: [...roots], ldconfigWrites: writes };
});

/** What one command holds for this rule (its words and the text at its range alone). */
interface HostPathFacts {
  /** Host-only roots its words name (the image has them when the command is not an ld.so.conf write). */
  readonly roots: readonly string[];
  /** `echo`/`printf`. */
  readonly echoes: boolean;
  /** `echo …  > /etc/ld.so.conf.d/…`. */
  readonly writesLdconfig: boolean;
  /** `tee [-a] /etc/ld.so.conf.d/…`. */
  readonly teesLdconfig: boolean;
}

const NO_FACTS: HostPathFacts = { roots: [], echoes: false, writesLdconfig: false, teesLdconfig: false };

/** Kept per command in a lint with a memo (shared: never mutate). */
const FACTS_BY_COMMAND = new CommandTable<HostPathFacts>((command, recipe) => {
  let found: Set<string> | undefined;
  for (const word of command.words) {
    if (HOST_ROOT_INSIDE.test(word.value)) {
      noteHostRoots((found ??= new Set()), word.value);
    }
  }
  const name = effectiveName(command);
  const echoes = name === 'echo' || name === 'printf';
  const tees = name === 'tee' && effectiveWords(command).some(isLdconfigFileWord);
  if (found === undefined && !echoes && !tees) {
    return NO_FACTS;
  }
  const writes = echoes && outputRedirectTargets(recipe, command).some((target) => LDCONFIG_FILE.test(target));
  return { roots: found ? [...found] : [], echoes, writesLdconfig: writes, teesLdconfig: tees };
});

/** `echo /opt/cray/pe/lib64 > /etc/ld.so.conf.d/cray.conf`, also `echo … | tee -a /etc/ld.so.conf.d/…`. */
function writesLdconfig(commands: readonly ShellCommand[], facts: readonly HostPathFacts[], i: number): boolean {
  const fact = facts[i];
  if (!fact.echoes) {
    return false;
  }
  return fact.writesLdconfig || (commands[i].pipesToNext && i + 1 < facts.length && facts[i + 1].teesLdconfig);
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
    const { roots: inImage, writes } = rootsCreatedInImage(recipe, stages, RUNS_BY_SCRIPT.reader(recipe));
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
          for (const command of writes.get(step) ?? []) {
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

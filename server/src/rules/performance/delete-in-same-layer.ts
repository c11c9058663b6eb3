// HPC-PERF-007: files downloaded or copied in one layer and deleted in a later one (the bytes stay in the image).
import { defineRule, type RuleContext } from '../../engine/rule';
import { CUDA_RUNFILE_WEIGHT } from '../../knowledge/image-weight';
import { factsOf } from '../../recipe/facts';
import type { CopyStep, RunStep, ShellCommand, Step, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName, finalStageChainInOrder } from '../util/source';
import docs from './delete-in-same-layer.md';

/** A path some step put into the image. */
interface Created {
  path: string;
  step: Step;
  /** How it got there, for the message: "`COPY`", "`wget`". */
  how: string;
}

/** Stands for the base image's working directory when no WORKDIR says it. */
const UNKNOWN_CWD = '?';
const ARCHIVE = /\.(tar|tgz|tbz2?|txz|tar\.(gz|bz2|xz|zst))$/i;
const CUDA_RUNFILE = /^cuda_[\d.]+(_[\d.]+)?_linux(_[\w]+)?\.run$/;
const URL = /^(https?|ftp):\/\//i;

function normalize(path: string): string {
  if (isNormal(path)) {
    return path; // most paths: no split and join
  }
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') {
      if (parts.length > 1) {
        parts.pop();
      }
    } else if (part !== '.' && part !== '') {
      parts.push(part);
    }
  }
  return path.startsWith('/') ? '/' + parts.join('/') : parts.join('/');
}

/** True when `normalize` returns `path` itself: no empty, `.` or `..` component and no trailing `/`. */
function isNormal(path: string): boolean {
  return !path.includes('//') && !path.includes('/.') && !path.startsWith('.') && !path.endsWith('/') && path !== '';
}

/** `path` resolved against `cwd`; undefined for paths hpclint cannot know (variables, `~`). */
function resolve(cwd: string, path: string): string | undefined {
  if (path === '' || /[$`~]/.test(path)) {
    return undefined;
  }
  return normalize(path.startsWith('/') ? path : `${cwd}/${path}`);
}

function urlBaseName(url: string): string {
  return baseName(url.replace(/[?#].*$/, ''));
}

/** A path `rm` names (covering what is under it), or its glob (`/tmp/*`, `/opt/*.run`) as a test on one path component at a time. */
type RemovedPath = string | RegExp;

function removedPath(pattern: string): RemovedPath {
  if (!/[*?[]/.test(pattern)) {
    return pattern;
  }
  const source = pattern.split('').map(globCharSource).join('');
  return new RegExp(`^${source}(/|$)`);
}

function globCharSource(char: string): string {
  return char === '*' ? '[^/]*' : char === '?' ? '[^/]' : /[\\^$.|+(){}[\]]/.test(char) ? `\\${char}` : char;
}

function covers(removed: RemovedPath, path: string): boolean {
  return typeof removed === 'string' ? path === removed || path.startsWith(removed + '/') : removed.test(path);
}

/** The value of an option written `-o file`, `-ofile`, `--output=file`, `--output file` or inside a cluster `-fsSLo file`. */
function optionValue(words: readonly Word[], short: string, long: readonly string[]): string | undefined {
  for (let i = 1; i < words.length; i++) {
    const value = words[i].value;
    for (const name of long) {
      if (value === name) {
        return words[i + 1]?.value;
      }
      if (value.startsWith(name + '=')) {
        return value.slice(name.length + 1);
      }
    }
    if (new RegExp(`^-[A-Za-z]*${short}$`).test(value) && !value.startsWith('--')) {
      return words[i + 1]?.value;
    }
    if (value.startsWith(`-${short}`) && value.length > 2) {
      return value.slice(2);
    }
  }
  return undefined;
}

function isUrlWord(word: Word): boolean {
  return URL.test(word.value);
}

const NOTHING: readonly string[] = [];

/** What a download or clone command writes, resolved against `cwd`. */
function downloaded(command: ShellCommand, cwd: string): readonly string[] {
  const name = effectiveName(command);
  if (name !== 'wget' && name !== 'curl' && name !== 'git') {
    return NOTHING; // most commands: no word list to slice and test
  }
  const words = effectiveWords(command);
  const urls = words.slice(1).filter(isUrlWord);
  if (name === 'wget') {
    const output = optionValue(words, 'O', ['--output-document']);
    if (output !== undefined) {
      return output === '-' ? [] : [resolve(cwd, output)].filter((path) => path !== undefined);
    }
    const directory = optionValue(words, 'P', ['--directory-prefix']) ?? '.';
    return urls.map((url) => resolve(cwd, `${directory}/${urlBaseName(url.value)}`)).filter((path) => path !== undefined);
  }
  if (name === 'curl') {
    const output = optionValue(words, 'o', ['--output']);
    if (output !== undefined) {
      return output === '-' ? [] : [resolve(cwd, output)].filter((path) => path !== undefined);
    }
    const remoteName = words.some((word) => word.value === '--remote-name' || /^-[A-Za-z]*O[A-Za-z]*$/.test(word.value));
    const directory = optionValue(words, '\u0000', ['--output-dir']) ?? '.';
    return remoteName ? urls.map((url) => resolve(cwd, `${directory}/${urlBaseName(url.value)}`)).filter((path) => path !== undefined) : [];
  }
  if (name === 'git' && words[1]?.value === 'clone') {
    const operands = words.slice(2).filter((word) => !word.value.startsWith('-'));
    const url = operands.find((word) => URL.test(word.value) || /^git@/.test(word.value));
    if (url === undefined) {
      return [];
    }
    const target = operands[operands.indexOf(url) + 1]?.value ?? urlBaseName(url.value).replace(/\.git$/, '');
    return [resolve(cwd, target)].filter((path) => path !== undefined);
  }
  return [];
}

/** What a COPY/ADD puts in the image (archives ADD unpacks and globs are left out). */
function copied(step: CopyStep, cwd: string): string[] {
  const destination = step.destination?.value;
  if (destination === undefined) {
    return [];
  }
  const paths: string[] = [];
  const intoDirectory = destination.endsWith('/') || step.sources.length > 1;
  for (const source of step.sources) {
    const value = source.value;
    const remote = URL.test(value);
    if (/[*?[]/.test(value) || (step.keyword.toUpperCase() === 'ADD' && !remote && ARCHIVE.test(value))) {
      continue;
    }
    const name = remote ? urlBaseName(value) : baseName(value);
    const path = resolve(cwd, intoDirectory && name !== '' && name !== '.' ? `${destination}/${name}` : destination);
    if (path !== undefined) {
      paths.push(path);
    }
  }
  return paths;
}

export default defineRule({
  meta: {
    code: 'HPC-PERF-007',
    name: 'delete-in-same-layer',
    category: 'performance',
    severity: 'hint',
    formats: ['dockerfile'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const created: Created[] = [];
    const keep = factsOf(recipe).stepsReused;
    let cwd = UNKNOWN_CWD;
    for (const stage of finalStageChainInOrder(recipe)) {
      for (const step of stage.steps) {
        if (step.kind === 'workdir' && step.value) {
          cwd = resolve(cwd, step.value.value) ?? UNKNOWN_CWD;
        } else if (step.kind === 'copy') {
          for (const path of copied(step, cwd)) {
            created.push({ path, step, how: `\`${step.keyword.toUpperCase()}\`` });
          }
        } else if (step.kind === 'run' && !/^\s*\[/.test(step.script.text)) {
          checkRun(context, created, step, keep ? keptPathEvents(step, cwd) : pathEvents(step, cwd));
        }
      }
    }
  },
});

/** What a RUN does to paths, in order: the paths a command writes, or an `rm` operand with the path it removes. */
type PathEvent = { created: string; how: string } | { operand: Word; removed: RemovedPath };

/** The path events of a RUN starting in `stepCwd`: they depend on the step's commands and that directory alone (shared: never mutate). */
function pathEvents(step: RunStep, stepCwd: string): readonly PathEvent[] {
  const events: PathEvent[] = [];
  let here = stepCwd;
  for (const command of step.script.commands) {
    const name = effectiveName(command);
    const words = effectiveWords(command);
    if (name === 'cd' && command.depth === 0) {
      here = (words[1] && resolve(here, words[1].value)) ?? UNKNOWN_CWD + '/?';
      continue;
    }
    for (const path of downloaded(command, here)) {
      events.push({ created: path, how: name === 'git' ? '`git clone`' : `\`${name}\`` });
    }
    if (name !== 'rm') {
      continue;
    }
    for (const operand of words.slice(1)) {
      const path = operand.value.startsWith('-') ? undefined : resolve(here, operand.value.replace(/\/+$/, ''));
      if (path !== undefined && path !== '/' && path !== UNKNOWN_CWD) {
        events.push({ operand, removed: removedPath(path) });
      }
    }
  }
  return events.length === 0 ? NO_EVENTS : events;
}

const NO_EVENTS: readonly PathEvent[] = [];

/** Kept per step in a lint with a memo, with the directory they start in (a reused step keeps its commands, not its cwd). */
const eventsByStep = new WeakMap<RunStep, { cwd: string; events: readonly PathEvent[] }>();

function keptPathEvents(step: RunStep, stepCwd: string): readonly PathEvent[] {
  const kept = eventsByStep.get(step);
  if (kept !== undefined && kept.cwd === stepCwd) {
    return kept.events;
  }
  const events = pathEvents(step, stepCwd);
  eventsByStep.set(step, { cwd: stepCwd, events });
  return events;
}

/** Records what a RUN downloads and reports what its `rm` deletes of an earlier layer's files (`created` is updated). */
function checkRun(context: RuleContext, created: Created[], step: RunStep, events: readonly PathEvent[]): void {
  for (const event of events) {
    if ('created' in event) {
      created.push({ path: event.created, step, how: event.how });
      continue;
    }
    const { operand, removed } = event;
    for (let i = created.length - 1; i >= 0; i--) {
      const entry = created[i];
      if (!covers(removed, entry.path)) {
        continue;
      }
      created.splice(i, 1);
      if (entry.step === step) {
        continue; // deleted in the layer that made it: nothing ships
      }
      const runfile = CUDA_RUNFILE.test(baseName(entry.path));
      const weight = runfile ? `, about ${CUDA_RUNFILE_WEIGHT.aboutMB / 1000} GB for a CUDA runfile,` : '';
      context.report({
        range: operand.range,
        message:
          `\`rm ${operand.value}\` deletes in a later layer what ${entry.how} on line ${entry.step.range.start.line + 1} put in the image: the bytes stay in that layer${weight} and every node still pulls them. ` +
          (entry.step.kind === 'copy'
            ? 'Bind-mount it for the one `RUN` that needs it (`RUN --mount=type=bind,source=…,target=…`) or use it in a build stage.'
            : `Delete it in the same \`RUN\` that downloads it.`),
        severity: runfile ? 'info' : undefined,
      });
      break;
    }
  }
}

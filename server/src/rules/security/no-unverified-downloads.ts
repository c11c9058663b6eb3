// HPC-SEC-010: downloads over plain HTTP (and programs fetched into system paths) that nothing verifies; pip indexes over plain HTTP.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, RunStep, ShellCommand, Stage, Step, Word } from '../../recipe/model';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import { flagValue, hasFlag } from '../../recipe/query';
import { effectiveName, effectiveWords, isPipCommand } from '../util/commands';
import { commandText } from '../util/entry';
import { baseName, rangeInWord, withShellCScripts } from '../util/source';
import docs from './no-unverified-downloads.md';

const DOWNLOADERS = new Set(['curl', 'wget']);
const PLAIN_HTTP = /^http:\/\//i;
/** Hosts on the build machine itself: nothing crosses a network. */
const LOCAL_HOST = /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\]|0\.0\.0\.0)([:/]|$)/i;
/** Commands that check a checksum or a signature. */
const CHECKSUM_TOOL = /^(sha(1|224|256|384|512)sum|md5sum|b2sum|shasum|cksum|gpgv2?|cosign|minisign|signify|sigstore)$/;
/** Where a fetched program replaces or joins the system's commands. */
const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin\/[^/]+$/;
/** Package-manager repository definitions: the packages they point to are signed, so a swapped file fails rather than installs. */
const REPOSITORY_FILE = /^\/etc\/(apt\/sources\.list\.d|yum\.repos\.d|zypp\/repos\.d)\//;
/** Data files (catalogues, genomes, tables): integrity matters for results, not for what runs. */
const DATA_FILE = /\.(fits?|csv|tsv|txt|json|h5|hdf5|nc|npy|npz|dat|bam|sam|vcf|fa|fasta|fastq|bed|gtf|gff3?)(\.gz)?$/i;
const PIP_INDEX_OPTIONS = ['-i', '--index-url', '--extra-index-url', '-f', '--find-links'];
const PIP_INDEX_VARIABLES = /^PIP_(INDEX_URL|EXTRA_INDEX_URL|FIND_LINKS)$/;

function isPlainHttp(value: string): boolean {
  return PLAIN_HTTP.test(value) && !LOCAL_HOST.test(value);
}

function isCheck(command: ShellCommand): boolean {
  const name = effectiveName(command);
  if (CHECKSUM_TOOL.test(name)) {
    return true;
  }
  if (name !== 'gpg' && name !== 'gpg2' && name !== 'rpm' && name !== 'openssl') {
    return false;
  }
  const args = effectiveWords(command).slice(1).map((word) => word.value);
  if ((name === 'gpg' || name === 'gpg2') && args.some((arg) => arg === '--verify' || arg === '--verify-files')) {
    return true;
  }
  if (name === 'rpm' && args.some((arg) => arg === '-K' || arg === '--checksig')) {
    return true;
  }
  return name === 'openssl' && args[0] === 'dgst';
}

interface Check {
  /** Position among the commands the rule looks at in the stage. */
  at: number;
  step: Step;
  /** The command's text and that of a command piping into it (`echo "<sum>  f" | sha256sum -c`). */
  text: string;
  /** `sha256sum -c SHA256SUMS`: checks every file the list names, which the recipe text may not. */
  list: boolean;
}

/** What the rule may report of a download or a pip call, found from the command alone. */
interface Fetch {
  /** A plain-HTTP URL that is not a data file's or a repository definition's, and the file name it is saved under. */
  readonly plain?: { readonly word: Word; readonly saved: string | undefined };
  /** A program fetched (not over plain HTTP) straight into a system directory, and its file name. */
  readonly program?: { readonly word: Word; readonly saved: string };
  /** A plain-HTTP pip index used without `--trusted-host`. */
  readonly pipIndex?: Word;
}

function fetchOf(command: ShellCommand): Fetch | null {
  if (DOWNLOADERS.has(effectiveName(command))) {
    const urls = urlWords(command);
    const plain = urls.find((word) => isPlainHttp(word.value));
    if (plain) {
      return exempt(command, plain) ? null : { plain: { word: plain, saved: downloadedName(command, plain) } };
    }
    const target = outputTarget(command);
    return urls.length > 0 && target && SYSTEM_BIN.test(target.value) ? { program: { word: target, saved: baseName(target.value) } } : null;
  }
  if (isPipCommand(command) && !hasFlag(command, '--trusted-host')) {
    const index = flagValue(command, ...PIP_INDEX_OPTIONS);
    return index && isPlainHttp(index.value) ? { pipIndex: index } : null;
  }
  return null;
}

/** Kept per command in a lint with a memo (a definition file's `%post` is a new step on every keystroke in it). */
const FETCHES = new CommandTable(fetchOf);

/** A command the rule looks at: a download or pip call it may report, or a check (then with what `Check` needs of the step alone). */
interface Looked {
  readonly command: ShellCommand;
  readonly fetch?: Fetch;
  readonly check?: {
    /** The text of the command before it when that one pipes into it, '' when not; undefined when that command is in an earlier step. */
    readonly feeder: string | undefined;
    readonly own: string;
    readonly list: boolean;
  };
}

/** What the rule reads of a run step, `sh -c` strings included: the commands it looks at in order, and the step's last command. */
interface StepPart {
  readonly looked: readonly Looked[];
  readonly last: ShellCommand | undefined;
}

function stepPart(recipe: Recipe, step: RunStep, fetchOf: (command: ShellCommand) => Fetch | null): StepPart {
  const commands = withShellCScripts(recipe, step.script.commands);
  const looked: Looked[] = [];
  commands.forEach((command, at) => {
    if (isCheck(command)) {
      const before = commands[at - 1];
      const feeder = before === undefined ? undefined : before.pipesToNext ? commandText(recipe, before) : '';
      const args = effectiveWords(command).slice(1);
      const listAt = args.findIndex((word) => word.value === '-c' || word.value === '--check');
      const list = listAt >= 0 && args.slice(listAt + 1).some((word) => !word.value.startsWith('-'));
      looked.push({ command, check: { feeder, own: commandText(recipe, command), list } });
    } else if (DOWNLOADERS.has(effectiveName(command)) || isPipCommand(command)) {
      const fetch = fetchOf(command);
      if (fetch !== null) {
        looked.push({ command, fetch });
      }
    }
  });
  return { looked, last: commands.at(-1) };
}

/**
 * Kept per step in a Dockerfile's lint with a memo: a step the parse memo reused keeps its script, and its part depends
 * on the step's commands and the text at their ranges alone.
 */
const partsByStep = new WeakMap<RunStep, StepPart>();

function keptStepPart(recipe: Recipe, step: RunStep, fetchOf: (command: ShellCommand) => Fetch | null): StepPart {
  let part = partsByStep.get(step);
  if (part === undefined) {
    part = stepPart(recipe, step, fetchOf);
    partsByStep.set(step, part);
  }
  return part;
}

interface StageCommand {
  command: ShellCommand;
  step: Step;
  fetch?: Fetch;
}

/** The commands the rule looks at in a stage's build steps, in order, and the checks among them. */
function stageCommands(recipe: Recipe, stage: Stage): { commands: StageCommand[]; checks: Check[] } {
  const partOf = factsOf(recipe).stepsReused ? keptStepPart : stepPart;
  const fetchOf = FETCHES.reader(recipe);
  const commands: StageCommand[] = [];
  const checks: Check[] = [];
  let previousLast: ShellCommand | undefined;
  for (const step of stage.steps) {
    if (step.kind !== 'run') {
      continue;
    }
    const part = partOf(recipe, step, fetchOf);
    for (const { command, check, fetch } of part.looked) {
      if (check !== undefined) {
        const feeder = check.feeder ?? (previousLast?.pipesToNext ? commandText(recipe, previousLast) : '');
        checks.push({ at: commands.length, step, text: `${feeder} ${check.own}`, list: check.list });
      }
      commands.push({ command, step, fetch });
    }
    previousLast = part.last ?? previousLast;
  }
  return { commands, checks };
}

/** The file name a download is saved under (or fetched as), when written literally. */
function downloadedName(command: ShellCommand, url: Word): string | undefined {
  const target = outputTarget(command);
  const path = target && target.value !== '-' ? target.value : url.value.replace(/[?#].*$/, '');
  const name = baseName(path.replace(/\/+$/, ''));
  return name === '' || /[$`{]/.test(name) ? undefined : name;
}

/** A later check covers a download when it names the file, checks a list in the same step, or the name is unknown. */
function checked(checks: readonly Check[], at: number, step: Step, name: string | undefined): boolean {
  return checks.some((check) => check.at > at && (name === undefined || check.text.includes(name) || (check.list && check.step === step)));
}

/** The URL words of a `curl`/`wget` call (`--url=http://…` included). */
function urlWords(command: ShellCommand): Word[] {
  return effectiveWords(command)
    .slice(1)
    .map((word) => (word.value.startsWith('--url=') ? { ...word, value: word.value.slice('--url='.length) } : word))
    .filter((word) => /^https?:\/\//i.test(word.value));
}

/** `wget -O FILE` / `curl -o FILE`, also at the end of a cluster of short options (`-qO-`, `-fsSLo FILE`). */
function outputTarget(command: ShellCommand): Word | undefined {
  const wget = effectiveName(command) === 'wget';
  const named = wget ? flagValue(command, '-O', '--output-document') : flagValue(command, '-o', '--output');
  if (named) {
    return named;
  }
  const cluster = wget ? /^-[A-Za-z]*O(.*)$/ : /^-[A-Za-z]*o(.*)$/;
  const words = effectiveWords(command);
  for (let i = 1; i < words.length; i++) {
    const match = cluster.exec(words[i].value);
    if (match && !words[i].value.startsWith('--')) {
      return match[1] ? { ...words[i], value: match[1] } : words[i + 1];
    }
  }
  return undefined;
}

function exempt(command: ShellCommand, url: Word): boolean {
  const target = outputTarget(command)?.value ?? '';
  return REPOSITORY_FILE.test(target) || DATA_FILE.test(target || url.value.replace(/[?#].*$/, ''));
}

function httpsFix(recipe: Recipe, word: Word): Fix | undefined {
  const at = word.text.indexOf('http://');
  if (at < 0) {
    return undefined;
  }
  return unsafeFix('Download over HTTPS (check that the host serves it)', replace(rangeInWord(recipe, word, at, at + 'http://'.length), 'https://'));
}

const VERIFY_HINT = 'download over `https://` and check a published SHA-256 (`echo "<sha256>  file" | sha256sum -c -`) or signature before using it';

export default defineRule({
  meta: {
    code: 'HPC-SEC-010',
    name: 'no-unverified-downloads',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    // A curl/wget command, or a pip index over plain HTTP.
    interests: { keywords: [...DOWNLOADERS, 'http'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      const { commands, checks } = stageCommands(recipe, stage);
      commands.forEach(({ command, step, fetch }, i) => {
        if (fetch?.plain) {
          const plain = fetch.plain.word;
          if (!checked(checks, i, step, fetch.plain.saved)) {
            const fix = httpsFix(recipe, plain);
            context.report({
              range: plain.range,
              message:
                `\`${effectiveName(command)}\` fetches \`${shorten(plain.value)}\` over plain HTTP and nothing checks it afterwards: a proxy, a compromised mirror or anyone on the path can swap it, ` +
                `and the result is built into an image that runs on every node. Instead, ${VERIFY_HINT}.`,
              fixes: fix ? [fix] : undefined,
            });
          }
        } else if (fetch?.program) {
          const target = fetch.program.word;
          if (!checked(checks, i, step, fetch.program.saved)) {
            context.report({
              range: target.range,
              severity: 'info',
              message: `\`${effectiveName(command)}\` writes a downloaded program straight to \`${target.value}\` and nothing verifies it: every user of the image runs whatever the server sent that day. Check a published SHA-256 or signature before installing it.`,
            });
          }
        } else if (fetch?.pipIndex) {
          context.report({
            range: fetch.pipIndex.range,
            message: pipMessage(fetch.pipIndex.value),
          });
        }
      });
    }
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'env') {
          continue;
        }
        for (const pair of step.pairs) {
          if (PIP_INDEX_VARIABLES.test(pair.key.value) && pair.value && isPlainHttp(pair.value.value)) {
            context.report({ range: pair.range, message: pipMessage(pair.value.value) });
          }
        }
      }
    }
  },
});

function pipMessage(url: string): string {
  return (
    `pip index \`${shorten(url)}\` is plain HTTP: pip ignores it ("not a trusted or secure host") unless \`--trusted-host\` turns verification off, ` +
    'so the install fails, or with `--extra-index-url` quietly takes a package of the same name from PyPI instead. Serve the index over HTTPS (site mirrors usually do).'
  );
}

function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 57)}…` : value;
}

// HPC-LIC-004: commercial ISV applications (ANSYS, Abaqus, COMSOL, MATLAB, Gaussian, VASP, LS-DYNA, STAR-CCM+) installed in the image.
import { defineRule, type Fix, type Severity } from '../../engine/rule';
import type { CopyStep, Recipe, RunStep, Stage, Word } from '../../recipe/model';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import { effectiveWords } from '../util/commands';
import { LICENSE_LABEL_KEY } from '../../knowledge/licensing';
import { finalLicenseLabels, insertLicenseLabel, publishSeverity } from '../util/licensing';
import { recipeMentions } from '../util/recipe-index';
import { baseName, finalStageChain, withShellCScriptsInstead } from '../util/source';
import docs from './no-published-commercial-apps.md';

interface Detector {
  app: string;
  /** Matches one word of a build command or a COPY/%files source. */
  word?: RegExp;
  /** The program of the commands `command` reads. */
  program?: string;
  /** Matches the whole command (the values of its words after the program). */
  command?: (values: readonly string[]) => boolean;
}

const DETECTORS: readonly Detector[] = [
  { app: 'ANSYS', word: /(^|\/)ansys_inc(\/|$)/i, program: 'INSTALL', command: (values) => values.includes('-silent') },
  { app: 'Abaqus/SIMULIA', word: /(^|\/)(SIMULIA|DassaultSystemes)(\/|$)|(^|\/)StartTUI\.sh$/ },
  { app: 'COMSOL', word: /(^|\/)comsol\d{2,}([_/.-]|$)/i, program: 'setup', command: (values) => values.some((value) => /(^|\/)setupconfig\.ini$/.test(value)) },
  {
    app: 'MATLAB',
    program: 'mpm',
    command: (values) => values[0] === 'install' && !values.some((value) => /runtime/i.test(value)),
  },
  { app: 'Gaussian', word: /(^|\/)g(09|16)(\/bsd\/install|root)$|(^|\/)g(09|16)[-_][\w.-]*\.(tbz|tbJ|tgz|tar(\.\w+)?)$/i },
  { app: 'VASP', word: /(^|\/)vasp[._-]?\d+\.\d+[\w.-]*\.(tgz|tar(\.\w+)?)$|(^|\/)vasp_(std|gam|ncl)$|(^|\/)arch\/makefile\.include\./ },
  { app: 'LS-DYNA', word: /(^|\/)ls-?dyna[_-][\w.+-]*/i },
  { app: 'STAR-CCM+', word: /STAR-CCM\+|(^|\/)starccm\+/i },
];
/** Lowercase substrings at least one of which every detector needs (word patterns and command checks). */
const KEYWORDS = ['ansys_inc', 'simulia', 'dassaultsystemes', 'starttui.sh', 'comsol', 'g09', 'g16', 'vasp', 'arch/makefile.include.', 'dyna', 'ccm+', '-silent', 'setupconfig.ini', 'mpm'];
/** Commands that only print or edit text that may mention an application. */
const TEXT_TOOLS = new Set(['echo', 'printf', 'sed', 'grep', 'awk', 'perl']);
const ACKNOWLEDGED = /LicenseRef-|proprietary|commercial/i;
const ASSIGNMENT_NAME = /^[A-Za-z_]\w*=/;
/** Union of the detectors' word patterns, case-insensitive: a cheap necessary condition for any of them. */
const ANY_DETECTOR_WORD = new RegExp(
  DETECTORS.flatMap((detector) => (detector.word ? [`(?:${detector.word.source})`] : [])).join('|'),
  'i',
);

const COMMAND_PROGRAMS: ReadonlySet<string> = new Set(DETECTORS.flatMap((detector) => (detector.program ? [detector.program] : [])));
const NO_VALUES: readonly string[] = [];
const NO_WORDS: readonly Word[] = [];

/** A word's value without a leading `NAME=` (what the detectors' word patterns read). */
function strippedValue(word: Word): string {
  return word.value.includes('=') ? word.value.replace(ASSIGNMENT_NAME, '') : word.value;
}

function mayMatchDetectorWord(word: Word): boolean {
  return ANY_DETECTOR_WORD.test(strippedValue(word));
}

export default defineRule({
  meta: {
    code: 'HPC-LIC-004',
    name: 'no-published-commercial-apps',
    category: 'licensing',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    interests: { keywords: KEYWORDS },
  },
  docs,
  check(context) {
    // Publishing a commercial application is a clear licence breach.
    const severity = publishSeverity(context.settings, 'error');
    if (!severity) {
      return;
    }
    const { recipe } = context;
    if (!recipeMentions(recipe, KEYWORDS)) {
      return;
    }
    const labels = finalLicenseLabels(recipe);
    const acknowledged = labels.some((pair) => ACKNOWLEDGED.test(pair.value?.value ?? ''));
    if (acknowledged && context.settings.publish !== 'public') {
      return;
    }
    const chain = finalStageChain(recipe);
    const final = chain[0];
    if (!final) {
      return;
    }
    let fixOffered = false;
    const report = (word: Word, app: string): void => {
      const fixes: Fix[] = [];
      if (!fixOffered && labels.length === 0) {
        fixOffered = true;
        fixes.push(insertLicenseLabel(recipe, final, 'LicenseRef-Proprietary', `Add \`${LICENSE_LABEL_KEY}\` = LicenseRef-Proprietary`));
      }
      const publicNote = context.settings.publish === 'public' ? 'this project is set to `publish: public`' : 'keep the image in a private registry for licensed users';
      context.report({
        range: word.range,
        message: `\`${word.value}\` installs ${app}, a commercially licensed application; ${publicNote} and label it \`${LICENSE_LABEL_KEY}=LicenseRef-Proprietary\`.`,
        severity: severity as Severity,
        fixes,
      });
    };
    for (const stage of [...chain].reverse()) {
      scanStage(recipe, stage, report);
    }
  },
});

function scanStage(recipe: Recipe, stage: Stage, report: (word: Word, app: string) => void): void {
  for (const step of stage.steps) {
    if (step.kind === 'copy' || step.kind === 'run') {
      for (const { word, app } of stepHits(recipe, step)) {
        report(word, app);
      }
    }
  }
}

interface Hit {
  word: Word;
  app: string;
}

/**
 * Kept per step in a lint with a memo: a step's hits depend on its words and its `sh -c` strings alone, and a step the parse memo reused is
 * the same object with the same text at its range (shared: never mutate).
 */
const hitsByStep = new WeakMap<CopyStep | RunStep, readonly Hit[]>();

/** The words of a COPY or RUN step that install an application, the first one per application, in order. */
export function stepHits(recipe: Recipe, step: CopyStep | RunStep): readonly Hit[] {
  if (!factsOf(recipe).stepsReused) {
    return findHits(recipe, step);
  }
  let hits = hitsByStep.get(step);
  if (hits === undefined) {
    hits = findHits(recipe, step);
    hitsByStep.set(step, hits.length > 0 ? hits : NO_HITS);
  }
  return hits;
}

const NO_HITS: readonly Hit[] = [];

/**
 * What each detector finds in one command of a RUN step (in its `sh -c` string's commands instead of a call), in order,
 * an application as often as found: a step's hits are the first per application. Kept per command in a lint with a memo
 * (a definition file's `%post` is a new step on every keystroke in it); they depend on the command's words and `sh -c`
 * string alone.
 */
const HITS_BY_COMMAND = new CommandTable<readonly Hit[]>((call, recipe) => {
  const found: Hit[] = [];
  for (const command of withShellCScriptsInstead(recipe, [call])) {
    const words = effectiveWords(command);
    if (words.length === 0) {
      continue;
    }
    const program = baseName(words[0].value);
    if (TEXT_TOOLS.has(program)) {
      continue;
    }
    // Most commands are no detector's program and have no word a detector may match: no arrays, no detector loop.
    const commandDetected = COMMAND_PROGRAMS.has(program);
    const mayMatchWord = command.assignments.some(mayMatchDetectorWord) || words.some(mayMatchDetectorWord);
    if (!commandDetected && !mayMatchWord) {
      continue;
    }
    const values = commandDetected ? words.slice(1).map((word) => word.value) : NO_VALUES;
    const candidates = mayMatchWord ? [...command.assignments, ...words] : NO_WORDS;
    const stripped = mayMatchWord ? candidates.map(strippedValue) : NO_VALUES;
    for (const detector of DETECTORS) {
      if (detector.program === program && detector.command?.(values)) {
        found.push({ word: words[0], app: detector.app });
        continue;
      }
      const pattern = detector.word;
      const at = pattern && mayMatchWord ? stripped.findIndex((value) => pattern.test(value)) : -1;
      if (at >= 0) {
        found.push({ word: candidates[at], app: detector.app });
      }
    }
  }
  return found.length > 0 ? found : NO_HITS;
});

/** `stepHits` found again (exported for the test that compares them with the kept ones). */
export function findHits(recipe: Recipe, step: CopyStep | RunStep): readonly Hit[] {
  const found: Hit[] = [];
  const seen = new Set<string>();
  const hit = (word: Word, app: string): void => {
    if (!seen.has(app)) {
      seen.add(app);
      found.push({ word, app });
    }
  };
  if (step.kind === 'copy') {
    for (const source of step.sources) {
      const detector = DETECTORS.find((candidate) => candidate.word?.test(source.value));
      if (detector) {
        hit(source, detector.app);
      }
    }
    return found;
  }
  const hitsOf = HITS_BY_COMMAND.reader(recipe);
  for (const command of step.script.commands) {
    for (const { word, app } of hitsOf(command)) {
      hit(word, app);
    }
  }
  return found;
}

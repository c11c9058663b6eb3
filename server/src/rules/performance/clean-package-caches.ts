// HPC-PERF-006: package-manager caches left in the image (apt lists, dnf/yum metadata, pip's cache, conda's pkgs).
import { own } from '../../engine/own';
import { CACHE_WEIGHTS, PIP_PACKAGE_WEIGHTS } from '../../knowledge/image-weight';
import { defineRule, type Fix, type Severity } from '../../engine/rule';
import { insert, safeFix } from '../../engine/fixBuilder';
import { factsOf } from '../../recipe/facts';
import type { Recipe, RunStep, ShellCommand, Stage, Word } from '../../recipe/model';
import { resolveVariable } from '../../recipe/query';
import { appendToLayer } from '../util/append-command';
import { effectiveName, effectiveWords, isPipCommand } from '../util/commands';
import { LayerTable, mountedOver, shippedLayers, type Layer, type LayerCommand } from '../util/layers';
import { baseName, lineIndexOf, offsetOf } from '../util/source';
import docs from './clean-package-caches.md';

const APT = new Set(['apt-get', 'apt', 'aptitude']);
const APT_WITH_VALUE = new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file']);
const APT_INSTALLS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'reinstall']);
const APT_LISTS = '/var/lib/apt/lists';
const RPM = new Set(['dnf', 'yum', 'microdnf', 'tdnf', 'dnf5']);
const RPM_WITH_VALUE = new Set(['-c', '-d', '-e', '-x', '--exclude', '--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '--repo']);
const RPM_FETCHES = new Set(['install', 'groupinstall', 'localinstall', 'reinstall', 'update', 'upgrade', 'makecache', 'distro-sync', 'builddep', 'module', 'group', 'swap']);
const RPM_CACHES = ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'];
const CONDA = new Set(['conda', 'mamba', 'micromamba']);
const CONDA_WITH_VALUE = new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '-f', '--file', '--override-channels-from']);
const CONDA_FETCHES = new Set(['install', 'create', 'update', 'upgrade']);
/** Packages pip installs that are only pip's own tooling: its cache stays small. */
const PIP_TOOLING = new Set(['pip', 'setuptools', 'wheel']);
const PIP_WITH_VALUE = new Set(['-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--trusted-host', '--platform', '--python-version', '--implementation', '--abi', '--src', '--upgrade-strategy', '--progress-bar', '--log', '--proxy', '--timeout', '--retries', '--cert', '--client-cert', '--global-option', '--config-settings', '-C']);

/** The first word after the program that is not an option (skipping option values); its index in `words`. */
function subcommand(words: readonly Word[], withValue: ReadonlySet<string>, from = 1): number {
  for (let i = from; i < words.length; i++) {
    const value = words[i].value;
    if (!value.startsWith('-')) {
      return i;
    }
    if (withValue.has(value)) {
      i++;
    }
  }
  return -1;
}

function subcommandValue(words: readonly Word[], withValue: ReadonlySet<string>): string {
  const at = subcommand(words, withValue);
  return at < 0 ? '' : words[at].value;
}

/** A path argument with its trailing `/`, `/*` or `*` removed (`/var/lib/apt/lists/*` → `/var/lib/apt/lists`). */
function removedPath(value: string): string {
  return value.replace(/\*+$/, '').replace(/\/+$/, '');
}

/** True when `command` deletes `path` or a directory above it (`rm -rf`, `find … -delete`). */
function deletes(command: ShellCommand, test: (path: string) => boolean): boolean {
  const name = effectiveName(command);
  const args = effectiveWords(command).slice(1);
  if (name === 'rm') {
    return args.some((word) => !word.value.startsWith('-') && test(removedPath(word.value)));
  }
  if (name === 'find') {
    return args.some((word) => word.value === '-delete') && args.length > 0 && test(removedPath(args[0].value));
  }
  return false;
}

const covers = (path: string) => (removed: string) => removed !== '' && (path === removed || path.startsWith(removed + '/'));

/** Commands of the layer after position `index`. */
function after(layer: Layer, index: number): LayerCommand[] {
  return layer.commands.slice(index + 1);
}

function isAptCommand(command: ShellCommand): boolean {
  return APT.has(effectiveName(command)) || effectiveName(command) === 'apt-cache';
}

/**
 * Per lint: whether a later RUN needs the apt lists, each stage's part found once (a rescan per layer was cubic in a
 * chain of stages built on one another).
 */
class AptListsNeeds {
  private readonly lastRuns = new Map<Stage, number>();
  private builtOnByNeedingStage?: Set<Stage>;
  private readonly needsLists: (step: RunStep) => boolean;

  constructor(private readonly recipe: Recipe) {
    this.needsLists = factsOf(recipe).stepsReused ? keptRunNeedsLists : (step) => runNeedsLists(step.script.commands);
  }

  /** True when a later RUN of the layer's stage, or any RUN of a stage built on it (`FROM <stage>`, directly or not), uses apt before its own `apt-get update`. */
  laterRunsNeedLists(layer: Layer): boolean {
    const step = layer.steps[layer.steps.length - 1];
    return this.lastRunNeedingLists(layer.stage) > step.range.start.line || this.stagesBuiltOnNeedingStages().has(layer.stage);
  }

  /** Start line of the stage's last RUN whose first apt command is not `update` (-1: none). */
  private lastRunNeedingLists(stage: Stage): number {
    let last = this.lastRuns.get(stage);
    if (last === undefined) {
      last = -1;
      for (const other of stage.steps) {
        if (other.kind === 'run' && this.needsLists(other)) {
          last = Math.max(last, other.range.start.line);
        }
      }
      this.lastRuns.set(stage, last);
    }
    return last;
  }

  /** The stages that some other stage with a RUN needing the lists is built on, directly or not. */
  private stagesBuiltOnNeedingStages(): Set<Stage> {
    if (this.builtOnByNeedingStage === undefined) {
      const facts = factsOf(this.recipe);
      // Without a cycle of stage references, a stage already marked has its own ancestors marked too.
      const stopAtMarked = !facts.stageReferencesCycle;
      const marked = new Set<Stage>();
      for (const needing of this.recipe.stages) {
        if (this.lastRunNeedingLists(needing) < 0) {
          continue;
        }
        const seen = new Set<Stage>();
        for (let current = facts.parentStage(needing); current !== undefined && current !== needing && !seen.has(current); current = facts.parentStage(current)) {
          if (stopAtMarked && marked.has(current)) {
            break;
          }
          seen.add(current);
          marked.add(current);
        }
      }
      this.builtOnByNeedingStage = marked;
    }
    return this.builtOnByNeedingStage;
  }
}

function runNeedsLists(commands: readonly ShellCommand[]): boolean {
  for (const command of commands) {
    if (isAptCommand(command)) {
      return subcommandValue(effectiveWords(command), APT_WITH_VALUE) !== 'update';
    }
  }
  return false;
}

/** Kept per step in a lint with a memo: it depends on the step's commands alone. */
const needsListsByStep = new WeakMap<RunStep, boolean>();

function keptRunNeedsLists(step: RunStep): boolean {
  let needs = needsListsByStep.get(step);
  if (needs === undefined) {
    needs = runNeedsLists(step.script.commands);
    needsListsByStep.set(step, needs);
  }
  return needs;
}

/** The manager itself is the command run (no `sudo`/`env` around it): the appended cleanup then runs with the same rights. */
function runsDirectly(command: ShellCommand): boolean {
  return command.words.length > 0 && effectiveWords(command)[0] === command.words[0];
}

function isAptUpdate({ command }: LayerCommand): boolean {
  return APT.has(effectiveName(command)) && subcommandValue(effectiveWords(command), APT_WITH_VALUE) === 'update';
}

function cleansAptLists({ command }: LayerCommand): boolean {
  return deletes(command, covers(APT_LISTS)) || (APT.has(effectiveName(command)) && /^dist-?clean$/.test(subcommandValue(effectiveWords(command), APT_WITH_VALUE)));
}

function installsWithApt({ command }: LayerCommand): boolean {
  return APT.has(effectiveName(command)) && APT_INSTALLS.has(subcommandValue(effectiveWords(command), APT_WITH_VALUE));
}

/** A layer's first command that fetches (index -1: none) and whether a later command of the layer cleans up after it. */
interface FetchScan {
  index: number;
  cleaned: boolean;
  /** apt: whether a later command installs (when not cleaned). */
  installs?: boolean;
}

const NO_FETCH: FetchScan = { index: -1, cleaned: false };

const APT_SCANS = new LayerTable<FetchScan>((layer) => {
  const index = layer.commands.findIndex(isAptUpdate);
  if (index < 0) {
    return NO_FETCH;
  }
  const rest = after(layer, index);
  const cleaned = rest.some(cleansAptLists);
  return { index, cleaned, installs: !cleaned && rest.some(installsWithApt) };
});

function aptFinding(recipe: Recipe, layer: Layer, report: Reporter, listsNeeds: AptListsNeeds, scan: FetchScan): void {
  const { index, cleaned, installs } = scan;
  if (index < 0) {
    return;
  }
  const { command, step } = layer.commands[index];
  if (cleaned || mountedOver(step, APT_LISTS)) {
    return;
  }
  const fix =
    installs && runsDirectly(command) && (recipe.format === 'apptainer' || !listsNeeds.laterRunsNeedLists(layer))
      ? appendToLayer(recipe, layer, `rm -rf ${APT_LISTS}/*`, `Remove the apt lists at the end of this ${layer.steps[0].keyword}`)
      : undefined;
  const lists = CACHE_WEIGHTS['apt-lists'];
  report(
    command,
    effectiveWords(command)[subcommand(effectiveWords(command), APT_WITH_VALUE)],
    `\`${effectiveName(command)} update\` leaves ${lists.what} in the image: about ${lists.aboutMB} MB that every node pulls with every job. ` +
      `End the same ${sameUnit(recipe)} with \`rm -rf ${APT_LISTS}/*\`.`,
    'hint',
    fix,
  );
}

function isRpmFetch({ command }: LayerCommand): boolean {
  return RPM.has(effectiveName(command)) && RPM_FETCHES.has(subcommandValue(effectiveWords(command), RPM_WITH_VALUE));
}

function cleansRpmCaches({ command }: LayerCommand): boolean {
  const words = effectiveWords(command);
  const at = subcommand(words, RPM_WITH_VALUE);
  if (RPM.has(effectiveName(command)) && at >= 0 && words[at].value === 'clean' && words.slice(at + 1).some((word) => word.value === 'all')) {
    return true;
  }
  for (const cache of RPM_CACHES) {
    if (deletes(command, covers(cache))) {
      return true;
    }
  }
  return false;
}

const RPM_SCANS = new LayerTable<FetchScan>((layer) => {
  const index = layer.commands.findIndex(isRpmFetch);
  return index < 0 ? NO_FETCH : { index, cleaned: after(layer, index).some(cleansRpmCaches) };
});

function rpmFinding(recipe: Recipe, layer: Layer, report: Reporter, { index, cleaned }: FetchScan): void {
  if (index < 0) {
    return;
  }
  const { command, step } = layer.commands[index];
  // A cache mount named for dnf/yum, or a bind-mounted dnf.conf (which may move the cache there), keeps it out.
  const mounted = step.flags.some((flag) => {
    const value = flag.value?.value ?? '';
    return flag.name === 'mount' && ((/(^|,)type=cache(,|$)/.test(value) && /target=[^,]*(dnf|yum)/.test(value)) || /target=\/etc\/(dnf\/dnf|yum)\.conf/.test(value));
  });
  if (cleaned || mounted || RPM_CACHES.some((cache) => mountedOver(step, cache))) {
    return;
  }
  const manager = effectiveName(command);
  const fix = runsDirectly(command) ? appendToLayer(recipe, layer, `${manager} clean all`, `Run \`${manager} clean all\` at the end of this ${layer.steps[0].keyword}`) : undefined;
  report(
    command,
    effectiveWords(command)[subcommand(effectiveWords(command), RPM_WITH_VALUE)],
    `\`${manager} ${subcommandValue(effectiveWords(command), RPM_WITH_VALUE)}\` leaves ${CACHE_WEIGHTS['rpm-metadata'].what} in the image, pulled by every node with every job. ` +
      `End the same ${sameUnit(recipe)} with \`${manager} clean all\`.`,
    'hint',
    fix,
  );
}

const PIP_NO_CACHE_DIR = /^PIP_NO_CACHE_DIR=/;

/** Where in a layer pip's cache is turned off by `export` and removed (`pip cache …`, `rm -rf ~/.cache`): one pass per layer. */
interface PipCacheMarks {
  /** Index of the first `export PIP_NO_CACHE_DIR=…`; Infinity when none. */
  firstExport: number;
  /** Index of the last command that removes pip's cache; -1 when none. */
  lastCleanup: number;
}

function isPipCachePath(removed: string): boolean {
  return /(^|\/)\.cache(\/pip)?$/.test(removed);
}

function pipCacheMarks(layer: Layer): PipCacheMarks {
  let firstExport = Infinity;
  let lastCleanup = -1;
  for (let index = 0; index < layer.commands.length; index++) {
    const { command } = layer.commands[index];
    if (firstExport === Infinity && command.name === 'export' && command.words.some((word) => PIP_NO_CACHE_DIR.test(word.value))) {
      firstExport = index;
    }
    const removesCache = (isPipCommand(command) && effectiveWords(command).some((word) => word.value === 'cache')) || deletes(command, isPipCachePath);
    if (removesCache) {
      lastCleanup = index;
    }
  }
  return { firstExport, lastCleanup };
}

/** Whether the layer turns pip's cache off for this command: option, variable on the command, exported earlier, or a mount (ENV aside). */
function pipCacheOffInLayer(layer: Layer, index: number, marks: PipCacheMarks): boolean {
  const { command, step } = layer.commands[index];
  const words = effectiveWords(command);
  if (words.some((word) => word.value.startsWith('--no-cache') || word.value === '--cache-dir' || word.value.startsWith('--cache-dir='))) {
    return true;
  }
  if (command.assignments.some((word) => PIP_NO_CACHE_DIR.test(word.value)) || command.words.some((word) => PIP_NO_CACHE_DIR.test(word.value))) {
    return true;
  }
  if (marks.firstExport < index) {
    return true;
  }
  return mountedOver(step, '/root/.cache/pip') || step.flags.some((flag) => flag.name === 'mount' && /target=[^,]*\.cache/.test(flag.value?.value ?? ''));
}

/** Package names a `pip install` names (requirement files and paths are unknown: undefined). */
function pipPackages(words: readonly Word[]): string[] | undefined {
  const install = words.findIndex((word) => word.value === 'install');
  const names: string[] = [];
  for (let i = install + 1; i < words.length; i++) {
    const value = words[i].value;
    if (PIP_WITH_VALUE.has(value)) {
      if (value === '-r' || value === '--requirement' || value === '-e' || value === '--editable') {
        return undefined;
      }
      i++;
      continue;
    }
    if (value.startsWith('-')) {
      if (/^(-r|--requirement=|-e|--editable=)/.test(value)) {
        return undefined;
      }
      continue;
    }
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(value)?.[0];
    if (name === undefined || value.includes('/')) {
      return undefined;
    }
    names.push(name.toLowerCase());
  }
  return names;
}

/** A `pip install` of a layer that leaves pip's cache unless an ENV or ARG turns it off: what the layer itself says. */
interface PipInstall {
  index: number;
  install: Word;
  packages: string[] | undefined;
}

const NO_PIP_INSTALLS: readonly PipInstall[] = [];

const PIP_INSTALLS = new LayerTable<readonly PipInstall[]>((layer) => {
  let marks: PipCacheMarks | undefined;
  const found: PipInstall[] = [];
  layer.commands.forEach(({ command }, index) => {
    if (!isPipCommand(command)) {
      return;
    }
    const words = effectiveWords(command);
    const install = words.find((word) => word.value === 'install');
    marks ??= pipCacheMarks(layer);
    if (install === undefined || pipCacheOffInLayer(layer, index, marks)) {
      return;
    }
    const packages = pipPackages(words);
    if (packages !== undefined && packages.every((name) => PIP_TOOLING.has(name))) {
      return;
    }
    if (marks.lastCleanup > index) {
      return;
    }
    found.push({ index, install, packages });
  });
  return found.length === 0 ? NO_PIP_INSTALLS : found;
});

function pipFindings(recipe: Recipe, layer: Layer, report: Reporter, installs: readonly PipInstall[]): void {
  for (const { index, install, packages } of installs) {
    const { command, step } = layer.commands[index];
    if (resolveVariable(recipe, layer.stage, 'PIP_NO_CACHE_DIR', step.range.start.line) !== undefined) {
      continue;
    }
    const heavy = packages?.map((name) => own(PIP_PACKAGE_WEIGHTS, name)).find((weight) => weight !== undefined);
    const at = offsetOf(recipe, install.range.end);
    const fix = safeFix('Add `--no-cache-dir`', insert(lineIndexOf(recipe).positionAt(at), ' --no-cache-dir'));
    report(
      command,
      install,
      `\`pip install\` without \`--no-cache-dir\` leaves ${CACHE_WEIGHTS.pip.what} in the image` +
        (heavy ? `: a second copy of ${heavy.what}, about ${heavy.aboutMB} MB, ` : ', ') +
        'pulled by every node with every job. Add `--no-cache-dir` (or set `PIP_NO_CACHE_DIR=1`).',
      heavy && heavy.aboutMB > 500 ? 'info' : 'hint',
      fix,
    );
  }
}

/** Whether a finding may start at this command (an apt, dnf/yum, conda/mamba or pip command). */
function mayLeaveCache(command: ShellCommand): boolean {
  const name = effectiveName(command);
  return APT.has(name) || RPM.has(name) || CONDA.has(name) || isPipCommand(command);
}

/** Kept per step in a lint with a memo: it depends on the step's commands alone, and a step the parse memo reused keeps them. */
const stepsLeavingCache = new WeakMap<RunStep, boolean>();

function stepMayLeaveCache(step: RunStep): boolean {
  let answer = stepsLeavingCache.get(step);
  if (answer === undefined) {
    answer = step.script.commands.some(mayLeaveCache);
    stepsLeavingCache.set(step, answer);
  }
  return answer;
}

function isCondaFetch({ command }: LayerCommand): boolean {
  const words = effectiveWords(command);
  if (!CONDA.has(effectiveName(command))) {
    return false;
  }
  const at = subcommand(words, CONDA_WITH_VALUE);
  const sub = at < 0 ? '' : words[at].value;
  return CONDA_FETCHES.has(sub) || (sub === 'env' && /^(create|update)$/.test(words[at + 1]?.value ?? ''));
}

function cleansCondaPackages({ command }: LayerCommand): boolean {
  const words = effectiveWords(command);
  const at = subcommand(words, CONDA_WITH_VALUE);
  const cleans = CONDA.has(effectiveName(command)) && at >= 0 && words[at].value === 'clean' && words.slice(at + 1).some((word) => /^(-[a-z]*[atp][a-z]*|--all|--tarballs|--packages)$/.test(word.value));
  return cleans || deletes(command, isCondaPackagesPath);
}

function isCondaPackagesPath(removed: string): boolean {
  return /\/pkgs$/.test(removed);
}

const CONDA_SCANS = new LayerTable<FetchScan>((layer) => {
  const index = layer.commands.findIndex(isCondaFetch);
  return index < 0 ? NO_FETCH : { index, cleaned: after(layer, index).some(cleansCondaPackages) };
});

function condaFinding(recipe: Recipe, layer: Layer, report: Reporter, { index, cleaned }: FetchScan): void {
  if (index < 0) {
    return;
  }
  const { command, step } = layer.commands[index];
  if (cleaned || step.flags.some((flag) => flag.name === 'mount' && /target=[^,]*\/pkgs\/?(,|$)/.test(flag.value?.value ?? ''))) {
    return;
  }
  const program = effectiveWords(command)[0];
  const fix = runsDirectly(command) && /^[\w./$-]+$/.test(program.text)
    ? appendToLayer(recipe, layer, `${program.text} clean -afy`, `Run \`${baseName(program.value)} clean -afy\` at the end of this ${layer.steps[0].keyword}`)
    : undefined;
  const words = effectiveWords(command);
  const at = subcommand(words, CONDA_WITH_VALUE);
  // `conda env create`: name both words.
  const sub = words[at].value === 'env' && words[at + 1] !== undefined ? { ...words[at + 1], value: `env ${words[at + 1].value}` } : words[at];
  report(
    command,
    sub,
    `\`${baseName(program.value)} ${sub.value}\` keeps ${CACHE_WEIGHTS.conda.what} in the image: a second, compressed copy of every package it installed, pulled by every node with every job. ` +
      `End the same ${sameUnit(recipe)} with \`${baseName(program.value)} clean -afy\`.`,
    'info',
    fix,
  );
}

function sameUnit(recipe: Recipe): string {
  return recipe.format === 'apptainer' ? 'section' : '`RUN` (a later `RUN` cannot make the layer smaller)';
}

/** Reports on the command from its program to `last` (the subcommand word): `apt-get update`, `pip3 install`. */
type Reporter = (command: ShellCommand, last: Word, message: string, severity: Severity, fix: Fix | undefined) => void;

export default defineRule({
  meta: {
    code: 'HPC-PERF-006',
    name: 'clean-package-caches',
    category: 'performance',
    severity: 'hint',
    formats: ['dockerfile', 'apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    if (!factsOf(recipe).commands.some(mayLeaveCache)) {
      return; // no layer needs building: every finding starts at such a command
    }
    const report: Reporter = (command, last, message, severity, fix) => {
      const first = effectiveWords(command)[0] ?? last;
      context.report({ range: { start: first.range.start, end: last.range.end }, message, severity, fixes: fix ? [fix] : undefined });
    };
    const listsNeeds = new AptListsNeeds(recipe);
    const mayLeave = factsOf(recipe).stepsReused ? stepMayLeaveCache : (step: RunStep): boolean => step.script.commands.some(mayLeaveCache);
    const [aptScan, rpmScan, pipInstalls, condaScan] = [APT_SCANS.reader(recipe), RPM_SCANS.reader(recipe), PIP_INSTALLS.reader(recipe), CONDA_SCANS.reader(recipe)];
    // Every finding starts at a command that may leave a cache.
    for (const layer of shippedLayers(recipe, mayLeave)) {
      aptFinding(recipe, layer, report, listsNeeds, aptScan(layer));
      rpmFinding(recipe, layer, report, rpmScan(layer));
      pipFindings(recipe, layer, report, pipInstalls(layer));
      condaFinding(recipe, layer, report, condaScan(layer));
    }
  },
});

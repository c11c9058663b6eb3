// HPC-USE-004: software installed into paths that are bind-mounted over (or unreadable) at run time.
import { defineRule, type Fix } from '../../engine/rule';
import { remove, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, ShellCommand, Stage, Step, Word } from '../../recipe/model';
import { CommandFilter } from '../../recipe/command-filter';
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
const CONDA_NAMES = new Set(['conda', 'mamba', 'micromamba']);
/** The commands `commandHit` knows besides conda, pip, a shell running an installer and `python -m venv`. */
const INSTALLING_NAMES = new Set(['configure', 'cmake', 'make', 'ninja', 'virtualenv', 'uv']);

interface Hit {
  word: Word;
  what: string;
  fix?: Fix;
  /** The installed path, when the command names it (a later `mv`/`rm` of it or a parent clears the finding). */
  path?: string;
}

/** `/home/<name>` is masked only where a site binds all of `/home`: Apptainer mounts just the caller's own home. */
const OTHER_HOME = /^\/home\/[^/$]+(\/|$)/;
/** Where a later `mv`/`rm` leaves nothing of the path: `/root/cases`, its parent `/root`, or `/root/*`. */
function canonical(path: string): string {
  return path.replace(/^["']|["']$/g, '').replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, '/root').replace(/\/+$/, '');
}

/**
 * Where later commands leave nothing of a path: a `mv` (of the path or a parent, as a source) or `rm` (of it, a parent
 * or a parent's `*`). Found in one pass over the build commands; each question then looks up the path's parents
 * (scanning the later commands for every install was quadratic).
 */
class Relocations {
  /** Per path a `mv`/`rm` operand clears with everything below it (`/root/cases`): the last command that does. */
  private readonly paths = new Map<string, number>();
  /** Per directory whose contents an operand clears (`/root/*`): the last command that does. */
  private readonly contents = new Map<string, number>();
  /** Per command, the greatest start line of the steps up to it (non-decreasing: binary search). */
  private readonly lines: number[] = [];
  private readonly indexes = new Map<ShellCommand, number>();

  constructor(commands: readonly { step: Step; command: ShellCommand }[]) {
    let line = -Infinity;
    commands.forEach(({ step, command }, index) => {
      line = Math.max(line, step.range.start.line);
      this.lines.push(line);
      if (!this.indexes.has(command)) {
        this.indexes.set(command, index);
      }
      const words = effectiveWords(command);
      const name = baseName(words[0]?.value ?? '');
      if (name !== 'mv' && name !== 'rm') {
        return;
      }
      const operands = words.slice(1).map((word) => word.value).filter((value) => !value.startsWith('-'));
      for (const operand of name === 'mv' ? operands.slice(0, -1) : operands) {
        const target = canonical(operand);
        if (target.endsWith('/*')) {
          this.contents.set(target.slice(0, -2), index);
        } else if (target !== '' && target !== '/') {
          this.paths.set(target, index);
        }
      }
    });
  }

  /** Position of the first build command after `command` (after `step` when it runs none; every command without a step); -1 for none. */
  firstAfter(step: Step | undefined, command?: ShellCommand): number {
    if (step === undefined) {
      return 0;
    }
    const index = command ? (this.indexes.get(command) ?? -1) : -1;
    if (index >= 0) {
      return index + 1;
    }
    let low = 0;
    let high = this.lines.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.lines[middle] > step.range.start.line) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low < this.lines.length ? low : -1;
  }

  /** True when a command at position `from` or later leaves nothing at `path`. */
  clearedFrom(path: string, from: number): boolean {
    if (from < 0) {
      return false;
    }
    const wanted = canonical(path);
    const later = (last: number | undefined): boolean => last !== undefined && last >= from;
    if (later(this.paths.get(wanted))) {
      return true;
    }
    for (let slash = wanted.indexOf('/'); slash >= 0; slash = wanted.indexOf('/', slash + 1)) {
      const parent = wanted.slice(0, slash);
      if (later(this.paths.get(parent)) || later(this.contents.get(parent))) {
        return true;
      }
    }
    return false;
  }
}

/** `/home/user` from `HOME=/home/user` or `export HOME=/home/user`. */
function homeAssignment(command: ShellCommand): string | undefined {
  const words = command.words.length === 0 ? command.assignments : command.name === 'export' ? command.words.slice(1) : [];
  const assignment = words.find((word) => word.value.startsWith('HOME='));
  const value = assignment?.value.slice('HOME='.length).replace(/^["']|["']$/g, '');
  return value && value.startsWith('/') ? value : undefined;
}

/** Every build-script command of the final image in build order, with the step it belongs to (%files copy before %post). */
function buildCommands(chain: readonly Stage[]): { step: Step; command: ShellCommand }[] {
  return chain.flatMap((stage) =>
    stage.steps.flatMap((step) => (step.kind === 'run' && !/^%setup$/i.test(step.keyword) ? step.script.commands.map((command) => ({ step: step as Step, command })) : [])),
  );
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
    const fix = asRoot ? unsafeFix('Install system-wide (remove `--user`)', remove(rangeOf(recipe, start - before, end))) : undefined;
    return { word: user, what: '`pip install --user` installs into `~/.local`', fix };
  }
  const target = flagValue(command, '--prefix', '--target', '-t', '--root');
  return target && masked(target.value) ? { word: target, what: `\`pip install\` installs into \`${target.value}\``, path: target.value } : undefined;
}

function wordValue(word: Word): string {
  return word.value;
}

function commandHit(recipe: Recipe, command: ShellCommand, asRoot: boolean): Hit | undefined {
  if (isPipCommand(command)) {
    return pipHit(recipe, command, asRoot);
  }
  const words = effectiveWords(command);
  const name = baseName(words[0]?.value ?? '');
  if (!mayInstall(name)) {
    return undefined;
  }
  const values = words.map(wordValue);
  if (CONDA_NAMES.has(name) && ['create', 'install', 'env'].includes(values[1] ?? '')) {
    const prefix = flagValue(command, '-p', '--prefix');
    return prefix && masked(prefix.value) ? { word: prefix, what: `\`${name} ${values[1]}\` creates its environment in \`${prefix.value}\``, path: prefix.value } : undefined;
  }
  const installerAt = SHELLS.has(name) ? 1 : 0;
  const installer = words[installerAt];
  if (installer && CONDA_INSTALLER.test(baseName(installer.value)) && /\.sh$/.test(installer.value) && values.includes('-b')) {
    const prefix = flagValue(command, '-p');
    if (!prefix) {
      return { word: installer, what: `\`${baseName(installer.value)} -b\` without \`-p\` installs into \`~/\`` };
    }
    return masked(prefix.value) ? { word: prefix, what: `the conda installer installs into \`${prefix.value}\``, path: prefix.value } : undefined;
  }
  if (name === 'configure') {
    const prefix = flagValue(command, '--prefix');
    return prefix && masked(prefix.value) ? { word: prefix, what: `\`configure --prefix=${prefix.value}\` installs into a masked path`, path: prefix.value } : undefined;
  }
  if (name === 'cmake') {
    const word = words.find((candidate) => /^-DCMAKE_INSTALL_PREFIX(:\w+)?=/.test(candidate.value));
    const value = word?.value.replace(/^[^=]*=/, '') ?? '';
    return word && masked(value) ? { word, what: `\`CMAKE_INSTALL_PREFIX=${value}\` installs into a masked path`, path: value } : undefined;
  }
  if ((name === 'make' || name === 'ninja') && values.includes('install')) {
    const word = words.find((candidate) => /^(PREFIX|prefix|INSTALL_PREFIX)=/.test(candidate.value) && masked(candidate.value.replace(/^[^=]*=/, '')));
    return word ? { word, what: `\`${name} install ${word.value}\` installs into a masked path`, path: word.value.replace(/^[^=]*=/, '') } : undefined;
  }
  if (/^python[\d.]*$/.test(name) && values[1] === '-m' && values[2] === 'venv') {
    const path = words.slice(3).find((word) => !word.value.startsWith('-'));
    return path && masked(path.value) ? { word: path, what: `the virtual environment \`${path.value}\` is created in a home directory`, path: path.value } : undefined;
  }
  if (name === 'virtualenv' || (name === 'uv' && values[1] === 'venv')) {
    const path = words.slice(name === 'uv' ? 2 : 1).find((word) => !word.value.startsWith('-'));
    return path && masked(path.value) ? { word: path, what: `the virtual environment \`${path.value}\` is created in a home directory`, path: path.value } : undefined;
  }
  return undefined;
}

/** A command name `commandHit` looks further at (besides pip). */
function mayInstall(name: string): boolean {
  return CONDA_NAMES.has(name) || INSTALLING_NAMES.has(name) || SHELLS.has(name) || CONDA_INSTALLER.test(name) || /^python[\d.]*$/.test(name);
}

/** A command `commandHit` may find something in, or one that moves `~` for the commands after it. */
function mayMatter(command: ShellCommand): boolean {
  return isPipCommand(command) || homeAssignment(command) !== undefined || mayInstall(baseName(effectiveWords(command)[0]?.value ?? ''));
}

const MAY_MATTER = new CommandFilter(mayMatter);

function runsAsRoot(chain: readonly Stage[]): boolean {
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
    const mayMatterIn = MAY_MATTER.reader(recipe);
    let relocations: Relocations | undefined;
    // Apptainer copies %files before %post runs, wherever the sections sit in the file.
    const relocatedLater = (path: string | undefined, step: Step | undefined, command?: ShellCommand): boolean => {
      if (path === undefined) {
        return false;
      }
      relocations ??= new Relocations(buildCommands(chain));
      return relocations.clearedFrom(path, relocations.firstAfter(step, command));
    };
    const report = (word: Word, path: string, message: (where: string) => string, fix?: Fix): void => {
      const otherHome = OTHER_HOME.test(canonical(path));
      context.report({
        range: word.range,
        ...(otherHome ? { severity: 'info' as const } : {}),
        message: message(
          otherHome
            ? `\`${canonical(path).split('/').slice(0, 3).join('/')}\` is not the home of the user who runs the image, but it is hidden wherever the site binds all of \`/home\``
            : "Apptainer mounts the user's home, `/tmp` and `/var/tmp` over the image (and `/root` is unreadable to non-root users)",
        ),
        fixes: fix ? [fix] : undefined,
      });
    };
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
            if (!relocatedLater(destination.value, undefined)) {
              report(destination, destination.value, (why) => `${step.keyword} puts files into \`${destination.value}\`; ${why}, so they are missing at run time — copy to \`/opt/<app>\` instead.`);
            }
          } else if (homeWorkdir && !destination.value.startsWith('/') && !destination.value.startsWith('$')) {
            const workdir = homeWorkdir;
            if (!relocatedLater(workdir.value, step)) {
              report(workdir, workdir.value, (why) => `\`WORKDIR ${workdir.value}\` holds application files copied by ${step.keyword}; ${why}, so the files are missing at run time — use \`WORKDIR /opt/<app>\`.`);
            }
            homeWorkdir = undefined;
          }
          continue;
        }
        if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
          continue;
        }
        let home: string | undefined; // `HOME=/home/user` earlier in the same script moves `~`
        for (const command of mayMatterIn(step.script)) {
          home = homeAssignment(command) ?? home;
          const hit = commandHit(recipe, command, asRoot);
          const path = home === undefined ? hit?.path : hit?.path?.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, home);
          if (hit && !relocatedLater(path, step, command)) {
            report(hit.word, path ?? home ?? '~', (why) => `${hit.what}; ${why}, so it is missing at run time — install into \`/opt/<app>\` or \`/usr/local\`.`, hit.fix);
          }
        }
      }
    }
  },
});

// HPC-SEC-007: recipes that rely on privileges HPC runtimes do not grant (sudo, setuid, file capabilities, root user).
import { own } from '../../engine/own';
import { defineRule, type RuleContext } from '../../engine/rule';
import { CommandFilter } from '../../recipe/command-filter';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts, stepsOf } from '../../recipe/query';
import { effectiveWords } from '../util/commands';
import { hpcMarker } from '../util/hpc-image';
import { baseName, finalStageChain, isShipped } from '../util/source';
import docs from './no-privilege-assumptions.md';

const INSTALLERS: Record<string, Set<string>> = {
  'apt-get': new Set(['install']),
  apt: new Set(['install']),
  aptitude: new Set(['install']),
  yum: new Set(['install']),
  dnf: new Set(['install']),
  microdnf: new Set(['install']),
  tdnf: new Set(['install']),
  zypper: new Set(['install', 'in']),
  apk: new Set(['add']),
};
/** Numeric modes with the setuid bit (4xxx, 5xxx, 6xxx, 7xxx). */
const SETUID_NUMERIC = /^0?[4-7][0-7]{3}$/;
/** Symbolic modes that set setuid for the owner explicitly (`u+s`, `ug+s`, `ugo+s`). */
const SETUID_SYMBOLIC = /(^|,)u[go]*[+=][rwxXt]*s/;
/** `+s` / `a+s` set setuid and setgid; on directories only setgid matters, so they count only for files in bin directories. */
const SETUID_ALL = /(^|,)a?[+=][rwxXt]*s/;
const BIN_PATH = /(^|\/)(s?bin|libexec)\//;
const WORLD_WRITABLE = /^(0?777|a\+rwx|ugo\+rwx|a=rwx|ugo=rwx)$/;
const ROOT_USER = /^(root|0)(:.*)?$/;

export default defineRule({
  meta: {
    code: 'HPC-SEC-007',
    name: 'no-privilege-assumptions',
    category: 'security',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    // Setuid and capabilities matter where the image runs under Apptainer: a definition file, or a Docker image with an
    // MPI/fabric/scheduler/CUDA stack. Elsewhere (a Kubernetes controller, a systemd demo) they work as meant: a note.
    let target: Target | undefined;
    const targetOf = (): Target => (target ??= recipe.format === 'apptainer' ? { hpc: true } : { hpc: hpcMarker(recipe, chain, { cuda: true }) !== undefined });
    const checkedIn = CHECKED.reader(recipe);
    for (const { script, step, stage } of allScripts(recipe)) {
      if (!isShipped(recipe, stage) || step.kind !== 'run' || step.keyword.toLowerCase() === '%setup') {
        continue;
      }
      for (const command of checkedIn(script)) {
        checkCommand(context, command, targetOf);
      }
    }
    if (recipe.format === 'dockerfile') {
      const final = recipe.stages[recipe.stages.length - 1];
      const users = final ? stepsOf(final, 'user') : [];
      const last = users[users.length - 1];
      if (last?.value && ROOT_USER.test(last.value.value.trim())) {
        context.report({
          range: last.value.range,
          // Generic hygiene hadolint already reports (DL3002); under Apptainer USER is ignored anyway.
          severity: 'info',
          message:
            'The final image runs as root (`USER ' +
            last.value.value.trim() +
            '`): Apptainer ignores USER and runs as the calling user, so anything that needs root at run time will fail on the cluster. End with a non-root `USER`.',
        });
      }
    }
  },
});

interface Target {
  /** The image is meant to run under an HPC container runtime. */
  hpc: boolean;
}

const OUTSIDE_HPC = ' Nothing in this recipe marks it as an HPC image (no MPI, fabric, scheduler or CUDA stack), so this matters only if it is run under Apptainer.';

/** Names `checkCommand` looks further at, besides the package installers. */
const CHECKED_NAMES = new Set(['chmod', 'setcap', 'echo', 'printf', 'tee']);

/** A command `checkCommand` may report. */
function isChecked(command: ShellCommand): boolean {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return false;
  }
  const name = baseName(words[0].value);
  return CHECKED_NAMES.has(name) || own(INSTALLERS, name) !== undefined;
}

const CHECKED = new CommandFilter(isChecked);

function checkCommand(context: RuleContext, command: ShellCommand, targetOf: () => Target): void {
  const words = effectiveWords(command);
  if (words.length === 0) {
    return;
  }
  const name = baseName(words[0].value);
  const args = words.slice(1);
  if (name === 'chmod') {
    checkChmod(context, args, targetOf);
  } else if (name === 'setcap' && !args.some((word) => word.value === '-v')) {
    const hpc = targetOf().hpc;
    context.report({
      range: words[0].range,
      ...(hpc ? {} : { severity: 'info' as const }),
      message:
        '`setcap` gives a file capabilities, which Apptainer/Singularity ignore (`nosuid`, `no_new_privs`): the program fails with "Operation not permitted" on the cluster.' +
        (hpc ? '' : OUTSIDE_HPC),
    });
  } else if (own(INSTALLERS, name)) {
    const subcommand = args.findIndex((word) => !word.value.startsWith('-'));
    if (subcommand >= 0 && own(INSTALLERS, name)!.has(args[subcommand].value)) {
      const sudo = args.slice(subcommand + 1).find(isSudoPackage);
      if (sudo) {
        context.report({
          range: sudo.range,
          // Installing the package harms nothing by itself: hygiene.
          severity: 'hint',
          message: '`sudo` is installed into the image, but it cannot raise privileges under Apptainer/Singularity (`no_new_privs`): do root work at build time instead.',
        });
      }
    }
  } else if (name === 'echo' || name === 'printf' || name === 'tee') {
    const nopasswd = args.find((word) => /\bNOPASSWD\s*:/.test(word.value));
    if (nopasswd) {
      context.report({
        range: nopasswd.range,
        severity: 'info',
        message: 'A passwordless sudo rule (`NOPASSWD`) assumes root inside the container; it cannot raise privileges under Apptainer/Singularity and is root access for anyone under Docker.',
      });
    }
  }
}

/** The `sudo` package, also pinned (`sudo=1.9.9-1`), not `sudo-ldap`. */
function isSudoPackage(word: Word): boolean {
  return /^sudo([=<>-][\d.:~+-]*)?$/.test(word.value) && !word.value.startsWith('sudo-');
}

function isChmodOperand(word: Word): boolean {
  return !/^-[a-zA-Z]+$/.test(word.value) && !word.value.startsWith('--');
}

function checkChmod(context: RuleContext, args: readonly Word[], targetOf: () => Target): void {
  const recursive = args.some((word) => word.value === '--recursive' || /^-[a-zA-Z]*R[a-zA-Z]*$/.test(word.value));
  const operands = args.filter(isChmodOperand);
  const mode = operands[0];
  if (!mode) {
    return;
  }
  const targets = operands.slice(1);
  const value = mode.value;
  if (SETUID_NUMERIC.test(value) || SETUID_SYMBOLIC.test(value) || (SETUID_ALL.test(value) && targets.some((target) => BIN_PATH.test(target.value)))) {
    const hpc = targetOf().hpc;
    context.report({
      range: mode.range,
      ...(hpc ? {} : { severity: 'info' as const }),
      message:
        `\`chmod ${value}\` sets the setuid bit, which Apptainer/Singularity ignore (\`nosuid\`): the program runs as the calling user and fails where it needs root.` +
        (hpc ? '' : OUTSIDE_HPC),
    });
  } else if (recursive && WORLD_WRITABLE.test(value)) {
    context.report({
      range: mode.range,
      severity: 'info',
      message: `\`chmod -R ${value}\` makes the whole tree world-writable; \`chmod -R a+rX\` gives every user read and execute access without letting them change the software.`,
    });
  }
}

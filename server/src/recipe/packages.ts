// Package names installed by package-manager commands (apt, dnf/yum, zypper, apk, conda, dpkg/rpm files).
import { EMPTY_LIST, type ShellCommand, type Word } from './model';
import { baseName } from './text';

export type PackageManager = 'apt' | 'rpm' | 'zypper' | 'apk' | 'conda' | 'file';

export interface InstalledPackage {
  manager: PackageManager;
  /** The word as written (`"libfoo=1.2"`, `./x_1.0_amd64.deb`). */
  word: Word;
  /** Package name without version pin or file decoration (`libfoo`, `x`). */
  name: string;
}

interface ManagerSpec {
  manager: PackageManager;
  subcommands: Set<string>;
  /** Options that take a separate value word. */
  withValue: Set<string>;
}

const APT: ManagerSpec = { manager: 'apt', subcommands: new Set(['install']), withValue: new Set(['-o', '-t', '-c', '--option', '--target-release', '--config-file']) };
const RPM_MANAGERS: ManagerSpec = {
  manager: 'rpm',
  subcommands: new Set(['install', 'groupinstall', 'reinstall']),
  withValue: new Set(['-c', '-d', '-e', '-x', '--exclude', '--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever']),
};
const ZYPPER: ManagerSpec = { manager: 'zypper', subcommands: new Set(['install', 'in']), withValue: new Set(['-r', '--repo', '--from', '-t', '--type']) };
const APK: ManagerSpec = { manager: 'apk', subcommands: new Set(['add']), withValue: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root']) };
const CONDA: ManagerSpec = {
  manager: 'conda',
  subcommands: new Set(['install', 'create']),
  withValue: new Set(['-c', '--channel', '-n', '--name', '-p', '--prefix', '--file', '--override-channels-from']),
};

const MANAGERS = new Map<string, ManagerSpec>([
  ['apt-get', APT],
  ['apt', APT],
  ['aptitude', APT],
  ['yum', RPM_MANAGERS],
  ['dnf', RPM_MANAGERS],
  ['microdnf', RPM_MANAGERS],
  ['tdnf', RPM_MANAGERS],
  ['zypper', ZYPPER],
  ['apk', APK],
  ['conda', CONDA],
  ['mamba', CONDA],
  ['micromamba', CONDA],
]);

/**
 * Packages installed by a command whose effective words (`effectiveWords`) are `words`; empty (`EMPTY_LIST`) when it
 * is not an install command. Rules ask through `installedPackages`, which keeps the answer with the command's facts.
 */
export function packagesOf(words: readonly Word[]): readonly InstalledPackage[] {
  if (!mayInstallPackages(words)) {
    return EMPTY_LIST;
  }
  const program = baseName(words[0].value);
  if (program === 'dpkg' || program === 'rpm') {
    return packageFiles(words.slice(1), program === 'dpkg' ? /^-\w*i\w*$|^--install$/ : /^-\w*[iU]\w*$|^--(install|upgrade)$/);
  }
  const spec = MANAGERS.get(program);
  if (!spec) {
    return EMPTY_LIST;
  }
  const result: InstalledPackage[] = [];
  let installing = false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    const value = word.value;
    if (value.startsWith('-')) {
      if (spec.withValue.has(value)) {
        i++;
      }
      continue;
    }
    if (!installing) {
      if (spec.subcommands.has(value)) {
        installing = true;
        continue;
      }
      if (/^[a-z-]+$/.test(value)) {
        return EMPTY_LIST; // another subcommand (`apt-get update`, `dnf remove`, `conda env`)
      }
      continue;
    }
    if (/\.(deb|rpm)$/.test(value)) {
      result.push({ manager: 'file', word, name: fileBaseName(value) });
      continue;
    }
    result.push({ manager: spec.manager, word, name: packageName(value, spec.manager) });
  }
  return result;
}

/** False when `packagesOf(words)` is empty whatever the other words: the program is no package manager, `dpkg` or `rpm`. */
export function mayInstallPackages(words: readonly Word[]): boolean {
  return words.length > 0 && mayBeInstaller(baseName(words[0].value));
}

/**
 * `mayInstallPackages(command.words)` without slicing the first word again: a command's `name` is its first word after
 * the last `/`, which is `baseName` unless the word ends with `/` (asked for every command by a dozen rules).
 */
export function commandMayInstallPackages(command: ShellCommand): boolean {
  const first = command.words[0];
  return first !== undefined && mayBeInstaller(first.value.endsWith('/') ? baseName(first.value) : command.name);
}

function mayBeInstaller(program: string): boolean {
  return program === 'dpkg' || program === 'rpm' || MANAGERS.has(program);
}

function packageFiles(args: readonly Word[], installFlag: RegExp): readonly InstalledPackage[] {
  if (!args.some((word) => installFlag.test(word.value))) {
    return EMPTY_LIST;
  }
  return args
    .filter((word) => !word.value.startsWith('-') && /\.(deb|rpm)$/.test(word.value))
    .map((word) => ({ manager: 'file' as const, word, name: fileBaseName(word.value) }));
}

/** `libcuda1-384_384.66-0ubuntu1_amd64.deb` → `libcuda1-384`; `cuda-drivers-418.67-1.x86_64.rpm` → `cuda-drivers`. */
function fileBaseName(path: string): string {
  const file = baseName(path);
  if (file.endsWith('.deb')) {
    return file.split('_')[0];
  }
  return file.replace(/\.rpm$/, '').replace(/-\d[\w.+~]*-[\w.+~]+$/, '').replace(/\.(x86_64|aarch64|ppc64le|noarch|i686)$/, '');
}

/** Strips version pins: apt `pkg=1.2`, conda `pkg=1.2`/`pkg>=1`, apk `pkg=1.2`/`pkg~1`, rpm `pkg-1.2.3` is kept (ambiguous). */
function packageName(value: string, manager: PackageManager): string {
  const stripped = value.replace(/[<>=~!].*$/, '');
  if (manager === 'conda') {
    return stripped.replace(/^[\w.-]+::/, '').replace(/^[\w.-]+\//, '');
  }
  if (manager === 'apt') {
    return stripped.replace(/:(amd64|arm64|i386|all)$/, '');
  }
  return stripped;
}

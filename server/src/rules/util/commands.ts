// The effective command of a shell command (after wrappers such as `sudo` and `env A=1`), as rules use it:
// computed once per command by recipe/facts.ts. The words are shared: never mutate them.
import type { ShellCommand, Word } from '../../recipe/model';

export { effectiveName, effectiveWords, installedPackages, isPipCommand } from '../../recipe/facts';
export type { InstalledPackage, PackageManager } from '../../recipe/packages';

/** The command's assignments, then its words: its own list of words when it has no assignments (most have none). */
export function assignmentsAndWords(command: ShellCommand): readonly Word[] {
  return command.assignments.length === 0 ? command.words : [...command.assignments, ...command.words];
}

// The effective command of a shell command (after wrappers such as `sudo` and `env A=1`), as rules use it:
// computed once per command by recipe/facts.ts. The words are shared: never mutate them.
export { effectiveName, effectiveWords, isPipCommand } from '../../recipe/facts';

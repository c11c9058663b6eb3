// The CLI over the corpus Dockerfiles as a whole process, against a whole process that only reads the
// same files and runs dockerfile-utils' validate on each (bench/validate-only.mjs). Best of `rounds`
// interleaved runs of each; wall-clock time, so the CLI may use every core.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

function wallTime(args, cwd) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, HPCLINT_TODAY: '2026-01-15' } });
  const elapsed = performance.now() - start;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${args.join(' ').slice(0, 80)}… exited with ${result.status}: ${result.stderr.slice(0, 400)}`);
  }
  return { ms: elapsed, stdout: result.stdout };
}

export function measureCli({ root, files, rounds, warmUp }) {
  const cli = [join(root, 'dist/cli.js'), '--format', 'json', ...files];
  const validate = [join(root, 'bench/validate-only.mjs'), ...files];
  // Where the time goes: the same run without ShellCheck (which analyses every RUN when it is installed).
  const withoutShellCheck = [join(root, 'dist/cli.js'), '--format', 'json', '--no-shellcheck', ...files];
  let best = { cli: Infinity, validate: Infinity, noShellCheck: Infinity };
  let findings = 0;
  // One warm-up of each (file cache, code cache), then interleaved rounds.
  if (warmUp) {
    wallTime(validate, root);
    wallTime(cli, root);
  }
  for (let round = 0; round < rounds; round++) {
    const validated = wallTime(validate, root);
    const linted = wallTime(cli, root);
    const alone = wallTime(withoutShellCheck, root);
    best = { cli: Math.min(best.cli, linted.ms), validate: Math.min(best.validate, validated.ms), noShellCheck: Math.min(best.noShellCheck, alone.ms) };
    findings = JSON.parse(linted.stdout).files.reduce((sum, file) => sum + file.diagnostics.length, 0);
  }
  return { files: files.length, cliMs: best.cli, validateMs: best.validate, noShellCheckMs: best.noShellCheck, findings };
}

// The CLI over the corpus Dockerfiles as a whole process, against a whole process that only reads the
// same files and runs dockerfile-utils' validate on each (bench/validate-only.mjs). Best of `rounds`
// interleaved runs of each; wall-clock time, so the CLI may use every core. The budget is the cold run
// (no cache); a run with a warm `--shellcheck-cache` is measured beside it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  const cacheDir = mkdtempSync(join(tmpdir(), 'hpclint-bench-'));
  const warmCache = [join(root, 'dist/cli.js'), '--format', 'json', '--shellcheck-cache', join(cacheDir, 'shellcheck.json'), ...files];
  let best = { cli: Infinity, validate: Infinity, noShellCheck: Infinity, warmCache: Infinity };
  let findings = 0;
  try {
    // One warm-up of each (file cache, code cache), then interleaved rounds. The cache is filled once.
    if (warmUp) {
      wallTime(validate, root);
      wallTime(cli, root);
    }
    wallTime(warmCache, root);
    for (let round = 0; round < rounds; round++) {
      const validated = wallTime(validate, root);
      const linted = wallTime(cli, root);
      const alone = wallTime(withoutShellCheck, root);
      const cached = wallTime(warmCache, root);
      if (cached.stdout !== linted.stdout) {
        throw new Error('the run with a warm --shellcheck-cache printed another report than the cold run');
      }
      best = {
        cli: Math.min(best.cli, linted.ms),
        validate: Math.min(best.validate, validated.ms),
        noShellCheck: Math.min(best.noShellCheck, alone.ms),
        warmCache: Math.min(best.warmCache, cached.ms),
      };
      findings = JSON.parse(linted.stdout).files.reduce((sum, file) => sum + file.diagnostics.length, 0);
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return { files: files.length, cliMs: best.cli, validateMs: best.validate, noShellCheckMs: best.noShellCheck, warmCacheMs: best.warmCache, findings };
}

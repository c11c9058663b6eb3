// Lints the shared corpus with the bundled CLI, exactly as a user's `hpclint <corpus>` run would.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SEVERITIES, type Severity } from './counts';

export const ROOT = join(__dirname, '../..');
export const DEFAULT_CORPUS = join(ROOT, '../shared/corpus');
/** EOL rules compare against "today": the baseline is taken on a fixed day so that it does not drift. */
export const BASELINE_DAY = '2026-12-06';
/** Keeps config files above the corpus out of the run: defaults only. */
const DEFAULTS_ONLY = join(ROOT, 'test/fixtures/config/empty/.hpclint.yaml');

export interface CorpusFinding {
  /** Relative to the corpus root, `/`-separated. */
  path: string;
  code: string;
  severity: Severity;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface CorpusRun {
  corpus: string;
  day: string;
  /** Every recipe the CLI linted, relative to the corpus root. */
  files: string[];
  findings: CorpusFinding[];
}

export class CorpusMissing extends Error {}

interface JsonOutput {
  files: Array<{
    path: string;
    diagnostics: Array<{ code: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }>;
  }>;
}

/** Builds dist/cli.js (so the run never reads a stale bundle) and lints the whole corpus in one process. */
export function lintCorpus(corpus: string, day: string): CorpusRun {
  if (!existsSync(join(corpus, 'dockerfile')) && !existsSync(join(corpus, 'singularity'))) {
    throw new CorpusMissing(`corpus not found at ${corpus} (pass --corpus DIR or set HPCLINT_CORPUS)`);
  }
  const build = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`build failed:\n${build.stderr}`);
  }
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), '--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, '--', corpus], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HPCLINT_TODAY: day },
    maxBuffer: 512 * 1024 * 1024,
  });
  if (run.error) {
    throw run.error;
  }
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`hpclint exited ${run.status}:\n${run.stderr}`);
  }
  const output = JSON.parse(run.stdout) as JsonOutput;
  const files: string[] = [];
  const findings: CorpusFinding[] = [];
  for (const file of output.files) {
    const path = relative(corpus, file.path).split(sep).join('/');
    files.push(path);
    for (const d of file.diagnostics) {
      const severity = SEVERITIES.find((s) => s === d.severity);
      if (!severity) {
        throw new Error(`unexpected severity "${d.severity}" in ${path}`);
      }
      findings.push({ path, code: d.code, severity, message: d.message, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn });
    }
  }
  return { corpus, day, files, findings };
}

/**
 * The repository a corpus file comes from: `owner/repo` from the `owner__repo` folder, and for
 * singularity-catalog copies the upstream repository named in the `_recipes__owner__repo__…` file name.
 */
export function repositoryOf(path: string): string {
  const [, slug = '', name = ''] = path.split('/');
  if (slug === 'singularityhub__singularity-catalog' && name.startsWith('_recipes__')) {
    const [, owner, repo] = name.split('__');
    if (owner && repo) {
      return `${owner}/${repo}`;
    }
  }
  return slug.replace('__', '/');
}

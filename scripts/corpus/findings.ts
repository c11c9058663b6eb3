// Lints the shared corpus with the bundled CLI, as each recipe's author would in a clone of its repository:
// `hpclint <dir>` on a copy of the corpus where every repository's files sit below a `.git/config` naming it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
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
  const staged = stageClones(corpus);
  let run;
  try {
    run = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), '--format', 'json', '--min-severity', 'hint', '--config', DEFAULTS_ONLY, '--', staged?.root ?? corpus], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, HPCLINT_TODAY: day },
      maxBuffer: 512 * 1024 * 1024,
    });
  } finally {
    if (staged) {
      rmSync(staged.root, { recursive: true, force: true });
    }
  }
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
    const path = staged ? staged.corpusPath(file.path) : relative(corpus, file.path).split(sep).join('/');
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
 * A temporary copy of the corpus as clones: `<root>/<n>/<corpus path>`, one folder per repository with a
 * `.git/config` whose `origin` is `https://github.com/<owner>/<name>.git`, so that hpclint finds each recipe's own
 * repository as it does in its author's clone (HPC-MAINT-001/002 report fetches of it as info). The repository is
 * `MANIFEST.tsv`'s `repo`, and for singularity-catalog copies the upstream repository their `original_path` names
 * (`_recipes/<owner>/<name>/…`): the catalog copied the recipe from there. Undefined without a `MANIFEST.tsv`.
 */
export function stageClones(corpus: string): { root: string; corpusPath: (stagedPath: string) => string } | undefined {
  const manifest = join(corpus, 'MANIFEST.tsv');
  if (!existsSync(manifest)) {
    return undefined;
  }
  const root = mkdtempSync(join(tmpdir(), 'hpclint-corpus-'));
  const folders = new Map<string, string>();
  const [header = '', ...rows] = readFileSync(manifest, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const column = (name: string): number => header.split('\t').indexOf(name);
  const [pathColumn, repoColumn, originalColumn] = [column('local_path'), column('repo'), column('original_path')];
  try {
    for (const row of rows) {
      const cells = row.split('\t');
      const path = cells[pathColumn];
      if (!path || !existsSync(join(corpus, path))) {
        continue;
      }
      const repository = upstreamOf(cells[repoColumn] ?? '', cells[originalColumn] ?? '');
      let folder = folders.get(repository);
      if (folder === undefined) {
        folder = join(root, String(folders.size));
        folders.set(repository, folder);
        mkdirSync(join(folder, '.git'), { recursive: true });
        writeFileSync(join(folder, '.git', 'config'), `[remote "origin"]\n\turl = https://github.com/${repository}.git\n`);
      }
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      copyFileSync(join(corpus, path), join(folder, path));
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    root,
    corpusPath: (stagedPath) => relative(root, stagedPath).split(sep).slice(1).join('/'),
  };
}

/** The repository a recipe's author works in: the catalog's upstream for its `_recipes/<owner>/<name>/…` copies. */
function upstreamOf(repo: string, originalPath: string): string {
  const [top, owner, name] = originalPath.split('/');
  return repo === 'singularityhub/singularity-catalog' && top === '_recipes' && owner && name ? `${owner}/${name}` : repo;
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

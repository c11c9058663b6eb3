// HPC-PORT-012: Open MPI / MPICH built from source without PMI support for the site's launcher.
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import docs from './mpi-launcher-pmi.md';

type SourceTree = 'openmpi' | 'mpich';

const OPEN_MPI_DIR = /^(openmpi|ompi)([-_.\d]|$)/i;
const MPICH_DIR = /^mpich([-_.\d]|$)/i;
/** Build directories inside a source tree (`cd openmpi-4.1.6 && mkdir build && cd build && ../configure`). */
const BUILD_DIR = /^(_?build([-_][\w.-]*)?|obj(dir)?)$/;
const ARCHIVE = /\.(tar(\.(gz|bz2|xz|zst))?|tgz|tbz2?|txz)$/;

/** Launcher integration options that show a deliberate choice (`--with-pmix`, `--with-slurm`, `--without-slurm` …). */
const OPEN_MPI_PMI = /^--with(out)?-(pmix|pmi|pmi2|slurm|tm|lsf|alps)(=|$)/;
const MPICH_PMI = /^--with(out)?-(pmi|pmix|pmi2|slurm|pm)(=|$)/;

function treeOf(path: string): SourceTree | undefined {
  const name = baseName(path.replace(/^["']|["']$/g, ''));
  if (OPEN_MPI_DIR.test(name)) {
    return 'openmpi';
  }
  return MPICH_DIR.test(name) ? 'mpich' : undefined;
}

function tarballTree(value: string): SourceTree | undefined {
  const name = baseName(value.replace(/[?#].*$/, ''));
  return ARCHIVE.test(name) ? treeOf(name.replace(ARCHIVE, '')) : undefined;
}

/** Where `cd <target>` leaves us: a known MPI source tree, still inside the previous one, or unknown. */
function afterCd(target: string | undefined, current: SourceTree | undefined, lastTarball: SourceTree | undefined): SourceTree | undefined {
  if (target === undefined || target === '-' || target === '~') {
    return undefined;
  }
  const tree = treeOf(target);
  if (tree) {
    return tree;
  }
  if (BUILD_DIR.test(target.replace(/\/+$/, ''))) {
    return current;
  }
  // `cd $SRC_DIR` right after unpacking openmpi-*.tar.*: the tarball names the tree.
  return /^["']?\$/.test(target) ? lastTarball : undefined;
}

function configureTree(words: readonly Word[], cwd: SourceTree | undefined): SourceTree | undefined {
  const path = words[0].value;
  const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
  if (dir !== '' && dir !== '.' && dir !== '..') {
    const tree = treeOf(dir);
    if (tree) {
      return tree;
    }
    if (!BUILD_DIR.test(baseName(dir)) && dir !== '.' && !/^\.\.(\/\.\.)*$/.test(dir)) {
      return undefined;
    }
  }
  return cwd;
}

/** Options come from a variable the rule cannot see (`./configure $OMPI_OPTIONS`). */
function hasOpaqueOptions(words: readonly Word[]): boolean {
  return words.slice(1).some((word) => /^\$|^"\$/.test(word.text) || word.value === '"$@"');
}

interface Unmatched {
  tree: SourceTree;
  configure: Word;
}

function unmatchedConfigures(recipe: Recipe): Unmatched[] {
  const found: Unmatched[] = [];
  for (const stage of recipe.stages) {
    // The WORKDIR in effect at each step, tracked in one pass over the stage.
    let workdirSoFar: string | undefined;
    for (const step of stage.steps) {
      if (step.kind === 'workdir' && step.value) {
        workdirSoFar = step.value.value;
      }
      if (step.kind !== 'run') {
        continue;
      }
      const workdir = recipe.format === 'dockerfile' ? workdirSoFar : undefined;
      let cwd: SourceTree | undefined = workdir ? treeOf(workdir) : undefined;
      let lastTarball: SourceTree | undefined;
      for (const command of step.script.commands) {
        const words = effectiveWords(command);
        if (words.length === 0) {
          continue;
        }
        const name = effectiveName(command);
        if (name === 'tar' || name === 'wget' || name === 'curl') {
          lastTarball = words.map((word) => tarballTree(word.value)).find((tree) => tree !== undefined) ?? lastTarball;
        } else if (name === 'cd' || name === 'pushd') {
          cwd = afterCd(words[1]?.value, cwd, lastTarball);
        } else if (name === 'configure') {
          const tree = configureTree(words, cwd);
          if (tree && !hasOpaqueOptions(words) && !hasPmiOption(words, tree)) {
            found.push({ tree, configure: words[0] });
          }
        }
      }
    }
  }
  return found;
}

function hasPmiOption(words: readonly Word[], tree: SourceTree): boolean {
  const pattern = tree === 'openmpi' ? OPEN_MPI_PMI : MPICH_PMI;
  return words.slice(1).some((word) => pattern.test(word.value));
}

function addPmixFix(configure: Word): Fix {
  return {
    title: 'Add --with-pmix (needs PMIx headers in the image)',
    safe: false,
    edits: [{ range: { start: configure.range.end, end: configure.range.end }, newText: ' --with-pmix' }],
  };
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-012',
    name: 'mpi-launcher-pmi',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(context) {
    for (const { tree, configure } of unmatchedConfigures(context.recipe)) {
      if (tree === 'openmpi') {
        context.report({
          range: configure.range,
          message:
            'This Open MPI `configure` has no `--with-pmix`, `--with-pmi` or `--with-slurm`: ranks started by the host launcher (`srun … apptainer exec`) need a PMI/PMIx ' +
            'shared with the site\'s workload manager, otherwise they start as singletons or fail to wire up. Check `srun --mpi=list` and configure against it.',
          fixes: [addPmixFix(configure)],
        });
      } else {
        context.report({
          range: configure.range,
          message:
            'This MPICH `configure` has no `--with-pmi=`/`--with-pmix`: ranks started by the host launcher (`srun … apptainer exec`) need a PMI shared with the site\'s ' +
            'workload manager, otherwise they start as singletons. Check `srun --mpi=list`; e.g. `--with-pmi=pmi2` for `srun --mpi=pmi2`.',
        });
      }
    }
  },
});

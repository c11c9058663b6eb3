// HPC-PORT-012: Open MPI / MPICH built from source without PMI support for the site's launcher.
import { defineRule, type Fix } from '../../engine/rule';
import type { Recipe, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName } from '../util/source';

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
    docs: {
      summary: 'Open MPI or MPICH built from source without PMI/PMIx or Slurm support may not start under the site\'s `srun`.',
      whatItDoes:
        'Finds `configure` runs of Open MPI and MPICH source trees — recognised by a preceding `cd openmpi-*`/`cd ompi*`/`cd mpich-*` in the same script (also through a ' +
        '`build/` subdirectory, or `cd $DIR` right after unpacking an `openmpi-*.tar.*`/`mpich-*.tar.*`), a Dockerfile `WORKDIR` into such a tree, or a configure path like ' +
        '`../openmpi-4.1.6/configure` — and reports those without a launcher-integration option: for Open MPI `--with-pmix`, `--with-pmi`, `--with-slurm` (or `--with-tm`, ' +
        '`--with-lsf`), for MPICH `--with-pmi=`, `--with-pmix`, `--with-pm=`. Configures whose options come from a variable (`./configure $OPTS`) are skipped.',
      whyHpc:
        'In the hybrid model the host launcher starts the ranks (`srun --mpi=pmix apptainer exec img ./app`) and each rank finds its peers through the PMI or PMIx ' +
        'server of the host\'s workload manager. An MPI built without a PMI the host speaks cannot wire up: every rank starts as a singleton (N copies of rank 0), ' +
        'or start-up fails with "PMIX ERROR" / "OPAL ERROR: Not initialized" / "The application appears to have been direct launched using srun, but OMPI was not built ' +
        'with SLURM\'s PMI support". Open MPI ≥5 no longer supports PMI-1/PMI-2 at all, so on a site whose Slurm only offers `--mpi=pmi2` it needs PMIx.',
      howToFix:
        'Check which PMI your site offers (`srun --mpi=list`) and configure against it: Open MPI `--with-pmix=<dir>` (or `--with-pmix=internal`) and `--with-slurm`; ' +
        'MPICH `--with-pmi=pmi2` for `srun --mpi=pmi2`, or `--with-pmi=pmix --with-pmix=<dir>` for PMIx. The quick fix adds `--with-pmix` to Open MPI configures; it is ' +
        'unsafe because configure fails when PMIx is requested but cannot be found, so install the PMIx development package first (e.g. `libpmix-dev`, `pmix-devel`).',
      bad: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nRUN curl -fsSLO https://download.open-mpi.org/release/open-mpi/v4.1/openmpi-4.1.6.tar.bz2 && tar xf openmpi-4.1.6.tar.bz2 && \\\n' +
            '    cd openmpi-4.1.6 && ./configure --prefix=/opt/openmpi --with-ucx && make -j8 install\n',
        },
        {
          format: 'apptainer',
          code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    cd /tmp/mpich-4.2.3\n    ./configure --prefix=/usr/local --with-device=ch4:ofi\n    make -j8 install\n',
        },
      ],
      good: [
        {
          format: 'dockerfile',
          code:
            'FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y libpmix-dev && \\\n' +
            '    cd /tmp/openmpi-4.1.6 && ./configure --prefix=/opt/openmpi --with-pmix=/usr/lib/x86_64-linux-gnu/pmix2 --with-slurm && make -j8 install\n',
        },
        {
          format: 'apptainer',
          code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%post\n    cd /tmp/mpich-4.2.3\n    ./configure --prefix=/usr/local --with-device=ch4:ofi --with-pmi=pmi2\n    make -j8 install\n',
        },
      ],
      exceptions:
        'Images only run with the container\'s own `mpirun` (single node, or the "container-only" model) do not need host PMI support, and Open MPI 4/5 builds pick up ' +
        'Slurm support and a bundled PMIx by themselves when the build environment allows it; the rule is info for that reason. On MPICH-ABI sites where the runtime swaps the image\'s MPICH for the host\'s Cray MPICH (Shifter, Sarus, podman-hpc) the host library brings its own PMI. Trees the rule cannot recognise ' +
        '(`cd $SRC` without an MPI tarball, builds driven by scripts) are not reported, and whether the site offers PMIx or PMI-2 needs a site profile.',
      references: [
        'https://apptainer.org/docs/user/main/mpi.html',
        'https://docs.open-mpi.org/en/v5.0.x/launching-apps/slurm.html',
        'https://slurm.schedmd.com/mpi_guide.html',
        'https://hpc.github.io/charliecloud/best_practices.html',
      ],
    },
  },
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

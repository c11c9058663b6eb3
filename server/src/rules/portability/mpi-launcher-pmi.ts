// HPC-PORT-012: Open MPI built from source without PMI/PMIx support for the site's launcher (MPICH brings its own PMI-1).
import { defineRule, type Fix } from '../../engine/rule';
import { insert, unsafeFix } from '../../engine/fixBuilder';
import type { Recipe, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { baseName } from '../util/source';
import docs from './mpi-launcher-pmi.md';
import type { RuleContext } from '../../engine/rule';
import { activeSites, onSite, siteFact } from '../../site/checks';
import type { Site } from '../../site/profile';

interface SourceTree {
  kind: 'openmpi' | 'mpich';
  /** Major version from the tree name (`openmpi-5.0.3` → 5), when it has one. */
  major?: number;
}

const OPEN_MPI_DIR = /^(openmpi|ompi)([-_.\d]|$)/i;
const MPICH_DIR = /^mpich([-_.\d]|$)/i;
/** Build directories inside a source tree (`cd openmpi-4.1.6 && mkdir build && cd build && ../configure`). */
const BUILD_DIR = /^(_?build([-_][\w.-]*)?|obj(dir)?)$/;
const ARCHIVE = /\.(tar(\.(gz|bz2|xz|zst))?|tgz|tbz2?|txz)$/;

/** Launcher integration options that show a deliberate choice (`--with-pmix`, `--with-slurm`, `--without-slurm` …). */
const OPEN_MPI_PMI = /^--with(out)?-(pmix|pmi|pmi2|slurm|tm|lsf|alps)(=|$)/;
/** PMI-1/PMI-2 options, which Open MPI 5 no longer implements. */
const LEGACY_PMI = /^--with-(pmi|pmi2)(=|$)/;

function treeOf(path: string): SourceTree | undefined {
  const name = baseName(path.replace(/^["']|["']$/g, ''));
  const version = /[-_](\d+)\.\d+/.exec(name);
  const major = version ? Number(version[1]) : undefined;
  if (OPEN_MPI_DIR.test(name)) {
    return { kind: 'openmpi', major };
  }
  return MPICH_DIR.test(name) ? { kind: 'mpich', major } : undefined;
}

/** The source tree of the first word that names a tarball (`tarballTree`). */
function firstTarballTree(words: readonly Word[]): SourceTree | undefined {
  for (const word of words) {
    const tree = tarballTree(word.value);
    if (tree !== undefined) {
      return tree;
    }
  }
  return undefined;
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
  /** Open MPI ≥ 5 configured with only `--with-pmi`/`--with-pmi2`. */
  legacyPmi?: Word;
}

interface OpenMpiConfigure {
  tree: SourceTree;
  configure: Word;
  options: Word[];
}

/** Every Open MPI `configure` whose options the rule can see. */
function openMpiConfigures(recipe: Recipe): OpenMpiConfigure[] {
  const found: OpenMpiConfigure[] = [];
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
          lastTarball = firstTarballTree(words) ?? lastTarball;
        } else if (name === 'cd' || name === 'pushd') {
          cwd = afterCd(words[1]?.value, cwd, lastTarball);
        } else if (name === 'configure') {
          const tree = configureTree(words, cwd);
          if (tree?.kind !== 'openmpi' || hasOpaqueOptions(words)) {
            continue;
          }
          found.push({ tree, configure: words[0], options: words.slice(1) });
        }
      }
    }
  }
  return found;
}

function unmatchedConfigures(configures: readonly OpenMpiConfigure[]): Unmatched[] {
  const found: Unmatched[] = [];
  for (const { tree, configure, options } of configures) {
    const launcher = options.filter((word) => OPEN_MPI_PMI.test(word.value));
    if (launcher.length === 0) {
      found.push({ tree, configure });
    } else if ((tree.major ?? 0) >= 5 && launcher.every((word) => LEGACY_PMI.test(word.value))) {
      found.push({ tree, configure, legacyPmi: launcher[0] });
    }
  }
  return found;
}

/**
 * With site profiles that list the PMI the scheduler offers: Open MPI ≥ 5 speaks only PMIx, so a site
 * without PMIx cannot start it with srun (error); where PMIx is offered its bundled PMIx needs no option.
 * Open MPI 4 without launcher options on a site without PMIx needs `--with-pmi` (warning).
 */
function checkOnSites(context: RuleContext, sites: readonly Site[], configures: readonly OpenMpiConfigure[]): Set<Word> {
  const handled = new Set<Word>();
  for (const { tree, configure, options } of configures) {
    if (tree.major === undefined) {
      continue;
    }
    const launcher = options.filter((word) => OPEN_MPI_PMI.test(word.value));
    for (const site of sites) {
      const offered = site.profile.pmi ?? [];
      const list = offered.join(', ');
      const fact = siteFact(site, `srun --mpi=list: ${list}`, 'pmi');
      if (tree.major >= 5) {
        handled.add(configure);
        if (!offered.includes('pmix')) {
          context.report({
            range: configure.range,
            severity: 'error',
            message: onSite(
              site,
              `Open MPI ${tree.major} speaks only PMIx, and the scheduler offers ${list}: ranks launched with srun cannot wire up (singletons or \`PMIX ERROR\`). ` +
                'Build an Open MPI 4 with `--with-pmi`, or an MPICH, for this site.',
            ),
            site: fact,
          });
        }
      } else if (launcher.length === 0 && !offered.includes('pmix') && (offered.includes('pmi2') || offered.includes('pmi1'))) {
        handled.add(configure);
        context.report({
          range: configure.range,
          severity: 'warning',
          message: onSite(site, `the scheduler offers ${list} and no PMIx: configure this Open MPI ${tree.major} \`--with-pmi\` (Slurm's PMI-2 library) so srun can start its ranks.`),
          site: fact,
        });
      }
    }
  }
  return handled;
}

function addPmixFix(configure: Word): Fix {
  return unsafeFix('Add --with-pmix (needs PMIx headers in the image)', insert(configure.range.end, ' --with-pmix'));
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-012',
    name: 'mpi-launcher-pmi',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'unsafe',
  },
  docs,
  check(context) {
    const configures = openMpiConfigures(context.recipe);
    const sites = activeSites(context.settings).filter((site) => site.profile.pmi?.length);
    const handled = sites.length > 0 ? checkOnSites(context, sites, configures) : new Set<Word>();
    for (const { tree, configure, legacyPmi } of unmatchedConfigures(configures)) {
      if (handled.has(configure) && !legacyPmi) {
        continue; // the site's answer replaces the generic one
      }
      if (legacyPmi) {
        context.report({
          range: legacyPmi.range,
          message:
            `Open MPI ${tree.major} has no PMI-1/PMI-2 support, so \`${legacyPmi.value}\` gives this build no launcher integration: ranks started with ` +
            '`srun --mpi=pmi2 … apptainer exec` fail or start as singletons. Open MPI 5 talks PMIx: launch with `srun --mpi=pmix` (its bundled PMIx is used ' +
            'unless you pass `--with-pmix=<dir>`), and drop the PMI option.',
        });
        continue;
      }
      context.report({
        range: configure.range,
        message:
          'This Open MPI `configure` has no `--with-pmix`, `--with-pmi` or `--with-slurm`: ranks started by the host launcher (`srun … apptainer exec`) need a PMI/PMIx ' +
          'shared with the site\'s workload manager, otherwise they start as singletons or fail to wire up. Check `srun --mpi=list` and configure against it.',
        fixes: [addPmixFix(configure)],
      });
    }
  },
});

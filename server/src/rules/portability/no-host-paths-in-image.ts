// HPC-PORT-009: search paths pointing at host-only locations (Cray PE, Bright, site software trees, parallel file systems) baked into the image.
import { defineRule } from '../../engine/rule';
import type { Recipe, ShellCommand, Stage, Word } from '../../recipe/model';
import { effectiveName, effectiveWords } from '../util/commands';
import { outputRedirectTargets } from '../util/entry';
import { finalStageChain, rangeInWord } from '../util/source';

/** Host-only roots; the capture is the root used to decide whether the recipe creates it itself. */
const HOST_ROOT = /^(\/opt\/cray|\/cm\/shared|\/cm\/local|\/usr\/lib64\/nvidia|\/sw|\/apps|\/global|\/lustre\w*|\/gpfs\w*)(\/|$)/;
const SEARCH_PATH_VARIABLES = new Set(['PATH', 'LD_LIBRARY_PATH', 'LD_PRELOAD', 'LIBRARY_PATH']);
const LDCONFIG_FILE = /^\/etc\/ld\.so\.conf(\.d\/[^\s]*)?$/;

interface HostEntry {
  entry: string;
  root: string;
}

function hostEntries(value: string): HostEntry[] {
  const found: HostEntry[] = [];
  for (const entry of value.split(/[:\s]+/)) {
    const match = HOST_ROOT.exec(entry);
    if (match && !entry.includes('$')) {
      found.push({ entry, root: match[1] });
    }
  }
  return found;
}

/** Roots the recipe itself creates or installs into (`mkdir /gpfs`, `--prefix=/apps/x`, `COPY … /apps/`, `WORKDIR /sw/…`). */
function rootsCreatedInImage(recipe: Recipe, stages: readonly Stage[]): Set<string> {
  const roots = new Set<string>();
  const note = (text: string): void => {
    for (const piece of text.split(/[\s=:'",;]+/)) {
      const match = HOST_ROOT.exec(piece);
      if (match) {
        roots.add(match[1]);
      }
    }
  };
  for (const stage of recipe.format === 'dockerfile' ? recipe.stages : stages) {
    for (const step of stage.steps) {
      if (step.kind === 'run') {
        const writes = new Set(ldconfigWrites(recipe, step.script.commands));
        for (const command of step.script.commands) {
          if (!writes.has(command)) {
            command.words.forEach((word) => note(word.value));
          }
        }
      } else if (step.kind === 'copy' && step.destination) {
        note(step.destination.value);
      } else if (step.kind === 'workdir' && step.value) {
        note(step.value.value);
      }
    }
  }
  return roots;
}

function isLdconfigWrite(recipe: Recipe, command: ShellCommand): boolean {
  const name = effectiveName(command);
  return (name === 'echo' || name === 'printf') && outputRedirectTargets(recipe, command).some((target) => LDCONFIG_FILE.test(target));
}

/** `echo /opt/cray/pe/lib64 > /etc/ld.so.conf.d/cray.conf`, also `echo … | tee -a /etc/ld.so.conf.d/…`. */
function ldconfigWrites(recipe: Recipe, commands: readonly ShellCommand[]): ShellCommand[] {
  return commands.filter((command, i) => {
    if (isLdconfigWrite(recipe, command)) {
      return true;
    }
    const next = commands[i + 1];
    const name = effectiveName(command);
    return (
      (name === 'echo' || name === 'printf') &&
      command.pipesToNext &&
      next !== undefined &&
      effectiveName(next) === 'tee' &&
      effectiveWords(next).some((word) => LDCONFIG_FILE.test(word.value))
    );
  });
}

function listed(entries: readonly HostEntry[]): string {
  const names = entries.map((entry) => `\`${entry.entry}\``).join(', ');
  return entries.length === 1 ? `${names}, a host directory the image does not contain` : `${names}, host directories the image does not contain`;
}

function entryRange(recipe: Recipe, word: Word, entry: string): Word['range'] {
  const at = word.text.indexOf(entry);
  return at >= 0 ? rangeInWord(recipe, word, at, at + entry.length) : word.range;
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-009',
    name: 'no-host-paths-in-image',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'Search paths into one site\'s host directories (`/opt/cray`, `/cm/shared`, `/usr/lib64/nvidia`, `/sw/`, `/apps/`, `/global/`, `/lustre`, `/gpfs`) baked into the image.',
      whatItDoes:
        'In the final image reports `PATH`, `LD_LIBRARY_PATH`, `LD_PRELOAD` and `LIBRARY_PATH` settings (`ENV`, `%environment`) and `/etc/ld.so.conf.d/` entries written with ' +
        '`echo`/`printf` (redirect or `| tee`) that point into host-only locations: the Cray PE (`/opt/cray`), Bright Cluster Manager (`/cm/shared`, `/cm/local`), host ' +
        'NVIDIA driver libraries (`/usr/lib64/nvidia`), site software trees (`/sw/`, `/apps/`, `/global/`) and parallel file systems (`/lustre*`, `/gpfs*`). A root is ' +
        'skipped when the recipe itself creates or installs into it (`mkdir -p /gpfs`, `--prefix=/apps/foo`, `COPY … /apps/`, `WORKDIR /sw/…`), since it then exists in the image.',
      whyHpc:
        'These directories exist only on one cluster and only when they are bind-mounted into the container at run time. Baked into the image they point at nothing ' +
        'elsewhere — so programs are "not found" or fail with `error while loading shared libraries` — or, worse, on the site they were written for they make the ' +
        'container load whatever version of the Cray PE or site library is installed that day, which breaks when the site updates it. Sites that inject host ' +
        'libraries do it at run time instead: ARCHER2 adds `/opt/cray/pe/lib64` through `SINGULARITYENV_LD_LIBRARY_PATH` in the job script, and the Apptainer bind model ' +
        'sets the MPI paths when the host MPI is bound in.',
      howToFix:
        'Set such paths in the job script (`export APPTAINERENV_LD_LIBRARY_PATH=/opt/cray/pe/lib64:$LD_LIBRARY_PATH`, `apptainer exec --env …`) together with the ' +
        '`--bind` that makes them exist, or keep them in `%environment` only as an optional append with a default (`export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}:…`) if ' +
        'the image must also work without them. There is no automatic fix: which paths a site needs is a run-time decision.',
      bad: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nENV LD_LIBRARY_PATH=/opt/cray/pe/lib64:/usr/local/lib\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%environment\n    export PATH=/cm/shared/apps/slurm/current/bin:$PATH\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM ubuntu:24.04\nRUN mkdir -p /apps/tool && cp -r /tmp/tool/* /apps/tool/\nENV PATH=/apps/tool/bin:$PATH\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: rockylinux:9\n\n%environment\n    export PATH=/opt/app/bin:$PATH\n' },
      ],
      exceptions:
        'Images built for exactly one site (its own base images) may carry its paths; silence with `# hpclint ignore=HPC-PORT-009 -- site image`. Paths behind variables ' +
        '(`$CRAY_LD_LIBRARY_PATH`), `ldconfig` entries written by other means and settings of build stages the final image does not inherit are not checked. A root ' +
        'the recipe mentions anywhere in a build command counts as created in the image, which may hide a real host path.',
      references: [
        'https://docs.archer2.ac.uk/user-guide/containers/',
        'https://apptainer.org/docs/user/main/mpi.html',
        'https://apptainer.org/docs/user/main/bind_paths_and_mounts.html',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    const stages = finalStageChain(recipe);
    const inImage = rootsCreatedInImage(recipe, stages);
    const hostOnly = (entries: HostEntry[]): HostEntry[] => entries.filter((entry) => !inImage.has(entry.root));
    for (const stage of stages) {
      for (const step of stage.steps) {
        if (step.kind === 'env') {
          for (const pair of step.pairs) {
            if (!SEARCH_PATH_VARIABLES.has(pair.key.value) || !pair.value) {
              continue;
            }
            const entries = hostOnly(hostEntries(pair.value.value));
            if (entries.length > 0) {
              context.report({
                range: entryRange(recipe, pair.value, entries[0].entry),
                message:
                  `${pair.key.value} in ${step.keyword} points at ${listed(entries)}; ` +
                  'such paths only exist where a site binds them in. Add them at run time (job script, `APPTAINERENV_…`/`--env`) together with the bind.',
              });
            }
          }
        } else if (step.kind === 'run') {
          for (const command of ldconfigWrites(recipe, step.script.commands)) {
            for (const word of command.words.slice(1)) {
              const entries = hostOnly(hostEntries(word.value));
              if (entries.length > 0) {
                context.report({
                  range: entryRange(recipe, word, entries[0].entry),
                  message:
                    `The dynamic-linker configuration gets ${listed(entries)}; ` +
                    'libraries there only exist where a site binds them in. Add the path at run time (`APPTAINERENV_LD_LIBRARY_PATH`) together with the bind.',
                });
              }
            }
          }
        }
      }
    }
  },
});

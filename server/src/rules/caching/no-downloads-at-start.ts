// HPC-CACHE-001: entrypoints and runscripts that download or install at container start.
import { defineRule } from '../../engine/rule';
import type { EntrypointStep, Recipe, ShellCommand } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { baseName, shellCScript } from '../util/source';

const LOCAL_URL = /^(https?|ftp):\/\/(localhost|127\.|0\.0\.0\.0|\[::1\]|\$)/i;
const REMOTE_URL = /^(https?|ftp):\/\//i;
const CONTAINER_URI = /^(docker|library|shub|oras):\/\//i;

interface Subcommand {
  word?: string;
  index: number;
}

/** First non-option word after position `from`. */
function subcommand(words: readonly string[], from: number): Subcommand {
  for (let i = from; i < words.length; i++) {
    const value = words[i];
    if (!value.startsWith('-')) {
      return { word: value, index: i };
    }
  }
  return { index: words.length };
}

/** What the command downloads, or undefined. */
export function describeDownload(command: ShellCommand): string | undefined {
  const words = effectiveWords(command).map((word) => word.value);
  const name = baseName(words[0] ?? '');
  const index = 0;
  const sub = subcommand(words, 1);
  if (/^pip[\d.]*$/.test(name) && sub.word === 'install' && !words.includes('--no-index')) {
    return '`pip install` fetches packages from PyPI';
  }
  if (/^python[\d.]*$/.test(name) && words[index + 1] === '-m' && /^pip[\d.]*$/.test(words[index + 2] ?? '') && words.slice(index + 3).includes('install') && !words.includes('--no-index')) {
    return '`python -m pip install` fetches packages from PyPI';
  }
  if (/^(conda|mamba|micromamba)$/.test(name) && sub.word !== undefined) {
    const next = subcommand(words, sub.index + 1).word;
    if (['install', 'create', 'update', 'upgrade'].includes(sub.word) || (sub.word === 'env' && (next === 'create' || next === 'update'))) {
      return `\`${name} ${sub.word === 'env' ? `env ${next}` : sub.word}\` downloads packages from the channels`;
    }
  }
  if (/^(apt-get|apt|aptitude)$/.test(name) && ['install', 'update', 'upgrade', 'dist-upgrade', 'full-upgrade'].includes(sub.word ?? '')) {
    return `\`${name} ${sub.word}\` downloads from the distribution mirrors (and needs root)`;
  }
  if (/^(dnf|yum|microdnf|zypper|apk)$/.test(name) && ['install', 'in', 'update', 'up', 'upgrade', 'add', 'makecache'].includes(sub.word ?? '')) {
    return `\`${name} ${sub.word}\` downloads from the distribution mirrors (and needs root)`;
  }
  if (name === 'git' && (sub.word === 'clone' || sub.word === 'pull' || sub.word === 'fetch')) {
    return `\`git ${sub.word}\` fetches from a remote repository`;
  }
  if (name === 'spack' && sub.word === 'install') {
    return '`spack install` downloads and builds packages';
  }
  if ((name === 'curl' || name === 'wget') && words.slice(index + 1).some((word) => REMOTE_URL.test(word) && !LOCAL_URL.test(word))) {
    return `\`${name}\` downloads from the internet`;
  }
  if ((name === 'apptainer' || name === 'singularity') && (sub.word === 'pull' || ((sub.word === 'run' || sub.word === 'exec' || sub.word === 'shell' || sub.word === 'build') && words.some((word) => CONTAINER_URI.test(word))))) {
    return `\`${name} ${sub.word}\` pulls an image from a registry`;
  }
  if ((name === 'docker' || name === 'podman') && sub.word === 'pull') {
    return `\`${name} pull\` pulls an image from a registry`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-CACHE-001',
    name: 'no-downloads-at-start',
    category: 'caching',
    severity: 'error',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    docs: {
      summary: 'Entrypoints and runscripts must not download or install at container start (`pip install`, `git clone`, `curl`, `apptainer pull`…).',
      whatItDoes:
        'Looks at what runs when the container starts — `ENTRYPOINT`/`CMD` (shell form, and `sh -c "…"` in exec form), `%runscript`, `%startscript`, `%apprun`, `%appstart` — ' +
        'and reports package installs (`pip`/`conda`/`mamba install`, `apt-get`/`dnf`/`yum`/`apk`), `git clone`/`pull`, `curl`/`wget` of remote URLs, `spack install`, ' +
        '`apptainer`/`singularity pull` (or `run docker://…`) and `docker pull`.',
      whyHpc:
        'An MPI job starts the container once per rank: 4,096 ranks mean 4,096 simultaneous downloads from PyPI, GitHub or Docker Hub. The services rate-limit ' +
        '(Docker Hub allows 10 unauthenticated pulls per hour per IP; the old Singularity Hub capped containers at 100 pulls a week), compute nodes often have no ' +
        'internet route at all, and package managers need root, which the job does not have in a read-only SIF. The job fails or stalls at start, on some ranks only.',
      howToFix:
        'Do the download once, at build time: move the install into `RUN`/`%post`, clone at a pinned tag during the build, and pull images before submitting the job. ' +
        'Keep runtime data on the parallel file system and pass its path as an argument. No automatic fix: what must move and what depends on runtime arguments needs a human.',
      bad: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nCMD pip install -r requirements.txt && python train.py\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: python:3.12-slim\n\n%runscript\n    git clone https://github.com/org/model.git /tmp/model\n    exec python /tmp/model/run.py "$@"\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM python:3.12-slim\nCOPY requirements.txt /opt/app/\nRUN pip install --no-cache-dir -r /opt/app/requirements.txt\nCMD ["python", "/opt/app/train.py"]\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: python:3.12-slim\n\n%post\n    git clone --branch v1.2.0 https://github.com/org/model.git /opt/model\n\n%runscript\n    exec python /opt/model/run.py "$@"\n' },
      ],
      exceptions:
        'An `ENTRYPOINT` that runs a script copied from the build context (`ENTRYPOINT ["/entrypoint.sh"]`) cannot be inspected and is not reported. `curl`/`wget` of ' +
        '`localhost` (health checks, local services) and `pip install --no-index` (local wheels) are not reported. Images meant for a single interactive user that ' +
        'deliberately update themselves can silence the line with a pragma.',
      references: [
        'https://docs.docker.com/docker-hub/usage/',
        'https://singularityhub.github.io/singularityhub-docs/2019/security-release/',
        'https://apptainer.org/docs/user/main/definition_files.html',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'entrypoint') {
          continue;
        }
        for (const command of startCommands(recipe, step)) {
          const what = describeDownload(command);
          if (what) {
            context.report({
              range: command.range,
              message: `${what} every time the container starts (${step.keyword}${step.app ? ` ${step.app}` : ''}); with many ranks or nodes this floods the service, and compute nodes may have no internet — do it at build time.`,
            });
          }
        }
      }
    }
  },
});

/** Commands run at start; for exec form `["sh", "-c", "script"]` the script string is split too. */
function startCommands(recipe: Recipe, step: EntrypointStep): ShellCommand[] {
  const inner = step.form === 'exec' ? shellCScript(recipe, step.args) : undefined;
  return inner ? [...step.script.commands, ...inner.commands] : step.script.commands;
}

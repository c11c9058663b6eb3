// HPC-LIC-001: proprietary compiler SDKs / vendor MPIs in the final (published) image.
import { defineRule, type Severity } from '../../engine/rule';
import { PROPRIETARY_SDKS, type ProprietarySdk } from '../../knowledge/licensing';
import type { CopyStep, ImageRef, ShellCommand, Stage, Word } from '../../recipe/model';
import { effectiveWords } from '../util/commands';
import { publishSeverity } from '../util/licensing';
import { recipeMentions } from '../util/recipe-index';
import { baseName, finalStageChain, withShellCScriptsInstead } from '../util/source';
import docs from './no-proprietary-sdk-in-final-image.md';

type Product = ProprietarySdk;

const SDKS = PROPRIETARY_SDKS;
const INTEL = SDKS['intel-oneapi'];
const INTEL_PSXE = SDKS['intel-psxe'];
const NVHPC = SDKS['nvhpc'];
const CUDA = SDKS['cuda'];
const PGI = SDKS['pgi'];
const CRAY = SDKS['cray'];
const IBM = SDKS['ibm-mpi'];

const VAR = '[\\w.+${}-]*';
const PACKAGES: readonly { regex: RegExp; product: Product }[] = [
  { regex: new RegExp(`^intel-oneapi-(compiler|dpcpp-cpp-compiler|ifort|ifx|icc|hpckit|basekit|toolkit|mkl-devel|mkl-core-devel|mkl-sycl-devel|mpi-devel)${VAR}$`), product: INTEL },
  { regex: new RegExp(`^intel-(hpckit|basekit)${VAR}$`), product: INTEL },
  { regex: new RegExp(`^nvhpc(-${VAR})?$`), product: NVHPC },
  { regex: new RegExp(`^cuda-toolkit(-${VAR})?$`), product: CUDA },
  { regex: new RegExp(`^pgi(-${VAR})?$`), product: PGI },
  { regex: new RegExp(`^cray-${VAR}$`), product: CRAY },
  { regex: new RegExp(`^(ibm[-_]smpi|ibm-spectrum-mpi|platform[-_]mpi)${VAR}$`, 'i'), product: IBM },
];
/** Installer archives/scripts named in build commands. */
const INSTALLERS: readonly { regex: RegExp; product: Product }[] = [
  { regex: /parallel_studio_xe/i, product: INTEL_PSXE },
  { regex: /(^|\/)l_(HPCKit|BaseKit|fortran-compiler|dpcpp-cpp-compiler)_p_/i, product: INTEL },
  { regex: /(^|\/)nvhpc_20\d\d_/, product: NVHPC },
  { regex: /(^|\/)pgilinux-/, product: PGI },
  { regex: /(^|\/)(ibm_smpi|platform_mpi)[-_]/i, product: IBM },
];
/** Whole SDK trees copied into the final stage. */
const COPIED_TREES: readonly { regex: RegExp; product: Product }[] = [
  { regex: /^\/opt\/cray(\/|$)/, product: CRAY },
  { regex: /^\/opt\/intel(\/oneapi)?\/?$/, product: INTEL },
  { regex: /^\/opt\/nvidia(\/hpc_sdk)?\/?$/, product: NVHPC },
];
/** Necessary condition for any of INSTALLERS (all need `_` except `pgilinux-`): skips most words cheaply. */
function mayNameInstaller(value: string): boolean {
  return value.includes('_') || value.includes('pgilinux-');
}
/** Lowercase substrings one of which every PACKAGES, INSTALLERS and COPIED_TREES pattern needs. */
const SDK_KEYWORDS = ['intel', 'nvhpc', 'cuda-toolkit', 'pgi', 'cray', 'ibm', 'platform', 'parallel_studio_xe', '_p_', '/opt/nvidia'];
const INSTALL_MANAGERS = new Set(['apt-get', 'apt', 'aptitude', 'yum', 'dnf', 'microdnf', 'zypper', 'conda', 'mamba', 'micromamba', 'spack']);
const REMOVE_WORDS = new Set(['remove', 'purge', 'erase', 'autoremove', 'rm', 'uninstall']);

export default defineRule({
  meta: {
    code: 'HPC-LIC-001',
    name: 'no-proprietary-sdk-in-final-image',
    category: 'licensing',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    locality: 'step',
    fix: 'none',
  },
  docs,
  check(context) {
    const severity = publishSeverity(context.settings);
    if (!severity) {
      return;
    }
    const { recipe } = context;
    const chain = finalStageChain(recipe);
    const report = (word: Pick<Word, 'range'>, what: string, product: Product): void =>
      context.report({
        range: word.range,
        message: `${what} puts ${product.name} into the final image; ${product.terms ?? 'its licence allows redistributing only designated runtime files'} — ${product.instead}.`,
        severity: severity as Severity,
      });

    const root = chain[chain.length - 1];
    if (root) {
      checkBase(root, report);
    }
    if (!recipeMentions(recipe, SDK_KEYWORDS)) {
      return;
    }
    for (const stage of chain) {
      const removed = recipe.format === 'apptainer' ? removedIn(stage.steps.flatMap((step) => (step.kind === 'run' ? withShellCScriptsInstead(recipe, step.script.commands) : []))) : undefined;
      for (const step of stage.steps) {
        if (step.kind === 'copy') {
          checkCopy(step, report);
        }
        if (step.kind !== 'run') {
          continue;
        }
        const commands = withShellCScriptsInstead(recipe, step.script.commands);
        const gone = removed ?? removedIn(commands);
        const seen = new Set<Product>();
        for (const command of commands) {
          const words = effectiveWords(command);
          const manager = baseName(words[0]?.value ?? '');
          if (INSTALL_MANAGERS.has(manager) && words.some((word) => word.value === 'install' || word.value === 'add' || word.value === 'in')) {
            for (const word of words.slice(1)) {
              const name = word.value.replace(/[=<>~@].*$/, '').replace(/^[\w.-]+::/, '');
              const found = PACKAGES.find((pattern) => pattern.regex.test(name));
              if (found && !/runtime/.test(name) && !isRemoved(name, gone)) {
                report(word, `Installing \`${name}\``, found.product);
              }
            }
            continue;
          }
          for (const word of words) {
            if (!mayNameInstaller(word.value)) {
              continue;
            }
            const found = INSTALLERS.find((pattern) => pattern.regex.test(word.value));
            if (found && !seen.has(found.product)) {
              seen.add(found.product);
              report(word, `The installer \`${baseName(word.value)}\``, found.product);
            }
          }
        }
      }
    }
  },
});

type Reporter = (word: Pick<Word, 'range'>, what: string, product: Product) => void;

function checkBase(stage: Stage, report: Reporter): void {
  const image = stage.base.image;
  if (!image) {
    return;
  }
  const repository = image.repository.replace(/^library\//, '').toLowerCase();
  const tag = (image.tag ?? '').toLowerCase();
  const fromNvidia = image.registry === undefined || image.registry === 'docker.io' || image.registry === 'nvcr.io';
  if (fromNvidia && repository === 'nvidia/cuda' && tag.includes('devel')) {
    report(image, `The base image \`${shown(image)}\``, CUDA);
  } else if (fromNvidia && repository === 'nvidia/nvhpc' && tag.includes('devel')) {
    report(image, `The base image \`${shown(image)}\``, NVHPC);
  } else if ((image.registry === undefined || image.registry === 'docker.io') && /^intel\/oneapi-(hpckit|basekit)$/.test(repository)) {
    report(image, `The base image \`${shown(image)}\``, INTEL);
  }
}

/** The image as written, or the resolved reference when written with variables (`${BASE_IMAGE}`). */
function shown(image: ImageRef): string {
  if (!image.raw.includes('$')) {
    return image.raw;
  }
  return `${image.registry ? `${image.registry}/` : ''}${image.repository}${image.tag ? `:${image.tag}` : ''}`;
}

function checkCopy(step: CopyStep, report: Reporter): void {
  for (const source of step.sources) {
    const found = COPIED_TREES.find((pattern) => pattern.regex.test(source.value));
    if (found) {
      report(source, `${step.keyword} of \`${source.value}\``, found.product);
    }
  }
}

function isRemoveVerb(word: Word): boolean {
  return REMOVE_WORDS.has(word.value) || word.value === '-e' || word.value === '--purge' || word.value === '-P';
}

/** Package names/globs removed by `apt-get purge|remove`, `yum|dnf remove` … in `commands`. */
function removedIn(commands: readonly ShellCommand[]): string[] {
  const names: string[] = [];
  for (const command of commands) {
    const words = effectiveWords(command);
    const manager = baseName(words[0]?.value ?? '');
    if (!INSTALL_MANAGERS.has(manager) && manager !== 'rpm' && manager !== 'dpkg') {
      continue;
    }
    const verb = words.findIndex(isRemoveVerb);
    if (verb >= 0) {
      names.push(...words.slice(verb + 1).filter((word) => !word.value.startsWith('-')).map((word) => word.value));
    }
  }
  return names;
}

function isRemoved(name: string, removed: readonly string[]): boolean {
  return removed.some((pattern) => pattern === name || (pattern.includes('*') && new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`).test(name)));
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}


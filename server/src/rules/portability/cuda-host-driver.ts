// HPC-PORT-008: the image's CUDA version needs a minimum NVIDIA driver branch on the compute nodes.
import { CONDA_CUDA, CUDA_COMPAT, CUDA_PACKAGE, CUDA_RUNFILE, cudaOfImage, driverRequirement, NOT_A_TOOLKIT, SPACK_CUDA } from '../../knowledge/cuda';
import { defineRule } from '../../engine/rule';
import type { Range, ShellCommand, Word } from '../../recipe/model';
import { CommandTable } from '../../recipe/command-table';
import { allScripts } from '../../recipe/query';
import { effectiveName, effectiveWords, installedPackages } from '../util/commands';
import { expandedBase, isStageReference } from '../util/base-image';
import { baseName, isShipped } from '../util/source';
import docs from './cuda-host-driver.md';
import type { RuleContext } from '../../engine/rule';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { cudaVerdicts } from '../../site/cuda';
import type { Site } from '../../site/profile';

interface CudaUse {
  version: string;
  range: Range;
  source: string;
  /** In the final image (the last stage and the stages it builds on), not only in a build stage. */
  shipped: boolean;
}

function installVersions(command: ShellCommand): { version: string; word: Word }[] {
  const found: { version: string; word: Word }[] = [];
  for (const installed of installedPackages(command)) {
    if (installed.manager === 'conda') {
      const match = CONDA_CUDA.exec(installed.word.value);
      if (match) {
        found.push({ version: `${match[2]}.${match[3]}`, word: installed.word });
      }
      continue;
    }
    const match = installed.manager === 'apk' || NOT_A_TOOLKIT.test(installed.name) ? null : CUDA_PACKAGE.exec(installed.name);
    if (match) {
      found.push({ version: `${match[2]}.${match[3]}`, word: installed.word });
    }
  }
  const words = effectiveWords(command);
  const name = effectiveName(command);
  const candidates = /^(sh|bash)$/.test(name) ? words.slice(1, 2) : name === 'spack' ? words.slice(2) : words.slice(0, 1);
  for (const word of candidates) {
    const match = CUDA_RUNFILE.exec(baseName(word.value)) ?? (name === 'spack' ? SPACK_CUDA.exec(word.value) : null);
    if (match) {
      found.push({ version: `${match[1]}.${match[2]}`, word });
    }
  }
  return found;
}

/** What one command says about CUDA: the `cuda-compat` versions it installs, and the toolkits it installs (`installVersions`). */
export interface CommandCuda {
  compat: readonly string[];
  installs: readonly { version: string; word: Word }[];
}

const NO_CUDA: CommandCuda = { compat: [], installs: [] };

/** `CommandCuda` found again (exported for the test that compares it with the kept one). */
export function commandCuda(command: ShellCommand): CommandCuda {
  const compat: string[] = [];
  for (const installed of installedPackages(command)) {
    const match = CUDA_COMPAT.exec(installed.name);
    if (match) {
      compat.push(`${match[1]}.${match[2]}`);
    }
  }
  const installs = installVersions(command);
  return compat.length === 0 && installs.length === 0 ? NO_CUDA : { compat, installs };
}

/** Kept per command in a lint with a memo (shared: never mutate). */
const CUDA_BY_COMMAND = new CommandTable((command) => commandCuda(command));

function driverAdvice(version: string): string | undefined {
  const major = version.split('.')[0];
  const { full: toolkit, minor: minimum } = driverRequirement(version);
  if (minimum !== undefined) {
    const full = toolkit !== undefined && toolkit > minimum ? ` (features such as JIT-compiling PTX from this toolkit need ≥${toolkit})` : '';
    return `an NVIDIA driver of branch ≥${minimum} on the compute nodes (CUDA ${major}.x minor-version compatibility)${full}`;
  }
  if (toolkit !== undefined) {
    return `an NVIDIA driver of branch ≥${toolkit} on the compute nodes (CUDA ${major}.x has no minor-version compatibility)`;
  }
  return undefined;
}

/** With site profiles: the CUDA version against each site's NVIDIA driver (no finding where it simply runs). */
function checkOnSites(context: RuleContext, sites: readonly Site[], use: CudaUse): void {
  const major = use.version.split('.')[0];
  const { full, minor } = driverRequirement(use.version);
  for (const verdict of cudaVerdicts(sites, { full, minor })) {
    const { site } = verdict;
    const cuda = `CUDA ${use.version} (${use.source})`;
    switch (verdict.status) {
      case 'too-old': {
        const needs = minor !== undefined ? `≥${minor} (CUDA ${major}.x minor-version compatibility)` : `≥${full}`;
        context.report({
          range: use.range,
          severity: 'error',
          message: onSite(
            site,
            `${cuda} needs an NVIDIA driver of branch ${needs}, but partition ${verdict.partition.name} runs ${verdict.driver}: the first CUDA call fails with ` +
              '`CUDA driver version is insufficient for CUDA runtime version`. Use a CUDA release this driver supports, or the `cuda-compat` forward-compatibility package on data-centre GPUs.',
          ),
          site: siteFact(site, `partition ${verdict.partition.name}: NVIDIA driver ${verdict.driver}`, `partitions.${verdict.partition.name}.gpus.driver`),
        });
        break;
      }
      case 'minor':
        context.report({
          range: use.range,
          message: onSite(
            site,
            `${cuda} runs on driver ${verdict.driver} of partition ${verdict.partition.name} under minor-version compatibility (≥${minor}), but code that JIT-compiles ` +
              `PTX from this toolkit needs ≥${full}: ship cubins for the site's GPUs (\`-gencode …code=sm_XY\`).`,
          ),
          site: siteFact(site, `partition ${verdict.partition.name}: NVIDIA driver ${verdict.driver}`, `partitions.${verdict.partition.name}.gpus.driver`),
        });
        break;
      case 'no-nvidia':
        context.report({
          range: use.range,
          severity: 'warning',
          message: onSite(site, `no partition has an NVIDIA GPU, so ${cuda} has nothing to run on there. Check that this image is meant for this site.`),
          site: siteFact(site, `partitions: ${site.partitions.map((partition) => partition.name).join(', ')} (no NVIDIA GPUs)`, 'partitions'),
        });
        break;
      case 'unknown-driver':
        context.report({
          range: use.range,
          message: onSite(site, `${cuda} needs ${driverAdvice(use.version)}; the site profile gives no driver for partition ${verdict.partition.name}: check \`nvidia-smi\` there.`),
          site: siteFact(site, `partition ${verdict.partition.name}: NVIDIA GPU, driver not in the profile`, `partitions.${verdict.partition.name}.gpus`),
        });
        break;
      default:
        break;
    }
  }
}

export default defineRule({
  meta: {
    code: 'HPC-PORT-008',
    name: 'cuda-host-driver',
    category: 'portability',
    severity: 'info',
    formats: ['dockerfile', 'apptainer'],
    fix: 'none',
    interests: { keywords: ['cuda', 'nvcr.io'] },
  },
  docs,
  check(context) {
    const { recipe } = context;
    const uses: CudaUse[] = [];
    const reported = new Set<string>();
    for (const stage of recipe.stages) {
      if (isStageReference(recipe, stage)) {
        continue;
      }
      const reference = expandedBase(recipe, stage);
      const version = reference === undefined ? undefined : cudaOfImage(reference);
      if (version) {
        const raw = (stage.base.image?.raw ?? stage.base.raw).replace(/^"(.*)"$/, '$1');
        uses.push({ version, range: stage.base.image?.range ?? stage.base.range, source: raw === reference ? `\`${raw}\`` : `\`${raw}\` = \`${reference}\``, shipped: isShipped(recipe, stage) });
      }
    }
    const cudaOf = CUDA_BY_COMMAND.reader(recipe);
    for (const { script, step, stage } of allScripts(recipe)) {
      if (step.kind !== 'run') {
        continue;
      }
      for (const command of script.commands) {
        const { compat, installs } = cudaOf(command);
        for (const version of compat) {
          reported.add(version); // forward compatibility: the driver requirement differs
        }
        for (const { version, word } of installs) {
          uses.push({ version, range: word.range, source: `\`${baseName(word.value)}\``, shipped: stage !== undefined && isShipped(recipe, stage) });
        }
      }
    }
    const sites = activeSites(context.settings);
    for (const use of uses.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character)) {
      const advice = driverAdvice(use.version);
      if (!advice || reported.has(use.version)) {
        continue;
      }
      if (sites.length > 0) {
        if (use.shipped) {
          reported.add(use.version);
          checkOnSites(context, sites, use); // a build stage's CUDA never runs on the site
        }
        continue;
      }
      reported.add(use.version);
      context.report({
        range: use.range,
        message: `CUDA ${use.version} (${use.source}) needs ${advice}. No site profile says which driver your nodes run: check \`nvidia-smi\` on the compute nodes.`,
      });
    }
  },
});

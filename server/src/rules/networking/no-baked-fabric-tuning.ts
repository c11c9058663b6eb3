// HPC-NET-001: host/fabric-specific runtime tuning (interface names, HCAs, forced transports) baked into the image.
import { defineRule, type Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { EnvStep, KeyValue, Range, Recipe, ShellCommand, Word } from '../../recipe/model';
import { effectiveName } from '../util/commands';
import { outputRedirectTargets } from '../util/entry';
import { finalStageChain, offsetOf, rangeInWord, rangeOf } from '../util/source';
import docs from './no-baked-fabric-tuning.md';

interface TuningPattern {
  name: RegExp;
  /** The value that makes the setting host-specific; any non-empty value when absent. */
  value?: RegExp;
  what: string;
  /** Read only by one vendor's library, inert on other fabrics: advice, not a likely failure. */
  vendorOnly?: boolean;
}

const PATTERNS: readonly TuningPattern[] = [
  { name: /_IF_INCLUDE$|_IF_EXCLUDE$|_SOCKET_IFNAME$|^I_MPI_HYDRA_IFACE$/i, what: 'names a network interface of one host' },
  { name: /^UCX_NET_DEVICES$/, value: /^(?!all$)/, what: 'names network devices of one host' },
  { name: /^NCCL_IB_HCA$/, what: 'names the InfiniBand adapters of one host' },
  { name: /_GID_INDEX$/i, what: 'selects a RoCE GID index of one fabric' },
  { name: /^OMPI_MCA_btl$/, value: /^(?!\^).*\btcp\b/, what: 'forces Open MPI onto TCP' },
  { name: /^OMPI_MCA_pml$/, value: /^ob1$/, what: 'forces Open MPI\'s ob1 PML (no UCX)' },
  { name: /^UCX_TLS$/, value: /^(?!all$)/, what: 'restricts UCX to fixed transports' },
  { name: /^FI_PROVIDER$/, what: 'forces one libfabric provider' },
  { name: /^I_MPI_FABRICS$/, what: 'forces Intel MPI fabrics' },
  { name: /^NCCL_IB_DISABLE$/, value: /^1$/, what: 'switches NCCL off InfiniBand' },
  { name: /^MPICH_GPU_SUPPORT_ENABLED$/, what: 'is a Cray MPICH run-time switch' },
  { name: /^PSM3_NIC$/, what: 'names the NIC of one host for Intel\'s PSM3 provider' },
  { name: /^FI_CXI_/, what: 'tunes the Slingshot (cxi) provider', vendorOnly: true },
  { name: /^PSM2_/, what: 'tunes the Omni-Path PSM2 library', vendorOnly: true },
  { name: /^PSM3_/, what: 'tunes Intel\'s PSM3 provider', vendorOnly: true },
];

const ENVIRONMENT_FILE = /^\$\{?(APPTAINER|SINGULARITY)_ENVIRONMENT\}?$|^\/\.singularity\.d\/env\/[^/]+\.sh$/;
const ASSIGNMENT = /(?:^|[\s;'"])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;'"]*)/g;

function matchTuning(name: string, value: string): TuningPattern | undefined {
  if (value === '') {
    return undefined;
  }
  return PATTERNS.find((pattern) => pattern.name.test(name) && (pattern.value === undefined || pattern.value.test(value)));
}

function message(name: string, value: string, pattern: TuningPattern, where: string): string {
  if (pattern.vendorOnly) {
    return (
      `\`${name}=${value}\` ${pattern.what} and is baked into the image (${where}); other fabrics ignore it, but it carries one system's tuning ` +
      'to every system that runs the image. Set it in the job script or the site module of the system that needs it.'
    );
  }
  return (
    `\`${name}=${value}\` ${pattern.what} and is baked into the image (${where}); on another cluster, another partition or under a different network ` +
    'namespace it picks a missing device or a slow transport. Set it in the job script instead.'
  );
}

interface Baked {
  range: Range;
  name: string;
  value: string;
  pattern: TuningPattern;
  where: string;
  fix?: Fix;
}

/** `# set in the job script: …` for a single-variable ENV instruction or `%environment` line. */
function commentOutFix(recipe: Recipe, step: EnvStep, pair: KeyValue): Fix | undefined {
  if (recipe.format === 'dockerfile') {
    if (step.pairs.length !== 1 || step.range.start.line !== step.range.end.line) {
      return undefined;
    }
    const text = recipe.text.slice(offsetOf(recipe, step.range.start), offsetOf(recipe, step.range.end));
    return unsafeFix('Comment out (set it in the job script)', replace(step.range, `# set in the job script: ${text}`));
  }
  const lineStart = offsetOf(recipe, { line: pair.range.start.line, character: 0 });
  const lineEnd = recipe.text.indexOf('\n', lineStart);
  const line = recipe.text.slice(lineStart, lineEnd < 0 ? recipe.text.length : lineEnd);
  const pairText = recipe.text.slice(offsetOf(recipe, pair.range.start), offsetOf(recipe, pair.range.end));
  const code = line.trim();
  if (code !== pairText && code !== `export ${pairText}`) {
    return undefined;
  }
  const indent = line.length - line.trimStart().length;
  const range = rangeOf(recipe, lineStart + indent, lineStart + indent + code.length);
  return unsafeFix('Comment out (set it in the job script)', replace(range, `# set in the job script: ${code}`));
}

/** `echo 'export NCCL_SOCKET_IFNAME=ib0' >> $APPTAINER_ENVIRONMENT` in `%post` (or `>> /.singularity.d/env/91-environment.sh` in a RUN). */
function environmentFileWrites(recipe: Recipe, command: ShellCommand): { word: Word; name: string; value: string; start: number; end: number }[] {
  const program = effectiveName(command);
  if ((program !== 'echo' && program !== 'printf') || !outputRedirectTargets(recipe, command).some((target) => ENVIRONMENT_FILE.test(target))) {
    return [];
  }
  const found: { word: Word; name: string; value: string; start: number; end: number }[] = [];
  for (const word of command.words.slice(1)) {
    for (const match of word.text.matchAll(ASSIGNMENT)) {
      const value = match[2].replace(/^["']|["']$/g, '');
      const start = (match.index ?? 0) + match[0].indexOf(match[1]);
      found.push({ word, name: match[1], value, start, end: start + match[1].length + 1 + match[2].length });
    }
  }
  return found;
}

export default defineRule({
  meta: {
    code: 'HPC-NET-001',
    name: 'no-baked-fabric-tuning',
    category: 'networking',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
    // The variable names of PATTERNS (lower case): every finding names one.
    interests: {
      keywords: ['_if_include', '_if_exclude', '_socket_ifname', 'i_mpi_hydra_iface', 'ucx_net_devices', 'nccl_ib', '_gid_index', 'ompi_mca_btl', 'ompi_mca_pml', 'ucx_tls', 'fi_provider', 'i_mpi_fabrics', 'mpich_gpu_support_enabled', 'fi_cxi_', 'psm2_', 'psm3_'],
    },
  },
  docs,
  check(context) {
    // One finding per setting: an ENV and its copy echoed into /.singularity.d/env are the same root cause.
    const bySetting = new Map<string, Baked[]>();
    for (const baked of bakedSettings(context.recipe)) {
      const key = `${baked.name}=${baked.value}`;
      bySetting.set(key, [...(bySetting.get(key) ?? []), baked]);
    }
    for (const [first, ...copies] of bySetting.values()) {
      const also = copies.length === 0 ? '' : ` (Also set on line${copies.length > 1 ? 's' : ''} ${copies.map((copy) => copy.range.start.line + 1).join(', ')}.)`;
      context.report({
        range: first.range,
        ...(first.pattern.vendorOnly ? { severity: 'info' as const } : {}),
        message: message(first.name, first.value, first.pattern, first.where) + also,
        // Commenting out one copy would leave the setting in the image: no fix when it is set more than once.
        fixes: first.fix && copies.length === 0 ? [first.fix] : undefined,
      });
    }
  },
});

function bakedSettings(recipe: Recipe): Baked[] {
  const found: Baked[] = [];
  for (const stage of finalStageChain(recipe)) {
    for (const step of stage.steps) {
      if (step.kind === 'env') {
        for (const pair of step.pairs) {
          const value = pair.value?.value.trim() ?? '';
          const pattern = matchTuning(pair.key.value, value);
          if (pattern) {
            found.push({ range: pair.range, name: pair.key.value, value, pattern, where: step.keyword, fix: commentOutFix(recipe, step, pair) });
          }
        }
        continue;
      }
      if (step.kind !== 'run' || /^%setup$/i.test(step.keyword)) {
        continue;
      }
      for (const command of step.script.commands) {
        for (const write of environmentFileWrites(recipe, command)) {
          const pattern = matchTuning(write.name, write.value);
          if (pattern) {
            found.push({
              range: rangeInWord(recipe, write.word, write.start, write.end),
              name: write.name,
              value: write.value,
              pattern,
              where: `written to the container environment in ${step.keyword}`,
            });
          }
        }
      }
    }
  }
  return found;
}

// HPC-NET-001: host/fabric-specific runtime tuning (interface names, HCAs, forced transports) baked into the image.
import { defineRule, type Fix } from '../../engine/rule';
import type { EnvStep, KeyValue, Recipe, ShellCommand, Word } from '../../recipe/model';
import { effectiveName } from '../util/commands';
import { outputRedirectTargets } from '../util/entry';
import { finalStageChain, offsetOf, rangeInWord, rangeOf } from '../util/source';

interface TuningPattern {
  name: RegExp;
  /** The value that makes the setting host-specific; any non-empty value when absent. */
  value?: RegExp;
  what: string;
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
  { name: /^FI_CXI_/, what: 'tunes the Slingshot (cxi) provider' },
  { name: /^PSM2_/, what: 'tunes the Omni-Path PSM2 library' },
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
  return (
    `\`${name}=${value}\` ${pattern.what} and is baked into the image (${where}); on another cluster, another partition or under a different network ` +
    'namespace it picks a missing device or a slow transport. Set it in the job script instead.'
  );
}

/** `# set in the job script: …` for a single-variable ENV instruction or `%environment` line. */
function commentOutFix(recipe: Recipe, step: EnvStep, pair: KeyValue): Fix | undefined {
  if (recipe.format === 'dockerfile') {
    if (step.pairs.length !== 1 || step.range.start.line !== step.range.end.line) {
      return undefined;
    }
    const text = recipe.text.slice(offsetOf(recipe, step.range.start), offsetOf(recipe, step.range.end));
    return { title: 'Comment out (set it in the job script)', safe: false, edits: [{ range: step.range, newText: `# set in the job script: ${text}` }] };
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
  return { title: 'Comment out (set it in the job script)', safe: false, edits: [{ range, newText: `# set in the job script: ${code}` }] };
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
    docs: {
      summary: 'Host- or fabric-specific MPI/NCCL/UCX/libfabric settings (interface names, HCAs, forced transports) belong in the job script, not in the image.',
      whatItDoes:
        'In the final image reports `ENV`/`%environment` settings, and `RUN`/`%post` lines that append `export …` to `$APPTAINER_ENVIRONMENT`/`$SINGULARITY_ENVIRONMENT` or `/.singularity.d/env/*.sh`, of: ' +
        'interface names (`*_IF_INCLUDE`, `*_IF_EXCLUDE`, `*_SOCKET_IFNAME`, `I_MPI_HYDRA_IFACE`), devices (`UCX_NET_DEVICES` other than `all`, `NCCL_IB_HCA`, `*_GID_INDEX`), ' +
        'transport forcing (`OMPI_MCA_btl` containing `tcp`, `OMPI_MCA_pml=ob1`, `UCX_TLS` other than `all`, `FI_PROVIDER`, `I_MPI_FABRICS`, `NCCL_IB_DISABLE=1`) and vendor ' +
        'run-time switches (`MPICH_GPU_SUPPORT_ENABLED`, `FI_CXI_*`, `PSM2_*`). Empty values are ignored.',
      whyHpc:
        'These values describe one machine: `NCCL_SOCKET_IFNAME=ib0` or `OMPI_MCA_btl_tcp_if_include=eth0` name interfaces that do not exist on the next cluster ' +
        '(or inside Docker\'s bridge network), so jobs hang at start-up or fail with "no usable interface"; `UCX_NET_DEVICES=mlx5_0:1` and `NCCL_IB_HCA` pick adapters by name; ' +
        '`OMPI_MCA_btl=tcp,self`, `UCX_TLS=tcp` or `NCCL_IB_DISABLE=1` silently push all traffic over TCP and make multi-node runs many times slower on an InfiniBand or ' +
        'Slingshot system; `FI_CXI_*`, `PSM2_*` and `MPICH_GPU_SUPPORT_ENABLED` only mean something on one vendor\'s fabric. Baked into the image they apply to every run ' +
        'everywhere, and users rarely think of looking for them there.',
      howToFix:
        'Export such settings in the job script (`export NCCL_SOCKET_IFNAME=hsn` before `srun apptainer exec …`, or `apptainer exec --env NAME=value`), or in a site module; ' +
        'keep them in the recipe only as a commented example. The quick fix comments the line out with `# set in the job script:` when the `ENV` instruction or ' +
        '`%environment` line holds just that one variable; it is unsafe because runs that relied on it change behaviour.',
      bad: [
        { format: 'dockerfile', code: 'FROM nvcr.io/nvidia/pytorch:24.05-py3\nENV NCCL_SOCKET_IFNAME=ib0\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export OMPI_MCA_btl=tcp,self\n' },
      ],
      good: [
        { format: 'dockerfile', code: 'FROM nvcr.io/nvidia/pytorch:24.05-py3\n# set in the job script: NCCL_SOCKET_IFNAME=ib0\nENV OMPI_MCA_btl_vader_single_copy_mechanism=none\n' },
        { format: 'apptainer', code: 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%environment\n    export UCX_NET_DEVICES=all\n' },
      ],
      exceptions:
        'Images built for exactly one system (a site\'s own base image) may carry its settings; silence with `# hpclint ignore=HPC-NET-001 -- site image`. ' +
        'Settings that only work around container limitations (`OMPI_MCA_btl_vader_single_copy_mechanism=none`, `OMPI_ALLOW_RUN_AS_ROOT`) are not reported. ' +
        'Builder stages the final image does not build on are not checked.',
      references: [
        'https://docs.open-mpi.org/en/main/tuning-apps/networking/tcp.html',
        'https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html',
        'https://openucx.readthedocs.io/en/master/faq.html',
        'https://apptainer.org/docs/user/main/mpi.html',
      ],
    },
  },
  check(context) {
    const { recipe } = context;
    for (const stage of finalStageChain(recipe)) {
      for (const step of stage.steps) {
        if (step.kind === 'env') {
          for (const pair of step.pairs) {
            const value = pair.value?.value.trim() ?? '';
            const pattern = matchTuning(pair.key.value, value);
            if (pattern) {
              const fix = commentOutFix(recipe, step, pair);
              context.report({ range: pair.range, message: message(pair.key.value, value, pattern, step.keyword), fixes: fix ? [fix] : undefined });
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
              context.report({
                range: rangeInWord(recipe, write.word, write.start, write.end),
                message: message(write.name, write.value, pattern, `written to the container environment in ${step.keyword}`),
              });
            }
          }
        }
      }
    }
  },
});

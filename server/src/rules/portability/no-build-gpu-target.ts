// HPC-PORT-003: GPU code compiled for the GPU of the build machine (`-arch=native`, `CMAKE_CUDA_ARCHITECTURES=native`, …).
import { defineRule, type Fix } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import type { ShellCommand, Word } from '../../recipe/model';
import { allScripts } from '../../recipe/query';
import { assignmentsAndWords } from '../util/commands';
import { recipeMentions } from '../util/recipe-index';
import { oncePerRange, rangeInWord } from '../util/source';
import docs from './no-build-gpu-target.md';
import type { RuleContext } from '../../engine/rule';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { describeCode, gpuTargetsOfWords, partitionsWithoutCode, siteGpuTargets, type GpuTargets } from '../../site/gpu';
import type { Site } from '../../site/profile';

interface NativePattern {
  regex: RegExp;
  /** Index of the capture group holding `native`/`ccnative` and its portable replacement (unsafe fix). */
  replacement?: string;
  what: string;
}

const PATTERNS: readonly NativePattern[] = [
  { regex: /(?<![\w-])(?:-arch|--gpu-architecture)[= ](native)(?![\w-])/g, replacement: 'all-major', what: 'nvcc' },
  { regex: /(?<![\w])(?:-D)?(?:CMAKE_CUDA_ARCHITECTURES|CUDAARCHS)(?::STRING)?=["']?(native)(?![\w-])/g, replacement: 'all-major', what: 'CMake' },
  { regex: /(?<![\w])(?:-D)?CMAKE_HIP_ARCHITECTURES(?::STRING)?=["']?(native)(?![\w-])/g, what: 'CMake (HIP)' },
  { regex: /(?<![\w-])--offload-arch=(native)(?![\w-])/g, what: 'the offloading compiler' },
  { regex: /(?<![\w-])-gpu=(?:[\w.]+,)*(ccnative)(?![\w-])/g, replacement: 'ccall', what: 'the NVIDIA HPC SDK' },
];

const KEYWORDS = ['native', 'kokkos_enable_cuda'];
const GPU_KOKKOS_ARCH = /^-DKokkos_ARCH_(KEPLER|MAXWELL|PASCAL|VOLTA|TURING|AMPERE|ADA|HOPPER|BLACKWELL|AMD_GFX|VEGA|NAVI|INTEL_GEN|INTEL_DG|INTEL_PVC|INTEL_XE)\w*=/i;
const WHY =
  'build machines often have no GPU or a different one, so the kernels fail on the compute nodes with `no kernel image is available for execution on the device` ' +
  '(or the build fails where no GPU is present)';

export default defineRule({
  meta: {
    code: 'HPC-PORT-003',
    name: 'no-build-gpu-target',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    locality: 'command',
    fix: 'unsafe',
  },
  docs,
  check(original) {
    const context = oncePerRange(original); // one finding per flag, not per `$(…)` nesting level
    const { recipe } = context;
    const sites = activeSites(context.settings);
    if (sites.some((site) => site.partitions.some((partition) => partition.gpus?.length))) {
      checkTargetsOnSites(context, sites);
    }
    if (!recipeMentions(recipe, KEYWORDS)) {
      return; // every pattern, the `-arch native` pair and the CMake variables need `native`; the Kokkos check needs its CUDA option
    }
    for (const { script, step } of allScripts(recipe)) {
      if (step.kind === 'env') {
        continue; // checked through its pairs
      }
      for (const command of script.commands) {
        const words = assignmentsAndWords(command);
        for (const word of words) {
          scanWord(context, word);
        }
        checkArchNative(context, words);
        checkKokkos(context, command);
      }
    }
    for (const step of [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)]) {
      if (step.kind === 'env' || step.kind === 'arg') {
        for (const pair of step.pairs) {
          if (pair.value && /^(CMAKE_CUDA_ARCHITECTURES|CUDAARCHS|CMAKE_HIP_ARCHITECTURES)$/.test(pair.key.value) && pair.value.value.trim() === 'native') {
            context.report({
              range: pair.range,
              message: `\`${pair.key.value}=native\` makes CMake compile GPU code for the GPU of the build machine; ${WHY}. List the target architectures explicitly.`,
              fixes: pair.key.value === 'CMAKE_HIP_ARCHITECTURES' ? [] : [unsafeFix('Replace `native` with `all-major` (larger binaries, longer builds)', replace(pair.value.range, 'all-major'))],
            });
          } else if (pair.value) {
            scanWord(context, pair.value);
          }
        }
      }
    }
  },
});

/** Reports the `native` patterns in one word (a command word or a pair's value). */
function scanWord(context: RuleContext, word: Word): void {
  for (const pattern of PATTERNS) {
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(word.text); match; match = pattern.regex.exec(word.text)) {
      const start = match.index;
      const range = rangeInWord(context.recipe, word, start, start + match[0].length);
      const fixes: Fix[] = [];
      if (pattern.replacement) {
        const at = start + match[0].lastIndexOf(match[1]);
        fixes.push(unsafeFix(`Replace \`${match[1]}\` with \`${pattern.replacement}\` (larger binaries, longer builds)`, replace(rangeInWord(context.recipe, word, at, at + match[1].length), pattern.replacement)));
      }
      context.report({
        range,
        message: `\`${match[0]}\` makes ${pattern.what} compile GPU code for the GPU of the build machine; ${WHY}. List the target architectures explicitly.`,
        fixes,
      });
    }
  }
}

/** `-arch native` written as two words. */
function checkArchNative(context: RuleContext, words: readonly Word[]): void {
  for (let i = 0; i + 1 < words.length; i++) {
    const word = words[i];
    const next = words[i + 1];
    if (/^(-arch|--gpu-architecture|-gpu-architecture)$/.test(word.value) && next.value === 'native') {
      context.report({
        range: { start: word.range.start, end: next.range.end },
        message: `\`${word.value} native\` makes nvcc compile GPU code for the GPU of the build machine; ${WHY}. List the target architectures explicitly.`,
        fixes: [unsafeFix('Replace `native` with `all-major` (larger binaries, longer builds)', replace(next.range, 'all-major'))],
      });
    }
  }
}

/** Words and values that name GPU targets (the site check only looks at commands and pairs that have one). */
const TARGET_WORD = /^(?:-arch|--gpu-architecture|-gpu-architecture|-gencode|--generate-code|--offload-arch|--cuda-gpu-arch|--amdgpu-target|(?:-D)?(?:CMAKE_CUDA_ARCHITECTURES|CUDAARCHS|TORCH_CUDA_ARCH_LIST|CMAKE_HIP_ARCHITECTURES|AMDGPU_TARGETS|GPU_TARGETS|HIP_ARCHITECTURES)(?::STRING)?)(=|$)/;
const TARGET_TEXT = /arch|gencode|TARGETS/i;
const TARGET_KEYWORDS = ['arch', 'gencode', 'targets'];

/** With GPU partitions in a site profile: build targets that leave a partition without code it can run are errors. */
function checkTargetsOnSites(context: RuleContext, sites: readonly Site[]): void {
  const { recipe } = context;
  if (!recipeMentions(recipe, TARGET_KEYWORDS)) {
    return;
  }
  const wanted = siteGpuTargets(sites);
  /** `valuePrefix`: for `ENV KEY=value` pairs the word is the value, presented as `KEY=value`. */
  const check = (words: readonly Word[], valuePrefix = ''): void => {
    const first = words.find((word) => TARGET_WORD.test(word.value));
    if (!first) {
      return;
    }
    const targets = gpuTargetsOfWords(words.map((word) => word.value));
    if (!targets) {
      return;
    }
    for (const site of sites) {
      const failing = partitionsWithoutCode(site, targets);
      if (failing.length === 0) {
        continue;
      }
      const embedded = [...targets.nvidia.map(describeCode), ...targets.amd].join(', ');
      const partitions = failing.map(({ partition, gpu, label }) => `${partition.name} (${gpu.model ?? gpu.vendor} ${gpu.vendor === 'nvidia' ? `compute capability ${label}` : label})`);
      const fix = targetFix(first, targets, wanted)?.slice(valuePrefix.length);
      context.report({
        range: first.range,
        message: onSite(
          site,
          `the GPU code built here (${embedded}) cannot run on partition${failing.length === 1 ? '' : 's'} ${partitions.join(', ')}: ` +
            `${failing.every(({ gpu }) => gpu.vendor === 'amd') ? 'the program stops with `hipErrorNoBinaryForGpu` (no code object for the device)' : 'kernels fail with `no kernel image is available for execution on the device`'}. ${buildFor(siteGpuTargets([site]), failing)}`,
        ),
        severity: 'error',
        fixes: fix ? [unsafeFix(`Replace \`${first.value.slice(valuePrefix.length)}\` with \`${fix}\` (the site's GPUs)`, replace(first.range, fix))] : [],
        site: siteFact(site, `partition ${failing[0].partition.name}: ${failing[0].gpu.model ?? failing[0].gpu.vendor} ${failing[0].label}`, `partitions.${failing[0].partition.name}.gpus`),
      });
    }
  };
  for (const { script, step } of allScripts(recipe)) {
    if (step.kind === 'env') {
      continue;
    }
    for (const command of script.commands) {
      const words = assignmentsAndWords(command);
      if (words.some((word) => TARGET_TEXT.test(word.value))) {
        check(words);
      }
    }
  }
  for (const step of [...recipe.globalArgs, ...recipe.stages.flatMap((stage) => stage.steps)]) {
    if (step.kind === 'env' || step.kind === 'arg') {
      for (const pair of step.pairs) {
        if (pair.value && TARGET_WORD.test(`${pair.key.value}=`)) {
          check([{ ...pair.value, value: `${pair.key.value}=${pair.value.value}` }], `${pair.key.value}=`);
        }
      }
    }
  }
}

/** `Build for sm_90.`: the site's own targets of the vendors that lack code. */
function buildFor(wanted: { nvidia: string[]; amd: string[] }, failing: readonly { gpu: { vendor: string } }[]): string {
  const vendors = new Set(failing.map(({ gpu }) => gpu.vendor));
  const parts = [...(vendors.has('nvidia') ? wanted.nvidia.map((capability) => `sm_${capability.replace('.', '')}`) : []), ...(vendors.has('amd') ? wanted.amd : [])];
  return parts.length > 0 ? `Build for ${parts.join(', ')}.` : '';
}

/** The same option naming the site's GPUs, for the simple one-word forms. */
function targetFix(word: Word, targets: GpuTargets, wanted: { nvidia: string[]; amd: string[] }): string | undefined {
  const text = word.value;
  const nvidia = wanted.nvidia.map((capability) => capability.replace('.', ''));
  let match: RegExpExecArray | null;
  if (targets.nvidia.length > 0 && nvidia.length > 0 && (match = /^(-arch=|--gpu-architecture=)sm_\d+[af]?$/.exec(text))) {
    return `${match[1]}sm_${nvidia[0]}`; // the oldest: its PTX also runs on the newer ones
  }
  if (targets.nvidia.length > 0 && nvidia.length > 0 && (match = /^((?:-D)?(?:CMAKE_CUDA_ARCHITECTURES|CUDAARCHS)(?::STRING)?=)[\d;a-z-]+$/.exec(text))) {
    return `${match[1]}${nvidia.join(';')}`;
  }
  if (targets.amd.length > 0 && wanted.amd.length > 0 && (match = /^(--offload-arch=)gfx[0-9a-f,:+-]+$/.exec(text))) {
    return `${match[1]}${wanted.amd.join(',')}`;
  }
  if (targets.amd.length > 0 && wanted.amd.length > 0 && (match = /^((?:-D)?(?:CMAKE_HIP_ARCHITECTURES|AMDGPU_TARGETS|GPU_TARGETS)(?::STRING)?=)[\w;:+-]+$/.exec(text))) {
    return `${match[1]}${wanted.amd.join(';')}`;
  }
  return undefined;
}

function checkKokkos(context: RuleContext, command: ShellCommand): void {
  const cuda = command.words.find(isKokkosCudaOn);
  if (cuda && !command.words.some(isKokkosGpuArch)) {
    context.report({
      range: cuda.range,
      message: `Kokkos with \`${cuda.value}\` and no GPU architecture option detects the GPU of the build machine; ${WHY}. Add \`-DKokkos_ARCH_<GPU>=ON\` (e.g. \`-DKokkos_ARCH_AMPERE80=ON\`).`,
    });
  }
}

function isKokkosCudaOn(word: Word): boolean {
  return /^-DKokkos_ENABLE_CUDA(:BOOL)?=(ON|TRUE|1|YES)$/i.test(word.value);
}

function isKokkosGpuArch(word: Word): boolean {
  return GPU_KOKKOS_ARCH.test(word.value);
}

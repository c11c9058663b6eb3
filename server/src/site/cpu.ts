// CPU targets: which instruction-set features a compiler target needs and which a partition's CPU has.
// Levels follow the x86-64 psABI (v2: SSE4.2/POPCNT; v3: AVX2/FMA/BMI2/MOVBE; v4: AVX-512 F/BW/CD/DQ/VL);
// named microarchitectures add the AVX-512 extensions compilers emit on their own. Arm targets are an
// architecture version plus the vector/ML extensions compilers emit (SVE, SVE2, BF16, I8MM, dot product).
import type { CpuArch, Partition } from './profile';

export interface CpuFeatures {
  arch: CpuArch;
  /** x86: psABI level 1–4 (sandybridge/ivybridge: 2 plus `avx`); Arm: version ×10 (8.2 → 82, 9.0 → 90); POWER: ISA generation. */
  level: number;
  features: ReadonlySet<string>;
}

const x86 = (level: number, ...features: string[]): CpuFeatures => ({ arch: 'x86_64', level, features: new Set(features) });
const arm = (level: number, ...features: string[]): CpuFeatures => ({ arch: 'aarch64', level, features: new Set(features) });
const power = (level: number): CpuFeatures => ({ arch: 'ppc64le', level, features: new Set() });

const ICELAKE = ['avx512vnni', 'avx512vbmi', 'avx512vbmi2', 'avx512ifma', 'avx512bitalg', 'avx512vpopcntdq'];
const ZEN4 = [...ICELAKE, 'avx512bf16'];
const SAPPHIRE = [...ICELAKE, 'avx512bf16', 'avx512fp16', 'amx'];

/** Named targets in GCC's spelling (also accepted: Spack/archspec's `x86_64_v3`, `neoverse_v2`). */
const TARGETS: Record<string, CpuFeatures> = {
  'x86-64': x86(1),
  'x86-64-v2': x86(2),
  'x86-64-v3': x86(3),
  'x86-64-v4': x86(4),
  nehalem: x86(2),
  westmere: x86(2),
  sandybridge: x86(2, 'avx'),
  ivybridge: x86(2, 'avx'),
  haswell: x86(3),
  broadwell: x86(3),
  skylake: x86(3),
  alderlake: x86(3, 'avxvnni'),
  sierraforest: x86(3, 'avxvnni'),
  'skylake-avx512': x86(4),
  cascadelake: x86(4, 'avx512vnni'),
  cooperlake: x86(4, 'avx512vnni', 'avx512bf16'),
  'icelake-server': x86(4, ...ICELAKE),
  'icelake-client': x86(4, ...ICELAKE),
  tigerlake: x86(4, ...ICELAKE),
  sapphirerapids: x86(4, ...SAPPHIRE, 'avxvnni'),
  emeraldrapids: x86(4, ...SAPPHIRE, 'avxvnni'),
  graniterapids: x86(4, ...SAPPHIRE, 'avxvnni'),
  znver1: x86(3),
  znver2: x86(3),
  znver3: x86(3),
  znver4: x86(4, ...ZEN4),
  znver5: x86(4, ...ZEN4, 'avxvnni'),
  'armv8-a': arm(80),
  'armv8.1-a': arm(81),
  'armv8.2-a': arm(82),
  'armv8.3-a': arm(83),
  'armv8.4-a': arm(84),
  'armv8.5-a': arm(85),
  'armv9-a': arm(90, 'sve', 'sve2'),
  'armv9.0-a': arm(90, 'sve', 'sve2'),
  thunderx2t99: arm(81),
  a64fx: arm(82, 'sve', 'fp16'),
  'neoverse-n1': arm(82, 'dotprod', 'fp16'),
  'neoverse-v1': arm(84, 'dotprod', 'fp16', 'sve', 'bf16', 'i8mm'),
  'neoverse-n2': arm(90, 'dotprod', 'fp16', 'sve', 'sve2', 'bf16', 'i8mm'),
  'neoverse-v2': arm(90, 'dotprod', 'fp16', 'sve', 'sve2', 'bf16', 'i8mm'),
  'neoverse-v3': arm(92, 'dotprod', 'fp16', 'sve', 'sve2', 'bf16', 'i8mm'),
  power8: power(8),
  power9: power(9),
  power10: power(10),
};

/** Arm `+feature` modifiers we model (others are accepted and ignored). */
const ARM_FEATURES = new Set(['sve', 'sve2', 'bf16', 'i8mm', 'dotprod', 'fp16']);

/** Intel compiler `-x<CODE>` / `-ax<CODE>` codes → the GCC target with the same instruction set. */
const INTEL_CODES: Record<string, string> = {
  'sse2': 'x86-64',
  'sse3': 'x86-64',
  'ssse3': 'x86-64',
  'sse4.1': 'x86-64',
  'sse4.2': 'x86-64-v2',
  avx: 'sandybridge',
  'core-avx-i': 'ivybridge',
  'core-avx2': 'x86-64-v3',
  'common-avx512': 'x86-64-v4',
  'core-avx512': 'x86-64-v4',
  avx2: 'x86-64-v3',
  avx512: 'x86-64-v4',
  sandybridge: 'sandybridge',
  ivybridge: 'ivybridge',
  haswell: 'haswell',
  broadwell: 'broadwell',
  skylake: 'skylake',
  'skylake-avx512': 'skylake-avx512',
  cascadelake: 'cascadelake',
  cooperlake: 'cooperlake',
  'icelake-server': 'icelake-server',
  'icelake-client': 'icelake-client',
  tigerlake: 'tigerlake',
  alderlake: 'alderlake',
  sapphirerapids: 'sapphirerapids',
  emeraldrapids: 'emeraldrapids',
  graniterapids: 'graniterapids',
  sierraforest: 'sierraforest',
};

/** Features of a named target (`znver3`, `x86_64_v3`, `neoverse_v2`, `armv8.2-a+sve`), or undefined when unknown. */
export function targetFeatures(name: string): CpuFeatures | undefined {
  const lower = name.toLowerCase().replace(/_/g, '-');
  const [base, ...modifiers] = lower.split('+');
  const normalized = base === 'x86-64-v1' ? 'x86-64' : base;
  const known = Object.prototype.hasOwnProperty.call(TARGETS, normalized) ? TARGETS[normalized] : undefined;
  if (!known) {
    return undefined;
  }
  if (modifiers.length === 0) {
    return known;
  }
  if (known.arch !== 'aarch64') {
    return undefined;
  }
  const features = new Set(known.features);
  for (const modifier of modifiers) {
    if (modifier.startsWith('no')) {
      features.delete(modifier.slice(2));
    } else if (ARM_FEATURES.has(modifier)) {
      features.add(modifier);
      if (modifier === 'sve2') {
        features.add('sve');
      }
    }
  }
  return { arch: 'aarch64', level: known.level, features };
}

/** The GCC target an Intel `-x<CODE>` flag corresponds to (`CORE-AVX2` → `x86-64-v3`). */
export function intelCodeTarget(code: string): string | undefined {
  const lower = code.toLowerCase();
  return Object.prototype.hasOwnProperty.call(INTEL_CODES, lower) ? INTEL_CODES[lower] : undefined;
}

/** What a partition's CPU offers; a partition without a microarchitecture offers only its architecture's baseline. */
export function partitionFeatures(partition: Partition): CpuFeatures {
  const named = partition.cpu.microarch ? targetFeatures(partition.cpu.microarch) : undefined;
  if (named && named.arch === partition.cpu.arch) {
    return named;
  }
  return partition.cpu.arch === 'x86_64' ? TARGETS['x86-64'] : partition.cpu.arch === 'aarch64' ? TARGETS['armv8-a'] : TARGETS.power8;
}

/**
 * Features `target` needs that `cpu` lacks (empty = it runs); a missing level is reported alone, since the
 * extensions beyond it would only repeat it. Only meaningful for the same architecture.
 */
export function missingFeatures(target: CpuFeatures, cpu: CpuFeatures): string[] {
  if (target.level > cpu.level) {
    return [levelName(target)];
  }
  const missing: string[] = [];
  for (const feature of target.features) {
    if (!cpu.features.has(feature) && !(feature === 'avx' && cpu.arch === 'x86_64' && cpu.level >= 3)) {
      missing.push(feature.toUpperCase());
    }
  }
  return missing;
}

function levelName(features: CpuFeatures): string {
  switch (features.arch) {
    case 'x86_64':
      return features.level === 1 ? 'x86-64' : `x86-64-v${features.level}`;
    case 'aarch64':
      return `Armv${Math.floor(features.level / 10)}.${features.level % 10}-A`;
    default:
      return `POWER${features.level}`;
  }
}

/**
 * The most capable portable target every given partition runs, as a compiler flag value:
 * x86 → the highest common x86-64 level (`x86-64-v3`); Arm → the common microarchitecture when all
 * partitions share one, else the common architecture version with shared extensions; POWER → the oldest.
 */
export function commonTarget(partitions: readonly Partition[], arch: CpuArch): { flag: '-march=' | '-mcpu='; value: string } | undefined {
  const cpus = partitions.filter((partition) => partition.cpu.arch === arch);
  if (cpus.length === 0) {
    return undefined;
  }
  const features = cpus.map(partitionFeatures);
  const level = Math.min(...features.map((f) => f.level));
  if (arch === 'x86_64') {
    return { flag: '-march=', value: level <= 1 ? 'x86-64' : `x86-64-v${level}` };
  }
  if (arch === 'ppc64le') {
    return { flag: '-mcpu=', value: `power${level}` };
  }
  const names = new Set(cpus.map((partition) => partition.cpu.microarch?.toLowerCase()));
  if (names.size === 1) {
    const [only] = names;
    if (only && !only.startsWith('armv')) {
      return { flag: '-mcpu=', value: only };
    }
  }
  const shared = [...ARM_FEATURES].filter((feature) => features.every((f) => f.features.has(feature)));
  const base = level >= 90 ? 'armv9-a' : `armv${Math.floor(level / 10)}.${level % 10}-a`.replace('armv8.0-a', 'armv8-a');
  const implied = level >= 90 ? new Set(['sve', 'sve2']) : new Set<string>();
  const extra = shared.filter((feature) => !implied.has(feature));
  return { flag: '-march=', value: [base, ...extra].join('+') };
}

// HPC-PORT-001: compiler flags that target the build machine's CPU (`-march=native`, `-xHost`, …).
import { defineRule, type Fix, type RuleContext, type Severity } from '../../engine/rule';
import { replace, unsafeFix } from '../../engine/fixBuilder';
import { CommandTable } from '../../recipe/command-table';
import { factsOf } from '../../recipe/facts';
import type { ArgStep, EnvStep, KeyValue, Recipe, ShellCommand, Stage, Word } from '../../recipe/model';
import { ScriptTable } from '../../recipe/script-table';
import { allScripts } from '../../recipe/query';
import { assignmentsAndWords, effectiveName } from '../util/commands';
import { offsetOf, oncePerRange, rangeInWord, rangeOf, withShellCScriptsInstead } from '../util/source';
import { activeSites, onSite, siteFact } from '../../site/checks';
import { intelCodeTarget, targetFeatures } from '../../site/cpu';
import { cpuLabel, cpuTargetVerdicts, hostFlagArch, intelCodeForLevel, portableTarget } from '../../site/cpu-sites';
import type { Site } from '../../site/profile';
import docs from './no-march-native.md';

interface FlagPattern {
  regex: RegExp;
  /** Replacement for the whole match (unsafe fix), if a portable equivalent exists. */
  replacement?: (match: RegExpExecArray) => string;
  message: (flag: string) => string;
  /** Intel `-x<CODE>`: a fixed ISA, but Intel-only binaries → info. */
  intelOnly?: boolean;
}

const CRASH = 'the image then dies with `Illegal instruction` on nodes whose CPUs lack those instructions';
const INTEL_CODES =
  'CORE-AVX2|CORE-AVX512|CORE-AVX-I|COMMON-AVX512|MIC-AVX512|AVX512|AVX2|AVX|SSE2|SSE3|SSSE3|SSE4\\.1|SSE4\\.2|ATOM_SSE4\\.2|ATOM_SSSE3|' +
  'SANDYBRIDGE|IVYBRIDGE|HASWELL|BROADWELL|SKYLAKE-AVX512|SKYLAKE|CASCADELAKE|COOPERLAKE|ICELAKE-CLIENT|ICELAKE-SERVER|TIGERLAKE|' +
  'ALDERLAKE|ROCKETLAKE|SAPPHIRERAPIDS|EMERALDRAPIDS|GRANITERAPIDS|SIERRAFOREST|KNL|KNM';

const PATTERNS: readonly FlagPattern[] = [
  {
    regex: /(?<![\w-])-march=native(?![\w-])/g,
    replacement: () => '-march=x86-64-v3',
    message: (flag) => `\`${flag}\` compiles for the CPU of the build machine; ${CRASH}. Target a defined level such as \`-march=x86-64-v3\`.`,
  },
  {
    regex: /(?<![\w-])-mcpu=native(?![\w-])/g,
    message: (flag) => `\`${flag}\` compiles for the CPU of the build machine; ${CRASH}. Name the oldest CPU you support (e.g. \`-mcpu=neoverse-n1\` on Arm).`,
  },
  {
    regex: /(?<![\w/-])(-|\/)(Q?)xhost(?![\w-])/gi,
    replacement: (m) => `${m[1]}${m[2]}axCORE-AVX2`,
    message: (flag) => `\`${flag}\` (Intel compilers) targets the instruction set of the build host; ${CRASH}. Use \`-ax<codes>\` (runtime dispatch) or a fixed \`-x<code>\` for the oldest node type.`,
  },
  {
    regex: /(?<![\w-])-tp[=:]?(native|host)(?![\w-])/g,
    message: (flag) => `\`${flag}\` (NVIDIA HPC SDK) targets the CPU of the build host; ${CRASH}. Use \`-tp=px\` or name the oldest target you run on.`,
  },
  {
    regex: /(?<![\w-])--enable-native(?![\w-])/g,
    message: (flag) => `\`${flag}\` makes the build tune for the CPU of the build machine; ${CRASH}.`,
  },
  {
    regex: /(?<![\w.-])CPU=native(?![\w-])/g,
    message: (flag) => `\`${flag}\` makes the build target the CPU of the build machine; ${CRASH}.`,
  },
  {
    regex: new RegExp(`(?<![\\w/-])(-|/)(Q?)x(${INTEL_CODES})(?![\\w.-])`, 'gi'),
    replacement: (m) => `${m[1]}${m[2]}ax${m[3]}`,
    intelOnly: true,
    message: (flag) =>
      `\`${flag}\` (Intel compilers) builds code that only runs on Intel CPUs supporting that instruction set; the binary refuses to start on AMD nodes. \`-ax${flag.replace(/^[-/]Q?x/i, '')}\` adds a generic fallback path.`,
  },
];

/** Necessary condition for any of PATTERNS (each needs `native`, `host` or an Intel `x<CODE>`): skips most words cheaply. */
const MAY_MATCH_PATTERN = new RegExp(`native|host|x(?:${INTEL_CODES})`, 'i');

/** Flag-with-variable usages: `-march=${MARCH}`, `-march=$MARCH`, `-march={{ march }}`. */
const VARIABLE_USE = /(?<![\w-])(-m(?:arch|cpu)=|-tp=|-x)(?:\$\{(\w+)\}|\$(\w+)|\{\{\s*(\w+)\s*\}\})/g;
const HOST_VALUES = new Set(['native', 'host']);
/** Commands that mention flags to edit or search text, not to compile with them. */
const TEXT_TOOLS = new Set(['sed', 'grep', 'egrep', 'fgrep', 'awk', 'gawk', 'perl', 'rg']);

/** A flag directly followed by `]` is quoted in prose, e.g. a configure prompt `[Default is -march=native]`, not passed to a compiler. */
const QUOTED_IN_BRACKETS = /^\\?\]/;

export default defineRule({
  meta: {
    code: 'HPC-PORT-001',
    name: 'no-march-native',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'unsafe',
  },
  docs,
  check(original) {
    const context = oncePerRange(original); // one finding per flag, not per `$(…)` nesting level
    const { recipe } = context;
    const baseSeverity: Severity = context.settings.publish === 'public' ? 'error' : 'warning';
    const usedDefinitions = new Map<KeyValue, { flag: string; use: string; line: number }>();
    const findDefinition = definitionFinder(recipe);

    const sites = activeSites(context.settings);
    const scanVariables = (uses: readonly VariableUse[], start: number, stage: Stage | undefined): void => {
      for (const use of uses) {
        const definition = findDefinition(stage, use.name);
        const value = definition?.value?.value.trim();
        const hostValue = value !== undefined && (use.flag === '-x' ? value.toLowerCase() === 'host' : HOST_VALUES.has(value));
        if (!definition || !hostValue) {
          continue;
        }
        const flag = `${use.flag}${value}`;
        const range = rangeOf(recipe, start + use.index, start + use.index + use.text.length);
        context.report({
          range,
          message: `\`${use.text}\` expands to \`${flag}\` (${use.name} is set on line ${definition.range.start.line + 1}), which targets the CPU of the build machine; ${CRASH}.`,
          severity: baseSeverity,
        });
        if (!usedDefinitions.has(definition)) {
          usedDefinitions.set(definition, { flag: use.flag, use: use.text, line: range.start.line });
        }
      }
    };

    const flagsOf = FLAGS_BY_COMMAND.reader(recipe);
    const scriptFlagsOf = FLAGS_BY_SCRIPT.reader(recipe);
    for (const { script, step, stage } of allScripts(recipe)) {
      if (step.kind === 'env') {
        continue; // %environment: checked through its pairs below
      }
      // With site profiles every word is checked against the partitions; without, only the words that hold a host flag.
      const kept = sites.length > 0 ? undefined : scriptFlagsOf(script);
      if (kept && !kept.shellC) {
        for (const { command, flags } of kept.commands) {
          for (const word of flags.words) {
            scanWord(context, word, sites, baseSeverity);
          }
          if (flags.uses.length > 0) {
            scanVariables(flags.uses, offsetOf(recipe, command.range.start), stage);
          }
        }
        continue;
      }
      for (const command of withShellCScriptsInstead(recipe, script.commands)) {
        const flags = flagsOf(command);
        if (flags === TEXT_TOOL) {
          continue;
        }
        for (const word of sites.length > 0 ? assignmentsAndWords(command) : flags.words) {
          scanWord(context, word, sites, baseSeverity);
        }
        if (flags.uses.length > 0) {
          scanVariables(flags.uses, offsetOf(recipe, command.range.start), stage);
        }
      }
    }
    const pairSteps: { step: EnvStep | ArgStep; stage: Stage | undefined }[] = recipe.globalArgs.map((step) => ({ step, stage: undefined }));
    for (const stage of recipe.stages) {
      for (const step of stage.steps) {
        if (step.kind === 'env' || step.kind === 'arg') {
          pairSteps.push({ step, stage });
        }
      }
    }
    for (const { step, stage } of pairSteps) {
      for (const pair of step.pairs) {
        if (pair.value) {
          scanWord(context, pair.value, sites, baseSeverity);
          scanVariables(variableUses(pair.value.text), offsetOf(recipe, pair.value.range.start), stage);
        }
      }
    }
    reportDefinitions(context, usedDefinitions, baseSeverity);
  },
});

/** `-march=$NAME` and the like in a text: the flag, the variable's name, and where the use is in the text. */
interface VariableUse {
  readonly flag: string;
  readonly name: string;
  readonly text: string;
  readonly index: number;
}

const NO_USES: readonly VariableUse[] = [];

function variableUses(text: string): readonly VariableUse[] {
  if (!text.includes('$') && !text.includes('{{')) {
    return NO_USES; // VARIABLE_USE needs `$NAME`, `${NAME}` or `{{ name }}`
  }
  let uses: VariableUse[] | undefined;
  VARIABLE_USE.lastIndex = 0;
  for (let match = VARIABLE_USE.exec(text); match; match = VARIABLE_USE.exec(text)) {
    (uses ??= []).push({ flag: match[1], name: match[2] ?? match[3] ?? match[4], text: match[0], index: match.index });
  }
  return uses ?? NO_USES;
}

/** What one command holds for this rule: the words that hold a host flag (without site profiles), and its variable uses. */
interface CommandFlags {
  readonly words: readonly Word[];
  /** Where in the command's text (from its start). */
  readonly uses: readonly VariableUse[];
}

const TEXT_TOOL: CommandFlags = { words: [], uses: [] };
const NO_FLAGS: CommandFlags = { words: [], uses: [] };

/** Kept per command in a lint with a memo: the command's words and the text at its range alone (shared: never mutate). */
const FLAGS_BY_COMMAND = new CommandTable<CommandFlags>((command, recipe) => {
  if (TEXT_TOOLS.has(effectiveName(command))) {
    return TEXT_TOOL;
  }
  let words: Word[] | undefined;
  for (const word of assignmentsAndWords(command)) {
    if (holdsHostFlag(word)) {
      (words ??= []).push(word);
    }
  }
  const start = offsetOf(recipe, command.range.start);
  const uses = variableUses(recipe.text.slice(start, offsetOf(recipe, command.range.end)));
  return words === undefined && uses.length === 0 ? NO_FLAGS : { words: words ?? [], uses };
});

/** A script's commands with flags (without `sh -c` strings: with, they are read command by command), kept per script in a Dockerfile's lint with a memo. */
interface ScriptFlags {
  readonly shellC: boolean;
  readonly commands: readonly { command: ShellCommand; flags: CommandFlags }[];
}

/** Shared: never mutate. */
const FLAGS_BY_SCRIPT = new ScriptTable<ScriptFlags>((script, recipe) => {
  if (factsOf(recipe).hasShellCScripts(script.commands)) {
    return SHELL_C_SCRIPT;
  }
  const flagsOf = FLAGS_BY_COMMAND.readerInScript(recipe);
  const commands: { command: ShellCommand; flags: CommandFlags }[] = [];
  for (const command of script.commands) {
    const flags = flagsOf(command);
    if (flags !== TEXT_TOOL && flags !== NO_FLAGS) {
      commands.push({ command, flags });
    }
  }
  return commands.length > 0 ? { shellC: false, commands } : NO_SCRIPT_FLAGS;
});

const SHELL_C_SCRIPT: ScriptFlags = { shellC: true, commands: [] };
const NO_SCRIPT_FLAGS: ScriptFlags = { shellC: false, commands: [] };

/** Without site profiles, `scanWord` reports on a word only when this holds: one of PATTERNS matches outside a prompt's brackets. */
function holdsHostFlag(word: Word): boolean {
  if (word.text.includes('--help=target') || !MAY_MATCH_PATTERN.test(word.text)) {
    return false;
  }
  for (const pattern of PATTERNS) {
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(word.text); match; match = pattern.regex.exec(word.text)) {
      if (!QUOTED_IN_BRACKETS.test(word.text.slice(match.index + match[0].length))) {
        return true;
      }
    }
  }
  return false;
}

/** The generic closing advice of a message, replaced by the site's target when there is a profile. */
const GENERIC_ADVICE = / (Target a defined level|Name the oldest CPU|Use `-ax<codes>`|Use `-tp=px`)[^]*$/;

/** Explicit targets a site cannot run: `-march=x86-64-v4`, `-march=skylake-avx512`, `-mcpu=neoverse-v2`, Intel `-xCORE-AVX512`. */
const EXPLICIT_TARGET = /(?<![\w-])-m(?:arch|cpu)=([A-Za-z][\w.+-]*)/g;
const INTEL_TARGET = new RegExp(`(?<![\\w/-])[-/]Q?x(${INTEL_CODES})(?![\\w.-])`, 'gi');

/**
 * The findings of one word: a flag that targets the build machine's CPU. A module function, not a closure of `check`: a
 * closure made per lint loses its optimized code at every full GC (docs/engine.md, Cost).
 */
function scanWord(context: RuleContext, word: Word, sites: readonly Site[], baseSeverity: Severity): void {
  const { recipe } = context;
  if (word.text.includes('--help=target')) {
    return; // `gcc -march=native -Q --help=target` only asks what the build CPU is
  }
  if (sites.length > 0) {
    checkTargetsOnSites(context, word, sites);
  }
  if (!MAY_MATCH_PATTERN.test(word.text)) {
    return;
  }
  for (const pattern of PATTERNS) {
    pattern.regex.lastIndex = 0;
    for (let match = pattern.regex.exec(word.text); match; match = pattern.regex.exec(word.text)) {
      if (QUOTED_IN_BRACKETS.test(word.text.slice(match.index + match[0].length))) {
        continue; // prompt text such as `[Default is -march=native]` (an expect script answering a configure prompt)
      }
      const range = rangeInWord(recipe, word, match.index, match.index + match[0].length);
      const fixes: Fix[] = [];
      const advice = sites.length > 0 && !pattern.intelOnly ? hostFlagAdvice(sites, match[0]) : undefined;
      const replacement = advice ? advice.replacement : pattern.replacement?.(match);
      if (replacement !== undefined) {
        fixes.push(unsafeFix(`Replace \`${match[0]}\` with \`${replacement}\` (changes the CPU baseline)`, replace(range, replacement)));
      }
      context.report({
        range,
        message: advice ? `${pattern.message(match[0]).replace(GENERIC_ADVICE, '')} ${advice.message}` : pattern.message(match[0]),
        severity: pattern.intelOnly ? 'info' : baseSeverity,
        fixes,
        ...(advice ? { site: advice.fact } : {}),
      });
    }
  }
}

function checkTargetsOnSites(context: RuleContext, word: Word, sites: readonly Site[]): void {
  if (!word.text.includes('-m') && !/[-/]Q?x/i.test(word.text)) {
    return;
  }
  for (const regex of [EXPLICIT_TARGET, INTEL_TARGET]) {
    regex.lastIndex = 0;
    for (let match = regex.exec(word.text); match; match = regex.exec(word.text)) {
      const intel = regex === INTEL_TARGET;
      const name = intel ? intelCodeTarget(match[1]) : match[1];
      const target = name === undefined ? undefined : targetFeatures(name);
      if (!target || QUOTED_IN_BRACKETS.test(word.text.slice(match.index + match[0].length))) {
        continue;
      }
      const portable = portableTarget(sites, target.arch);
      for (const { site, failing } of cpuTargetVerdicts(sites, target)) {
        if (failing.length === 0) {
          continue;
        }
        const range = rangeInWord(context.recipe, word, match.index, match.index + match[0].length);
        const needs = [...new Set(failing.flatMap((entry) => entry.missing))].join(', ');
        const lacking = failing.map(({ partition }) => `${partition.name} (${cpuLabel(partition)})`).join(', ');
        const replacement = !portable ? undefined : intel ? intelReplacement(match[0], portable.value) : `${portable.flag}${portable.value}`;
        const runs = portable ? ` Every partition runs \`${portable.flag}${portable.value}\`.` : '';
        context.report({
          range,
          message: onSite(site, `\`${match[0]}\` needs ${needs}, which partition${failing.length === 1 ? '' : 's'} ${lacking} lack${failing.length === 1 ? 's' : ''}: the image dies there with \`Illegal instruction\`.${runs}`),
          severity: 'error',
          fixes:
            replacement === undefined || replacement === match[0]
              ? []
              : [unsafeFix(`Replace \`${match[0]}\` with \`${replacement}\` (the highest target every partition runs)`, replace(range, replacement))],
          site: siteFact(site, `partition ${failing[0].partition.name}: ${cpuLabel(failing[0].partition)}`, `partitions.${failing[0].partition.name}.cpu`),
        });
      }
    }
  }
}

function intelReplacement(flag: string, level: string): string | undefined {
  const code = intelCodeForLevel(level);
  return code === undefined ? undefined : flag.replace(/^([-/]Q?x).*$/i, `$1${code}`);
}

/** With site profiles, a host-tuning flag's fix is the most capable target every partition runs. */
function hostFlagAdvice(sites: readonly Site[], flag: string): { replacement?: string; message: string; fact: ReturnType<typeof siteFact> } | undefined {
  const arch = hostFlagArch(sites, flag);
  const portable = arch === undefined ? undefined : portableTarget(sites, arch);
  if (!portable) {
    return undefined;
  }
  const value = `${portable.flag}${portable.value}`;
  let replacement: string | undefined;
  if (/^-m(arch|cpu)=/.test(flag)) {
    replacement = value;
  } else if (/^[-/]Q?x/i.test(flag) && arch === 'x86_64') {
    const code = intelCodeForLevel(portable.value);
    replacement = code === undefined ? undefined : flag.replace(/^([-/]Q?)x.*$/i, `$1ax${code}`);
  }
  const partitions = portable.partitions.map((partition) => `${partition.name}: ${cpuLabel(partition)}`).join(', ');
  return {
    replacement,
    message: onSite(portable.sites, `compile for \`${value}\`, the highest target every partition (${partitions}) runs.`),
    fact: siteFact(portable.sites, `partitions ${partitions}`, portable.partitions.length === 1 ? `partitions.${portable.partitions[0].name}.cpu` : 'partitions'),
  };
}

function reportDefinitions(context: RuleContext, used: Map<KeyValue, { flag: string; use: string; line: number }>, severity: Severity): void {
  for (const [definition, { flag, use, line }] of used) {
    const value = definition.value as Word;
    const fixes: Fix[] = [];
    if (flag === '-march=') {
      fixes.push(unsafeFix(`Set ${definition.key.value} to \`x86-64-v3\` (changes the CPU baseline)`, replace(value.range, value.text.replace(/native|host/, 'x86-64-v3'))));
    }
    context.report({
      range: value.range,
      message: `${definition.key.value}=${value.value.trim()} is used as \`${use}\` (line ${line + 1}) and makes the build target the CPU of the build machine.`,
      severity,
      fixes,
    });
  }
}

/**
 * The ARG/ENV/%arguments pair that defines a name for a stage: the stage's last definition with a value, then (definition
 * files) the first other stage's, then the global ARGs'. Each stage's definitions are gathered once.
 */
function definitionFinder(recipe: Recipe): (stage: Stage | undefined, name: string) => KeyValue | undefined {
  const lastDefinitions = (pairs: Iterable<KeyValue>): Map<string, KeyValue> => {
    const last = new Map<string, KeyValue>();
    for (const pair of pairs) {
      if (pair.value !== undefined) {
        last.set(pair.key.value, pair);
      }
    }
    return last;
  };
  const byStage = new Map<Stage, Map<string, KeyValue>>();
  const ofStage = (stage: Stage): Map<string, KeyValue> => {
    let last = byStage.get(stage);
    if (last === undefined) {
      last = lastDefinitions(stage.steps.flatMap((step) => (step.kind === 'arg' || step.kind === 'env' ? step.pairs : [])));
      byStage.set(stage, last);
    }
    return last;
  };
  let global: Map<string, KeyValue> | undefined;
  let firstStageWith: Map<string, KeyValue> | undefined;
  const inFirstStageWith = (name: string): KeyValue | undefined => {
    if (firstStageWith === undefined) {
      firstStageWith = new Map();
      for (const stage of recipe.stages) {
        for (const [key, pair] of ofStage(stage)) {
          if (!firstStageWith.has(key)) {
            firstStageWith.set(key, pair);
          }
        }
      }
    }
    return firstStageWith.get(name);
  };
  return (stage, name) => {
    const first = stage ?? recipe.stages[0];
    // Dockerfile variables never cross stages
    const found = first === undefined ? undefined : recipe.format === 'dockerfile' ? ofStage(first).get(name) : (ofStage(first).get(name) ?? inFirstStageWith(name));
    global ??= lastDefinitions(recipe.globalArgs.flatMap((step) => step.pairs));
    return found ?? global.get(name);
  };
}

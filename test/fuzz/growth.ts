// Growth sweep (#15): times every rule alone on a recipe made of its own fixture files repeated k and 8k times
// (or, with --corpus, the largest corpus recipes) and prints the CPU-time ratio.
// Linear work gives about 8; a rule that rescans earlier or later steps per candidate gives 30 and more.
//   node --expose-gc --import ./scripts/text-loader.mjs --import tsx test/fuzz/growth.ts [--only CODE[,CODE]] [--one-stage | --corpus [N]] [--over RATIO] [--max-kb SMALLER_INPUT_KB]
// Measured per run: RecipeFacts and the rule (the engine's dispatch), on a fresh parse (the parse itself is not
// measured: its growth is the shapes' business). The least of several runs, as CPU time, so a loaded machine
// disturbs it less. Shapes that once grew are kept in test/fixtures/fuzz/shapes (fuzz.test.ts checks them).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runRule } from '../../server/src/engine/dispatch';
import type { Rule, RuleSettings } from '../../server/src/engine/rule';
import { factsOf } from '../../server/src/recipe/facts';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { parseRecipe } from '../../server/src/recipe/parse';
import { allRules } from '../../server/src/rules/index';
import { ROOT } from './fuzzer';

const RULE_FIXTURES = join(ROOT, 'test', 'fixtures', 'rules');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
const TODAY = '2026-11-28';
/** The smaller input is grown until the rule's work on it takes this long, so timer and noise matter less. */
const MIN_SMALL_MS = 4;
/** …but not beyond this size: the larger input is eight times as large (the model takes ~70 bytes a byte). */
let maxSmallBytes = 64 * 1024;

interface Input {
  label: string;
  format: RecipeFormat;
  /** Text before the repeated `unit` (the stage start for `--one-stage`). */
  head: string;
  unit: string;
  settings: RuleSettings;
}

function formatOfFile(file: string): RecipeFormat | undefined {
  if (/\.(fixed|unsafe-fixed)\./.test(file)) {
    return undefined;
  }
  return file.endsWith('.Dockerfile') ? 'dockerfile' : file.endsWith('.def') ? 'apptainer' : undefined;
}

/** `--one-stage`: every fixture file after the first loses its stage start (FROM, header lines), so the copies make one long stage. */
function withoutStageStart(text: string, format: RecipeFormat): string {
  if (format === 'dockerfile') {
    return text.replace(/^(\s*)(from\s)/gim, '$1# $2');
  }
  const section = text.search(/^%/m);
  const header = section < 0 ? text : text.slice(0, section);
  return header.replace(/^(?=\S)/gm, '# ') + (section < 0 ? '' : text.slice(section));
}

function fixtureInputs(rule: Rule, oneStage: boolean): Input[] {
  const dir = join(RULE_FIXTURES, rule.meta.name);
  if (!existsSync(dir)) {
    return [];
  }
  const inputs: Input[] = [];
  for (const format of rule.meta.formats) {
    const files = readdirSync(dir)
      .filter((file) => formatOfFile(file) === format)
      .sort();
    if (files.length === 0) {
      continue;
    }
    let settings: RuleSettings = { trustedRegistries: [], today: TODAY };
    for (const file of files) {
      const path = join(dir, `${file}.settings.json`);
      if (existsSync(path)) {
        settings = { ...settings, ...(JSON.parse(readFileSync(path, 'utf8')) as Partial<RuleSettings>) };
      }
    }
    const texts = files.map((file) => readFileSync(join(dir, file), 'utf8').replace(/\n?$/, '\n'));
    const kind = format === 'dockerfile' ? 'Dockerfile' : 'def';
    if (oneStage) {
      const unit = texts.map((text) => withoutStageStart(text, format)).join('');
      inputs.push({ label: `${kind} fixtures (${files.length}), one stage`, format, unit, settings, head: texts[0] });
    } else {
      inputs.push({ label: `${kind} fixtures (${files.length})`, format, unit: texts.join(''), settings, head: '' });
    }
  }
  return inputs;
}

function corpusInputs(count: number): Input[] {
  const inputs: Input[] = [];
  for (const [kind, format] of [
    ['dockerfile', 'dockerfile'],
    ['singularity', 'apptainer'],
  ] as const) {
    const files: { path: string; size: number }[] = [];
    for (const repo of readdirSync(join(CORPUS, kind))) {
      for (const file of readdirSync(join(CORPUS, kind, repo))) {
        const path = join(CORPUS, kind, repo, file);
        files.push({ path, size: statSync(path).size });
      }
    }
    files.sort((a, b) => b.size - a.size);
    for (const { path } of files.slice(0, count)) {
      inputs.push({ label: path.slice(CORPUS.length + 1), format, head: '', unit: readFileSync(path, 'utf8').replace(/\n?$/, '\n'), settings: { trustedRegistries: [], today: TODAY } });
    }
  }
  return inputs;
}

/** With `node --expose-gc`: a full collection before each measured run, so no run pays for an earlier one's garbage. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** The least CPU time (ms) of `runs` runs of the rule on `text`, each on a fresh parse. */
function ruleCpuMs(rule: Rule, input: Input, text: string, runs: number): number {
  let least = Infinity;
  for (let run = 0; run < runs; run++) {
    const recipe = parseRecipe(text, input.format);
    collectGarbage?.();
    const started = process.cpuUsage();
    runRule(rule, { recipe, facts: factsOf(recipe), settings: input.settings, report: () => undefined }, true);
    const used = process.cpuUsage(started);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}

function measure(rule: Rule, input: Input): { units: number; small: number; large: number } {
  let units = 1;
  ruleCpuMs(rule, input, input.head + input.unit.repeat(units), 1);
  let small = ruleCpuMs(rule, input, input.head + input.unit.repeat(units), 5);
  while (small < MIN_SMALL_MS && input.unit.length * units * 2 <= maxSmallBytes) {
    units *= 2;
    small = ruleCpuMs(rule, input, input.head + input.unit.repeat(units), 5);
  }
  const large = ruleCpuMs(rule, input, input.head + input.unit.repeat(units * 8), 3);
  return { units, small, large };
}

function main(argv: readonly string[]): void {
  let only: string[] | undefined;
  let corpus = 0;
  let over = 0;
  let oneStage = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') {
      only = argv[++i].split(',');
    } else if (argv[i] === '--corpus') {
      corpus = /^\d+$/.test(argv[i + 1] ?? '') ? Number(argv[++i]) : 3;
    } else if (argv[i] === '--max-kb') {
      maxSmallBytes = Number(argv[++i]) * 1024;
    } else if (argv[i] === '--one-stage') {
      oneStage = true;
    } else if (argv[i] === '--over') {
      over = Number(argv[++i]);
    } else {
      throw new Error(`unknown option ${argv[i]}`);
    }
  }
  const rules = allRules.filter((rule) => only === undefined || only.includes(rule.meta.code));
  const fromCorpus = corpusInputs(corpus);
  for (const rule of rules) {
    const inputs = corpus > 0 ? fromCorpus.filter((input) => rule.meta.formats.includes(input.format)) : fixtureInputs(rule, oneStage);
    for (const input of inputs) {
      const { units, small, large } = measure(rule, input);
      const ratio = large / Math.max(small, 0.001);
      if (ratio >= over) {
        console.log(`${rule.meta.code}\t${input.label}\tx${units}: ${small.toFixed(2)} ms\tx${units * 8}: ${large.toFixed(2)} ms\t${ratio.toFixed(1)}x`);
      }
    }
  }
}

main(process.argv.slice(2));

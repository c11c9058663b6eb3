// npm run corpus:report [-- --update] [--diff-only] [--corpus DIR] [--day YYYY-MM-DD]
// npm run corpus:sample -- <CODE> [N] [--severity error,warning] [--seed N] [--context N] [--corpus DIR]
//
// report: lints ../shared/corpus with dist/cli.js, prints per-code counts by severity and files hit, and
// the difference from the committed baseline (docs/corpus/). --update rewrites the baseline. Counts never
// fail: the exit status is 0 unless the tool itself cannot run (2). Without a corpus it says so and exits 0.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { diffSnapshots, formatCounts, formatSerious, formatTable, parseBaseline, snapshot } from './counts';
import { BASELINE_DAY, CorpusMissing, DEFAULT_CORPUS, lintCorpus, ROOT } from './findings';
import { formatSample, pickSample } from './sample';

export const BASELINE_COUNTS = join(ROOT, 'docs/corpus/baseline.tsv');
export const BASELINE_FINDINGS = join(ROOT, 'docs/corpus/baseline-findings.tsv');

class UsageError extends Error {}

interface Options {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--corpus', '--day', '--severity', '--seed', '--context']);
const BOOLEAN_FLAGS = new Set(['--update', '--diff-only']);

function parse(argv: readonly string[]): Options {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (VALUE_FLAGS.has(arg)) {
      const value = rest[++i];
      if (value === undefined) {
        throw new UsageError(`${arg} needs a value`);
      }
      flags.set(arg, value);
    } else if (BOOLEAN_FLAGS.has(arg)) {
      flags.set(arg, true);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, flags };
}

function stringFlag(options: Options, name: string): string | undefined {
  const value = options.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

function numberFlag(options: Options, name: string, fallback: number): number {
  const text = stringFlag(options, name);
  if (text === undefined) {
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`${name} needs a whole number, got "${text}"`);
  }
  return value;
}

function corpusOf(options: Options): string {
  return resolve(stringFlag(options, '--corpus') ?? process.env.HPCLINT_CORPUS ?? DEFAULT_CORPUS);
}

function dayOf(options: Options): string {
  const day = stringFlag(options, '--day') ?? BASELINE_DAY;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    throw new UsageError(`--day needs YYYY-MM-DD, got "${day}"`);
  }
  return day;
}

function report(options: Options): void {
  const started = Date.now();
  const run = lintCorpus(corpusOf(options), dayOf(options));
  const snap = snapshot(run.day, run.files, run.findings);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!options.flags.has('--diff-only')) {
    console.log(formatTable(snap));
    console.log('');
  }
  console.log(`corpus: ${run.corpus}, ${run.files.length} files, ${run.findings.length} findings, day ${run.day}, ${seconds}s`);
  if (options.flags.has('--update')) {
    mkdirSync(dirname(BASELINE_COUNTS), { recursive: true });
    writeFileSync(BASELINE_COUNTS, formatCounts(snap));
    writeFileSync(BASELINE_FINDINGS, formatSerious(snap));
    console.log(`baseline written: ${BASELINE_COUNTS}, ${BASELINE_FINDINGS}`);
    return;
  }
  if (!existsSync(BASELINE_COUNTS) || !existsSync(BASELINE_FINDINGS)) {
    console.log('no baseline yet: run `npm run corpus:report -- --update` to write one');
    return;
  }
  const baseline = parseBaseline(readFileSync(BASELINE_COUNTS, 'utf8'), readFileSync(BASELINE_FINDINGS, 'utf8'));
  if (baseline.day !== run.day) {
    console.log(`note: the baseline was taken on day ${baseline.day}, this run uses ${run.day}: EOL findings differ for that reason alone`);
  }
  const diff = diffSnapshots(baseline, snap);
  console.log(diff === '' ? 'no change against the baseline' : `Changes against the baseline (docs/corpus/):\n${diff}`);
}

function sample(options: Options): void {
  const [code, countText] = options.positional;
  if (!code) {
    throw new UsageError('corpus:sample needs a rule code, e.g. npm run corpus:sample -- HPC-SEC-001 6');
  }
  const count = countText === undefined ? 6 : Number(countText);
  if (!Number.isInteger(count) || count < 1) {
    throw new UsageError(`N must be a positive whole number, got "${countText}"`);
  }
  const severityText = stringFlag(options, '--severity');
  const sampleOptions = {
    count,
    seed: numberFlag(options, '--seed', 1),
    context: numberFlag(options, '--context', 3),
    severities: severityText === undefined ? undefined : new Set(severityText.split(',').map((s) => s.trim())),
  };
  const run = lintCorpus(corpusOf(options), dayOf(options));
  const { picked, total } = pickSample(run.findings, code, sampleOptions);
  if (total === 0) {
    console.log(`no ${code} findings${severityText ? ` at ${severityText}` : ''} on the corpus (${run.files.length} files)`);
    return;
  }
  process.stdout.write(formatSample(run.corpus, picked, total, sampleOptions));
}

function main(argv: readonly string[]): number {
  try {
    const options = parse(argv);
    if (options.command === 'report') {
      report(options);
    } else if (options.command === 'sample') {
      sample(options);
    } else {
      throw new UsageError('usage: corpus report [--update] [--diff-only] | corpus sample <CODE> [N]');
    }
    return 0;
  } catch (error) {
    if (error instanceof CorpusMissing) {
      console.log(`corpus check skipped: ${error.message}`);
      return 0;
    }
    if (error instanceof UsageError) {
      console.error(`corpus: ${error.message}`);
      return 2;
    }
    console.error(`corpus: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}

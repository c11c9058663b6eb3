// `npm run fuzz -- [--minutes N | --cases N] [--seed N] [--quick] [--replay SEED:INDEX [--write FILE]] [--no-save]`
// Runs the fuzzer (large inputs unless --quick), reduces every crash and keeps it as a regression fixture
// in test/fixtures/fuzz/ (analysed by `npm test` from then on). Exit status 1 when anything was found.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  FIXTURES,
  fixtureName,
  fuzz,
  LONG_LIMITS,
  loadSeeds,
  makeCase,
  QUICK_LIMITS,
  reduce,
  ROOT,
  Runner,
  signature,
  timeBoundMs,
  type Failure,
  type FuzzCase,
  type Outcome,
} from './fuzzer';

interface Options {
  minutes?: number;
  cases?: number;
  seed: number;
  quick: boolean;
  replay?: { seed: number; index: number };
  /** With --replay: also write the case's bytes to this file. */
  write?: string;
  save: boolean;
}

function parse(argv: readonly string[]): Options {
  const options: Options = { seed: Date.now() % 1_000_000_000, quick: false, save: true };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) {
        throw new Error(`${argv[i - 1]} needs a value`);
      }
      return next;
    };
    switch (argv[i]) {
      case '--minutes':
        options.minutes = Number(value());
        break;
      case '--cases':
        options.cases = Number(value());
        break;
      case '--seed':
        options.seed = Number(value());
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--write':
        options.write = value();
        break;
      case '--no-save':
        options.save = false;
        break;
      case '--replay': {
        const match = /^(\d+):(\d+)$/.exec(value());
        if (!match) {
          throw new Error('--replay takes SEED:INDEX (as printed by a run)');
        }
        options.replay = { seed: Number(match[1]), index: Number(match[2]) };
        break;
      }
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (options.minutes === undefined && options.cases === undefined && !options.replay) {
    options.minutes = 1;
  }
  return options;
}

function describe(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'error':
      return outcome.stack;
    case 'slow':
      return `slow: ${outcome.cpuMs.toFixed(0)} ms CPU, bound ${outcome.boundMs.toFixed(0)} ms`;
    case 'hang':
      return `hang: killed after ${outcome.wallMs} ms`;
    case 'died':
      return `process died: ${outcome.detail}`;
    default:
      return `ok in ${outcome.cpuMs.toFixed(0)} ms CPU`;
  }
}

/** Crashes are reduced and kept; slow cases and hangs are reported with their replay id (their size is the point). */
async function keep(runner: Runner, failure: Failure, save: boolean): Promise<string | undefined> {
  const { fuzzCase, outcome } = failure;
  if (outcome.kind !== 'error' && outcome.kind !== 'died') {
    return undefined;
  }
  const wanted = signature(outcome);
  console.log(`\nreducing ${fuzzCase.id} (${fuzzCase.bytes.length} bytes; at most 400 runs or two minutes)…`);
  const reduced = await reduce(fuzzCase.bytes, async (candidate, remainingMs) => signature(await runner.run({ ...fuzzCase, bytes: candidate }, remainingMs)) === wanted);
  const name = fixtureName(outcome, reduced);
  if (save) {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(join(FIXTURES, name), reduced);
  }
  const shown = reduced.length <= 200 ? `: ${JSON.stringify(reduced.toString('latin1'))}` : '';
  return `${relative(ROOT, join(FIXTURES, name))} (${reduced.length} bytes, from ${fuzzCase.bytes.length})${shown}`;
}

function report(fuzzCase: FuzzCase, outcome: Outcome): void {
  console.log(`\n${fuzzCase.id} ${fuzzCase.fileName} ${fuzzCase.bytes.length} bytes: ${fuzzCase.description}`);
  console.log(`  ${describe(outcome).split('\n').join('\n  ')}`);
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const limits = options.quick ? QUICK_LIMITS : LONG_LIMITS;
  const seeds = loadSeeds();
  const runner = await Runner.create();
  process.on('SIGINT', () => {
    runner.close();
    process.exit(130);
  });
  try {
    if (options.replay) {
      const fuzzCase = makeCase(options.replay.seed, options.replay.index, seeds, limits);
      if (options.write) {
        writeFileSync(options.write, fuzzCase.bytes);
      }
      const outcome = await runner.run(fuzzCase);
      report(fuzzCase, outcome);
      if (outcome.kind === 'ok') {
        console.log(`  bound ${timeBoundMs(fuzzCase.bytes.length).toFixed(0)} ms`);
        return 0;
      }
      const kept = await keep(runner, { fuzzCase, outcome }, options.save);
      if (kept) {
        console.log(`  reduced: ${kept}`);
      }
      return 1;
    }
    const until = options.minutes === undefined ? undefined : Date.now() + options.minutes * 60_000;
    console.log(`fuzz: seed ${options.seed}, ${options.quick ? 'quick' : 'long'} limits, ${seeds.length} seed recipes`);
    let shown = Date.now();
    const summary = await fuzz(runner, seeds, {
      seed: options.seed,
      limits,
      cases: options.cases,
      until,
      onCase: (fuzzCase, outcome) => {
        if (outcome.kind !== 'ok') {
          report(fuzzCase, outcome);
        } else if (Date.now() - shown > 30_000) {
          shown = Date.now();
          console.log(`… case ${fuzzCase.id}`);
        }
      },
    });
    const kept: string[] = [];
    for (const failure of summary.failures) {
      const fixture = await keep(runner, failure, options.save);
      if (fixture) {
        kept.push(fixture);
      }
    }
    console.log(
      `\nfuzz: ${summary.cases} cases, ${summary.failures.length} findings; slowest passing case at ${(summary.worstRatio * 100).toFixed(0)}% of its CPU bound` +
        (summary.worstCase ? ` (${summary.worstCase.id}, ${summary.worstCase.bytes.length} bytes: ${summary.worstCase.description})` : ''),
    );
    for (const fixture of kept) {
      console.log(`  kept ${fixture}`);
    }
    for (const { fuzzCase, outcome } of summary.failures.filter((f) => f.outcome.kind === 'slow' || f.outcome.kind === 'hang')) {
      console.log(`  ${outcome.kind}: npm run fuzz -- --replay ${fuzzCase.id}${options.quick ? ' --quick' : ''}`);
    }
    return summary.failures.length === 0 ? 0 : 1;
  } finally {
    runner.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);

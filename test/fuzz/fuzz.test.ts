// The fuzzer as a test: a fixed, bounded set of seeded cases and every kept regression fixture must be
// analysed without an exception, a crash or a hang, within a CPU time proportional to their size.
// The long run is `npm run fuzz -- --minutes N` (test/fuzz/run.ts).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fuzz, loadFixtures, loadSeeds, makeCase, QUICK_LIMITS, reduce, Runner, signature, type Outcome } from './fuzzer';
import { cpuMs, cpuMsUntil, loadShapes, shapeWork, type Shape } from './shapes';

/** The seed and size of the run in `npm test`; change the seed only together with a reason. */
const SEED = 20261206;
const CASES = 250;

let runner: Runner;
before(async () => {
  runner = await Runner.create();
});
after(() => runner.close());

function describe(outcome: Outcome): string {
  return outcome.kind === 'error' ? outcome.stack : JSON.stringify(outcome);
}

test('every regression fixture from earlier fuzz runs is analysed cleanly', async () => {
  for (const fixture of loadFixtures()) {
    const outcome = await runner.run({ bytes: fixture.bytes, fileName: 'Dockerfile', position: { line: 0, character: 0 } });
    assert.equal(outcome.kind, 'ok', `${fixture.name}: ${describe(outcome)}`);
  }
});

/**
 * Eight times the input may cost about eight times the CPU time; the quadratic code these shapes caught
 * took 30 to 130 times as long. A ratio, not a time: it holds on a loaded machine.
 */
const GROWTH_LIMIT = 20;
/**
 * A ratio measured below this is linear beyond doubt (linear shapes measure 5-11x), so the shape needs no more
 * measurements. Load can lower a measured ratio only by slowing the small input's block, and a quadratic shape
 * (30x and more) would need that block slowed some 2.5-fold.
 */
const CLEARLY_LINEAR = 12;
/**
 * …and one at or above this after two measurements is super-linear beyond doubt (the worst a loaded machine ever
 * made of a linear shape was 27x, with blocks of a few milliseconds), so a regression fails without five
 * measurements of its slow large input.
 */
const CLEARLY_SUPER_LINEAR = 2 * GROWTH_LIMIT;
/** Measurements (a timed block of each input) of a shape at most: a quadratic shape stays over the limit in each, a burst of load or a GC does not. */
const MEASUREMENTS = 5;
/** Each timed block lasts at least this long (ms), so that the kernel's CPU accounting does not round it away. */
const BLOCK_MS = 40;

/**
 * CPU time of 8× the input over that of the input: a timed block of the large input (repeated until it lasts
 * `BLOCK_MS`), then one of eight times as many runs of the small input (the same work), the least of each over the
 * measurements so far, measured again while the ratio is in doubt. The first block also compiles the code: it can only
 * raise the first ratio.
 */
function growthRatio(shape: Shape): { small: number; large: number; ratio: number; measurements: number } {
  const large = shapeWork(shape, shape.units * 8);
  const small = shapeWork(shape, shape.units);
  let largeMs = Infinity;
  let smallMs = Infinity;
  let measurements = 0;
  const inDoubt = (ratio: number): boolean => ratio >= CLEARLY_LINEAR && (measurements < 2 || ratio < CLEARLY_SUPER_LINEAR);
  do {
    const block = cpuMsUntil(large, BLOCK_MS);
    largeMs = Math.min(largeMs, block.ms / block.runs);
    smallMs = Math.min(smallMs, cpuMs(small, 8 * block.runs) / (8 * block.runs));
    measurements++;
  } while (measurements < MEASUREMENTS && inDoubt(largeMs / smallMs));
  return { small: smallMs, large: largeMs, ratio: largeMs / smallMs, measurements };
}

test('input shapes that were once super-linear grow linearly (test/fixtures/fuzz/shapes)', (t) => {
  const shapes = loadShapes();
  assert.ok(shapes.length > 0);
  for (const shape of shapes) {
    const { small, large, ratio, measurements } = growthRatio(shape);
    t.diagnostic(`${shape.name}: ${small.toFixed(1)} ms → ${large.toFixed(1)} ms for 8× the input (${ratio.toFixed(1)}×, ${measurements} measured)`);
    assert.ok(ratio < GROWTH_LIMIT, `${shape.name}: 8× the input took ${ratio.toFixed(0)}× the CPU time (${small.toFixed(1)} → ${large.toFixed(1)} ms); ${shape.why}`);
  }
});

test(`${CASES} seeded fuzz cases: no exception, crash or hang, CPU time within the size bound`, async (t) => {
  const seeds = loadSeeds();
  assert.ok(seeds.length > 0);
  const summary = await fuzz(runner, seeds, { seed: SEED, cases: CASES, limits: QUICK_LIMITS });
  t.diagnostic(`${summary.cases} cases from ${seeds.length} seed recipes; slowest at ${(summary.worstRatio * 100).toFixed(0)}% of its bound`);
  assert.deepEqual(
    summary.failures.map(({ fuzzCase, outcome }) => `${fuzzCase.id} (${fuzzCase.description}, ${fuzzCase.bytes.length} bytes): ${describe(outcome)}`),
    [],
    'replay one with: npm run fuzz -- --replay SEED:INDEX',
  );
});

test('cases are repeatable: the same seed and index give the same bytes', () => {
  const seeds = loadSeeds();
  for (const index of [0, 7, 99]) {
    const a = makeCase(SEED, index, seeds, QUICK_LIMITS);
    const b = makeCase(SEED, index, seeds, QUICK_LIMITS);
    assert.ok(a.bytes.equals(b.bytes) && a.description === b.description && a.fileName === b.fileName, a.id);
  }
  assert.ok(!makeCase(SEED, 1, seeds, QUICK_LIMITS).bytes.equals(makeCase(SEED, 2, seeds, QUICK_LIMITS).bytes));
});

/**
 * A runner whose child fails on purpose on inputs marked FUZZ-SELF-TEST-THROW, -HANG or -EXIT, shared by the
 * harness's own tests. Its own hang limit is a minute: a case that hangs is cut short by the limit the test gives it.
 */
let planted: Runner | undefined;
async function plantedRunner(): Promise<Runner> {
  planted ??= await Runner.create({ env: { HPCLINT_FUZZ_SELF_TEST: '1' }, hangAfterMs: 60_000 });
  return planted;
}
after(() => planted?.close());

/** A hang is noticed after this long (ms). */
const HANG_MS = 1000;
const at = { fileName: 'Dockerfile', position: { line: 0, character: 0 } };

test('the harness notices an exception, a dead process and a hang, and reduces a crash to its cause', async () => {
  const runner = await plantedRunner();
  const input = (marker: string): Buffer => Buffer.from(`FROM ubuntu:24.04\nRUN make\n# FUZZ-SELF-TEST-${marker}\nRUN echo done\n`);
  const thrown = await runner.run({ ...at, bytes: input('THROW') });
  assert.equal(signature(thrown), 'error: Error: planted crash');
  assert.equal((await runner.run({ ...at, bytes: input('EXIT') })).kind, 'died');
  assert.equal((await runner.run({ ...at, bytes: input('HANG') }, HANG_MS)).kind, 'hang');
  // The runner restarts its child after a death or a hang.
  assert.equal((await runner.run({ ...at, bytes: Buffer.from('FROM ubuntu:24.04\n') })).kind, 'ok');
  const reduced = await reduce(input('THROW'), async (candidate) => signature(await runner.run({ ...at, bytes: candidate })) === signature(thrown));
  assert.equal(reduced.toString(), 'FUZZ-SELF-TEST-THROW');
  // Out of time, the reduction keeps what it has: here, the whole input, without running a candidate.
  let runs = 0;
  const unreduced = await reduce(input('THROW'), async () => ++runs > 0, 400, -1);
  assert.equal(unreduced.toString(), input('THROW').toString());
  assert.equal(runs, 0);
});

// A reduction checked its budget only between candidates, so one candidate could run for its whole hang limit
// (over three minutes for 2 MB) past it, and a crash that takes half a minute per run kept a finished ten-minute
// run busy for many minutes with nothing printed. Each candidate now gets what is left of the budget.
test('a reduction ends within its time budget even when a candidate hangs', { timeout: 30_000 }, async () => {
  // Without the cap the first candidate would hang for the runner's own limit (a minute), past the test's timeout.
  const runner = await plantedRunner();
  const outcomes: Outcome[] = [];
  const input = Buffer.from('FROM ubuntu:24.04\nRUN make\n# FUZZ-SELF-TEST-HANG\nRUN echo done\n');
  const reduced = await reduce(
    input,
    async (candidate, remainingMs) => {
      const outcome = await runner.run({ ...at, bytes: candidate }, remainingMs);
      outcomes.push(outcome);
      return outcome.kind === 'hang';
    },
    400,
    1000,
  );
  assert.ok(outcomes.length > 0);
  for (const outcome of outcomes) {
    assert.ok(outcome.kind !== 'hang' || outcome.wallMs < 30_000, JSON.stringify(outcome));
  }
  assert.ok(reduced.toString().includes('FUZZ-SELF-TEST-HANG'));
  // The runner goes on with its own limit afterwards.
  assert.equal((await runner.run({ ...at, bytes: Buffer.from('FROM ubuntu:24.04\n') })).kind, 'ok');
});

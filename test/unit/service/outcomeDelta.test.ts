// A document's lint outcome sent as a delta against the previous one (server/src/service/outcomeDelta.ts): what the
// owner rebuilds is always the outcome the worker computed, whatever was lost, dropped or forgotten in between.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import type { LintOutcome } from '../../../server/src/service/jobs';
import { OutcomeDecoder, OutcomeEncoder, sameData } from '../../../server/src/service/outcomeDelta';

function finding(code: string, line: number, extra: Partial<HpcDiagnostic> = {}): HpcDiagnostic {
  return {
    code,
    name: code.toLowerCase(),
    category: 'build',
    severity: 'warning',
    message: `${code} on line ${line}`,
    range: { start: { line, character: 0 }, end: { line, character: 3 } },
    fixes: [{ title: 'fix it', safe: true, edits: [{ range: { start: { line, character: 0 }, end: { line, character: 3 } }, newText: 'RUN' }] }],
    source: 'hpclint',
    ...extra,
  };
}

function outcome(diagnostics: HpcDiagnostic[], statements: number[] = [0, 0, 1, 2]): LintOutcome {
  return { format: 'dockerfile', diagnostics, statements, wantedScripts: [] };
}

/** What a worker thread's message delivers: a structured clone. */
function send<T>(value: T): T {
  return structuredClone(value);
}

/** One lint of `document` (job `id`) through both sides, as the pool and its worker run it. */
function roundTrip(encoder: OutcomeEncoder, decoder: OutcomeDecoder, document: string, id: number, computed: LintOutcome) {
  const sent = send(encoder.encode(document, id, decoder.baseOf(document), computed));
  return { sent, received: decoder.decode(document, id, sent.outcome, sent.delta) };
}

describe('outcome deltas', () => {
  const a = finding('HPC-A', 1);
  const b = finding('HPC-B', 2);
  const c = finding('HPC-C', 3);

  test('the first outcome goes whole; the next one names the base and sends only new findings, in order', () => {
    const encoder = new OutcomeEncoder();
    const decoder = new OutcomeDecoder();
    const first = roundTrip(encoder, decoder, 'file:///Dockerfile', 1, outcome([a, b]));
    assert.equal(first.sent.delta, undefined);
    assert.deepEqual(first.received, outcome([a, b]));

    const changedB = finding('HPC-B', 2, { message: 'changed' });
    const next = outcome([c, a, changedB, send(a)]);
    const second = roundTrip(encoder, decoder, 'file:///Dockerfile', 2, next);
    assert.equal(second.sent.delta?.base, 1);
    assert.deepEqual(second.sent.delta?.reused, [-1, 0, -1, -1], 'a finding of the base is reused once');
    assert.deepEqual(second.sent.delta?.fresh, [c, changedB, a]);
    assert.deepEqual(second.sent.outcome.diagnostics, []);
    assert.equal(second.sent.delta?.sameStatements, true);
    assert.equal('statements' in second.sent.outcome, false, 'unchanged statement lines are not sent');
    assert.deepEqual(second.received, next);
    assert.equal(second.received.diagnostics[1], first.received.diagnostics[0], "the owner's copy of the base finding");
  });

  test('findings before and after an edit are matched in place; shifted ones are sent again', () => {
    const encoder = new OutcomeEncoder();
    const decoder = new OutcomeDecoder();
    roundTrip(encoder, decoder, 'd', 1, outcome([a, b, c]));
    const shifted = finding('HPC-C', 4);
    const next = outcome([a, finding('HPC-B', 2, { severity: 'error' }), shifted], [0, 0, 1, 3]);
    const { sent, received } = roundTrip(encoder, decoder, 'd', 2, next);
    assert.deepEqual(sent.delta?.reused, [0, -1, -1]);
    assert.equal(sent.delta?.sameStatements, false);
    assert.deepEqual(received, next);
  });

  test('a finding differing only in its fixes, key order or a nested field is not reused', () => {
    const withOtherFix = finding('HPC-A', 1, { fixes: [{ ...a.fixes[0], safe: false }] });
    const reordered: HpcDiagnostic = { name: a.name, code: a.code, category: a.category, severity: a.severity, message: a.message, range: a.range, fixes: a.fixes, source: a.source };
    const related = finding('HPC-A', 1, { related: [{ path: 'run.sh', range: a.range, message: 'here' }] });
    for (const other of [withOtherFix, reordered, related]) {
      const encoder = new OutcomeEncoder();
      const decoder = new OutcomeDecoder();
      roundTrip(encoder, decoder, 'd', 1, outcome([a]));
      const { sent, received } = roundTrip(encoder, decoder, 'd', 2, outcome([other]));
      assert.deepEqual(sent.delta?.reused, [-1]);
      assert.deepEqual(received, outcome([other]));
      assert.deepEqual(Object.keys(received.diagnostics[0]), Object.keys(other));
    }
  });

  test('a base the owner no longer holds (a dropped result, another worker, a forgotten document) gets a whole outcome', () => {
    const encoder = new OutcomeEncoder();
    const decoder = new OutcomeDecoder();
    roundTrip(encoder, decoder, 'd', 1, outcome([a]));
    // Job 2's result never reached the owner: its base is still 1, the worker's last is 2.
    encoder.encode('d', 2, decoder.baseOf('d'), outcome([a, b]));
    const third = roundTrip(encoder, decoder, 'd', 3, outcome([a, b, c]));
    assert.equal(third.sent.delta, undefined);
    assert.deepEqual(third.received, outcome([a, b, c]));

    decoder.forget('d');
    const afterOwnerForgot = roundTrip(encoder, decoder, 'd', 4, outcome([a]));
    assert.equal(afterOwnerForgot.sent.delta, undefined);
    encoder.forget('d');
    const afterWorkerForgot = roundTrip(encoder, decoder, 'd', 5, outcome([b]));
    assert.equal(afterWorkerForgot.sent.delta, undefined);
    assert.deepEqual(afterWorkerForgot.received, outcome([b]));

    const other = roundTrip(encoder, decoder, 'e', 6, outcome([a]));
    assert.equal(other.sent.delta, undefined, 'documents are kept apart');
  });

  test('a delta against a base the owner does not hold is refused, never misread', () => {
    const encoder = new OutcomeEncoder();
    encoder.encode('d', 1, undefined, outcome([a]));
    const sent = send(encoder.encode('d', 2, 1, outcome([a, b])));
    assert.ok(sent.delta);
    assert.throws(() => new OutcomeDecoder().decode('d', 2, sent.outcome, sent.delta), /not the one held/);
  });

  test('sameData compares as a structured clone delivers', () => {
    assert.ok(sameData({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }], c: undefined }));
    assert.ok(!sameData({ a: 1, b: 2 }, { b: 2, a: 1 }), 'key order');
    assert.ok(!sameData({ a: undefined }, {}), 'a key with undefined');
    assert.ok(!sameData([1, 2], { 0: 1, 1: 2 }));
    assert.ok(!sameData(0, -0));
    assert.ok(sameData(Number.NaN, Number.NaN));
    assert.ok(!sameData(null, {}));
  });
});

// Facts that age are data with dates: every entry of server/src/data carries `asOf` and `sources`, and
// `npm run data:check` reports stale entries and passed dates without failing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import cudaDriver from '../../server/src/data/cuda-driver.json';
import eol from '../../server/src/data/eol.json';
import imageWeight from '../../server/src/data/image-weight.json';
import licensing from '../../server/src/data/licensing.json';
import ngc from '../../server/src/data/ngc.json';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const URL = /^https:\/\/\S+$/;

function assertDated(what: string, entry: { asOf?: unknown; sources?: unknown }): void {
  assert.match(String(entry.asOf), DATE, `${what}: asOf`);
  assert.ok(Array.isArray(entry.sources) && entry.sources.length > 0, `${what}: sources`);
  for (const source of entry.sources as unknown[]) {
    assert.match(String(source), URL, `${what}: source ${String(source)}`);
  }
}

test('every EOL cycle, CUDA driver row, NGC base, licensing and image-weight entry has an as-of date and sources', () => {
  for (const [name, product] of Object.entries(eol.products)) {
    for (const cycle of product.cycles) {
      assertDated(`eol ${name} ${cycle.cycle}`, cycle);
      assert.match(cycle.eol, DATE, `eol ${name} ${cycle.cycle}: eol`);
    }
  }
  for (const [version, row] of [...Object.entries(cudaDriver.toolkitDriver), ...Object.entries(cudaDriver.minorCompatibility)]) {
    assertDated(`cuda ${version}`, row);
    assert.ok(row.driver === null ? 'unconfirmed' in row : Number.isInteger(row.driver), `cuda ${version}: a driver branch, or null with the reason`);
  }
  for (const entry of [...ngc.anchors, ...ngc.ranges]) {
    assertDated(`ngc ${'release' in entry ? entry.release : `${entry.from}-${entry.to}`}`, entry);
  }
  for (const [name, sdk] of Object.entries(licensing.proprietarySdks)) {
    assertDated(`licensing ${name}`, sdk);
  }
  for (const [name, entry] of [...Object.entries(imageWeight.caches), ...Object.entries(imageWeight.pipPackages), ['cudaDevelBase', imageWeight.cudaDevelBase], ['cudaRunfile', imageWeight.cudaRunfile]] as const) {
    assertDated(`image weight ${name}`, entry);
  }
});

test('the tables cover the releases the audit asked for', () => {
  const cycles = (product: keyof typeof eol.products): string[] => eol.products[product].cycles.map((cycle) => cycle.cycle);
  assert.ok(cycles('ubuntu').includes('25.04') && cycles('ubuntu').includes('25.10'), 'Ubuntu interim releases');
  for (const product of ['fedora', 'opensuse-leap', 'sles', 'amazonlinux', 'oraclelinux'] as const) {
    assert.ok(cycles(product).length > 0, product);
  }
  for (const product of ['almalinux', 'rocky', 'ubi', 'oraclelinux'] as const) {
    assert.ok(cycles(product).includes('10'), `${product} 10`);
  }
  assert.deepEqual(
    ['13.1', '13.2', '13.3', '13.4', '13.5'].filter((version) => !(version in cudaDriver.toolkitDriver)),
    [],
    'CUDA 13.x releases',
  );
});

test('npm run data:check lists stale entries and passed dates, and exits 0', () => {
  const run = spawnSync(process.execPath, ['scripts/data-check.mjs', '--today', '2026-12-06'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.match(run.stdout, /^data:check 2026-12-06: \d+ dated entries in server\/src\/data\n/);
  assert.match(run.stdout, /eol\.json products\.ubuntu: \d+ entries, as of 2026-08-22\n/);
  assert.match(run.stdout, /eol\.json products\.python\.cycles\[\d+\] \(3\.10\): eol 2026-10-31 has passed since it was confirmed on 2026-08-22/);
  const early = spawnSync(process.execPath, ['scripts/data-check.mjs', '--today', '2026-09-01'], { encoding: 'utf8' });
  assert.equal(early.status, 0);
  assert.doesNotMatch(early.stdout, /more than 90 days/);
  assert.doesNotMatch(early.stdout, /3\.10/);
});

// `hpclint site …` and `--site` through the bundled CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseProfileText } from '../../server/src/site/load';
import { runCli } from './helpers';

test('site list, show and schema print the bundled profiles and the schema', () => {
  const list = runCli(['site', 'list']);
  assert.equal(list.status, 0);
  assert.deepEqual(list.stdout.trim().split('\n').map((line) => line.split(/\s+/)[0]), ['bede-gh', 'cscs-daint', 'generic-x86-64-v3-ib', 'lumi']);
  const show = runCli(['site', 'show', 'lumi']);
  assert.equal(show.status, 0);
  assert.equal(parseProfileText(show.stdout, 'shown').name, 'lumi');
  assert.match(show.stdout, /docs\.lumi-supercomputer\.eu/);
  const schema = runCli(['site', 'schema']);
  assert.equal(JSON.parse(schema.stdout).title, 'hpclint site profile');
  assert.equal(runCli(['site', 'show', 'nowhere']).status, 2);
});

test('site check rejects a malformed profile with file:line and accepts a valid one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-site-cli-'));
  try {
    writeFileSync(join(dir, 'bad.hpclint-site.yaml'), 'name: bad\npartitions:\n  - name: gpu\n    cpu: { arch: x86_64 }\n    gpus:\n      - vendor: nvidai\n');
    const bad = runCli(['site', 'check', 'bad.hpclint-site.yaml'], { cwd: dir });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, `hpclint: invalid site profile ${join(dir, 'bad.hpclint-site.yaml')}:6: "partitions[0].gpus[0].vendor": unknown value "nvidai" (did you mean "nvidia"?)\n`);
    writeFileSync(join(dir, 'good.hpclint-site.yaml'), 'name: good\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64, microarch: znver4 }\n');
    const good = runCli(['site', 'check', 'good.hpclint-site.yaml'], { cwd: dir });
    assert.equal(good.status, 0, good.stderr);
    assert.equal(good.stdout, 'good.hpclint-site.yaml: valid site profile "good" (1 partition)\n');

    const lint = runCli(['--site', 'bad.hpclint-site.yaml', 'Dockerfile'], { cwd: dir });
    assert.equal(lint.status, 2);
    assert.match(lint.stderr, /^hpclint: invalid site profile .*bad\.hpclint-site\.yaml:6: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--site names a bundled profile or fails with the list of names', () => {
  const unknown = runCli(['--site', 'lumii', '--stdin'], { input: 'FROM ubuntu:24.04\n' });
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, 'hpclint: --site: unknown site profile "lumii" (bundled: bede-gh, cscs-daint, generic-x86-64-v3-ib, lumi; or give a path to a profile file)\n');
  const partition = runCli(['--site', 'lumi:gpu', '--stdin'], { input: 'FROM ubuntu:24.04\n' });
  assert.equal(partition.stderr, 'hpclint: --site: site "lumi" has no partition "gpu" (partitions: lumi-c, lumi-g)\n');
  const ok = runCli(['--site', 'lumi', '--site', 'cscs-daint', '--stdin', '--fail-on', 'never'], { input: 'FROM ubuntu:24.04\n' });
  assert.equal(ok.status, 0, ok.stderr);
});

test('site init writes a valid profile here and on a machine without any probed tool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-site-init-'));
  try {
    const here = runCli(['site', 'init', '--name', 'here', '-o', 'here.hpclint-site.yaml'], { cwd: dir });
    assert.equal(here.status, 0, here.stderr);
    const written = parseProfileText(readFileSync(join(dir, 'here.hpclint-site.yaml'), 'utf8'), 'here');
    assert.equal(written.name, 'here');
    assert.ok(written.host?.kernel && written.sources?.['host.kernel']);

    const bare = runCli(['site', 'init', '--partition', 'login'], { cwd: dir, env: { PATH: join(dir, 'no-tools-here') } });
    assert.equal(bare.status, 0, bare.stderr);
    const profile = parseProfileText(bare.stdout, 'bare');
    assert.equal(profile.partitions[0].name, 'login');
    assert.equal(profile.mpi, undefined);
    assert.equal(profile.pmi, undefined);
    assert.equal(profile.runtimes, undefined);
    assert.ok(profile.partitions[0].gpus === undefined);

    const badOption = runCli(['site', 'init', '--timeout', 'soon']);
    assert.equal(badOption.status, 2);
    assert.equal(badOption.stderr, 'hpclint site init: --timeout needs a positive number of milliseconds\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the README site example is what the CLI prints (generic and site-aware findings for the same recipe)', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```text\n\$ npx hpclint ((?:--site \S+ )*)examples\/site-aware\/Dockerfile\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 2, 'two example blocks');
  for (const [, flags, shown] of blocks) {
    const run = runCli([...flags.trim().split(/\s+/).filter(Boolean), 'examples/site-aware/Dockerfile', '--fail-on', 'never']);
    assert.equal(run.status, 0, run.stderr);
    for (const line of shown.trim().split('\n')) {
      assert.ok(run.stdout.split('\n').includes(line), `README line not printed by hpclint ${flags}:\n${line}`);
    }
  }
});

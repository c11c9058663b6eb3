// The CLI reads the scripts a recipe copies in and runs from the recipe's directory, inside its repository
// (#12 item 10, #15 item 4), and reports their findings on the RUN and at the script's own path and line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseJson, runCli, sarifValidator } from './helpers';

const temp = mkdtempSync(join(tmpdir(), 'hpclint-copied-'));
const repository = join(temp, 'repo');
const project = join(repository, 'app');
mkdirSync(join(repository, '.git'), { recursive: true });
mkdirSync(project, { recursive: true });
writeFileSync(join(temp, 'outside.sh'), 'git clone https://github.com/example/outside.git\n');
writeFileSync(
  join(project, 'Dockerfile'),
  ['FROM ubuntu:24.04', 'COPY build.sh /opt/build.sh', 'RUN bash /opt/build.sh', 'COPY fetch.sh /opt/', 'RUN sh /opt/fetch.sh', ''].join('\n'),
);
writeFileSync(join(project, 'build.sh'), ['#!/bin/sh', 'set -e', 'git clone https://github.com/example/solver.git', ''].join('\n'));
symlinkSync(join(temp, 'outside.sh'), join(project, 'fetch.sh'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface Related {
  path: string;
  line: number;
  column: number;
  message: string;
}

test('text: the finding on the RUN, then the script path and line; the link out of the repository is not read', () => {
  const run = runCli(['Dockerfile'], { cwd: project });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stdout.split('\n');
  const clone = lines.findIndex((line) => line.startsWith('Dockerfile:3:5 warning HPC-MAINT-001 build.sh line 3 (run here): `git clone'));
  assert.ok(clone >= 0, run.stdout);
  assert.equal(lines[clone + 1], '  build.sh:3:5 (the line in the script)');
  assert.ok(
    lines.includes(
      'Dockerfile:5:5 info HPC-USE-010 RUN runs `fetch.sh`, copied in from the build context, but hpclint cannot see inside (fetch.sh leads outside the workspace): its commands are not checked for HPC pitfalls.',
    ),
    run.stdout,
  );
  assert.ok(!run.stdout.includes('outside.git'), 'the script behind the link was not read');
});

test('json and sarif carry the script location; paths follow the recipe path as given', () => {
  const json = parseJson(runCli(['--format', 'json', 'app/Dockerfile'], { cwd: repository }));
  const clone = json.files[0].diagnostics.find((d) => d.code === 'HPC-MAINT-001') as unknown as { line: number; related: Related[] };
  assert.equal(clone.line, 3);
  assert.deepEqual(
    clone.related.map(({ path, line, column }) => ({ path, line, column })),
    [{ path: 'app/build.sh', line: 3, column: 5 }],
  );
  const sarif = JSON.parse(runCli(['--format', 'sarif', 'app/Dockerfile'], { cwd: repository }).stdout) as {
    runs: Array<{ results: Array<{ ruleId: string; relatedLocations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }>;
  };
  const validate = sarifValidator();
  assert.ok(!validate || validate(sarif), JSON.stringify(validate?.errors));
  const result = sarif.runs[0].results.find((r) => r.ruleId === 'HPC-MAINT-001');
  assert.deepEqual(
    result?.relatedLocations?.map((location) => [location.physicalLocation.artifactLocation.uri, location.physicalLocation.region.startLine]),
    [['app/build.sh', 3]],
  );
});

test('stdin: scripts are read next to --stdin-filename, and not at all without it', () => {
  const text = ['FROM ubuntu:24.04', 'COPY build.sh /opt/build.sh', 'RUN bash /opt/build.sh', ''].join('\n');
  const named = runCli(['--stdin', '--stdin-filename', 'app/Dockerfile', '--format', 'json'], { cwd: repository, input: text });
  assert.ok(parseJson(named).files[0].diagnostics.some((d) => d.code === 'HPC-MAINT-001'));
  const anonymous = parseJson(runCli(['--stdin', '--format', 'json'], { cwd: project, input: text })).files[0].diagnostics;
  assert.deepEqual(
    anonymous.filter((d) => d.code === 'HPC-MAINT-001' || d.code === 'HPC-USE-010').map((d) => `${d.code} ${d.severity} ${d.line}`),
    ['HPC-USE-010 info 3'],
  );
});

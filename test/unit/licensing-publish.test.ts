// The `publish` setting drives the severity of the licensing rules (HPC-LIC-001, -004, -006, -007).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuleSettings } from '../../server/src/engine/rule';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { allRules } from '../../server/src/rules/index';
import { runRule, testSettings } from './ruleRunner';

function severities(code: string, text: string, format: RecipeFormat, publish?: RuleSettings['publish']): string[] {
  const rule = allRules.find((candidate) => candidate.meta.code === code);
  assert.ok(rule, `${code} is not registered`);
  return runRule(rule, text, format, testSettings(publish ? { publish } : {})).findings.map((finding) => `${finding.range.start.line + 1}:${finding.severity}`);
}

const SDK_DOCKERFILE = 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04\nRUN apt-get install -y intel-oneapi-mpi-devel\n';
const SDK_DEF = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%post\n    dnf install -y nvhpc-24-5\n';

test('HPC-LIC-001: public → warning, unknown → info, private → nothing', () => {
  assert.deepEqual(severities('HPC-LIC-001', SDK_DOCKERFILE, 'dockerfile', 'public'), ['1:warning', '2:warning']);
  assert.deepEqual(severities('HPC-LIC-001', SDK_DOCKERFILE, 'dockerfile'), ['1:info', '2:info']);
  assert.deepEqual(severities('HPC-LIC-001', SDK_DOCKERFILE, 'dockerfile', 'private'), []);
  assert.deepEqual(severities('HPC-LIC-001', SDK_DEF, 'apptainer', 'public'), ['5:warning']);
  assert.deepEqual(severities('HPC-LIC-001', SDK_DEF, 'apptainer', 'private'), []);
});

test('HPC-LIC-006: public → info, unknown → hint, private → nothing', () => {
  const text = 'FROM ubuntu:24.04\nRUN true\n';
  assert.deepEqual(severities('HPC-LIC-006', text, 'dockerfile'), ['1:hint']);
  assert.deepEqual(severities('HPC-LIC-006', text, 'dockerfile', 'public'), ['1:info']);
  assert.deepEqual(severities('HPC-LIC-006', text, 'dockerfile', 'private'), []);
});

test('HPC-LIC-003 does not depend on publish', () => {
  const text = 'FROM ubuntu:24.04\nENV LM_LICENSE_FILE=27000@licsrv\n';
  for (const publish of [undefined, 'public', 'private'] as const) {
    assert.deepEqual(severities('HPC-LIC-003', text, 'dockerfile', publish), ['2:warning']);
  }
});

const ISV_DOCKERFILE = 'FROM ubuntu:22.04\nRUN ./mpm install --release=R2024a --destination=/opt/matlab --products MATLAB\n';
const ISV_LABELLED = 'FROM ubuntu:22.04\nLABEL org.opencontainers.image.licenses="LicenseRef-Proprietary"\nRUN ./mpm install --products MATLAB\n';

test('HPC-LIC-004: public → error (even when labelled proprietary), unknown → info unless labelled, private → nothing', () => {
  assert.deepEqual(severities('HPC-LIC-004', ISV_DOCKERFILE, 'dockerfile', 'public'), ['2:error']);
  assert.deepEqual(severities('HPC-LIC-004', ISV_DOCKERFILE, 'dockerfile'), ['2:info']);
  assert.deepEqual(severities('HPC-LIC-004', ISV_DOCKERFILE, 'dockerfile', 'private'), []);
  assert.deepEqual(severities('HPC-LIC-004', ISV_LABELLED, 'dockerfile', 'public'), ['3:error']);
  assert.deepEqual(severities('HPC-LIC-004', ISV_LABELLED, 'dockerfile'), []);
});

test('HPC-LIC-007: error when public, warning when unknown, nothing when private', () => {
  const text = 'FROM registry.access.redhat.com/ubi9/ubi:9.4\nRUN subscription-manager register --auto-attach\n';
  assert.deepEqual(severities('HPC-LIC-007', text, 'dockerfile'), ['2:warning']);
  assert.deepEqual(severities('HPC-LIC-007', text, 'dockerfile', 'public'), ['2:error']);
  assert.deepEqual(severities('HPC-LIC-007', text, 'dockerfile', 'private'), []);
});

test('HPC-LIC-002: an error unless publish is private, where it is a warning', () => {
  const text = 'FROM ubuntu:24.04\nCOPY license.dat /opt/app/\n';
  assert.deepEqual(severities('HPC-LIC-002', text, 'dockerfile'), ['2:error']);
  assert.deepEqual(severities('HPC-LIC-002', text, 'dockerfile', 'public'), ['2:error']);
  assert.deepEqual(severities('HPC-LIC-002', text, 'dockerfile', 'private'), ['2:warning']);
});

test('HPC-LIC-001: the Cray PE and IBM Spectrum MPI follow publish like the other SDKs (no citable licence text makes them errors)', () => {
  const text = 'FROM ubuntu:24.04\nRUN apt-get install -y cray-mpich-dev ibm-spectrum-mpi\n';
  assert.deepEqual(severities('HPC-LIC-001', text, 'dockerfile', 'public'), ['2:warning', '2:warning']);
  assert.deepEqual(severities('HPC-LIC-001', text, 'dockerfile'), ['2:info', '2:info']);
  assert.deepEqual(severities('HPC-LIC-001', text, 'dockerfile', 'private'), []);
});

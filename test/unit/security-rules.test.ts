// Settings-dependent behaviour of the security rules (fixtures run with default settings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rule } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules/index';
import { formatRange, runRule, testSettings } from './ruleRunner';

function rule(code: string): Rule {
  const found = allRules.find((candidate) => candidate.meta.code === code);
  assert.ok(found, `${code} is not registered`);
  return found;
}

test('HPC-SEC-002 with trustedRegistries reports every base outside the allowlist', () => {
  const settings = testSettings({ trustedRegistries: ['docker.io/library', 'ghcr.io/myorg/', '*.example.org', 'https://index.docker.io/nvidia'] });
  const text = [
    'FROM ubuntu:24.04 AS a',
    'FROM index.docker.io/library/alpine:3.20',
    'FROM ghcr.io/myorg/base:1',
    'FROM ghcr.io/myorganisation/base:1',
    'FROM registry.example.org/tools/x:1',
    'FROM nvidia/cuda:12.4.1-base-ubuntu22.04',
    'FROM someuser/tool:1',
    'FROM a',
    'FROM scratch',
    '',
  ].join('\n');
  const { findings } = runRule(rule('HPC-SEC-002'), text, 'dockerfile', settings);
  assert.deepEqual(
    findings.map((finding) => [formatRange(finding.range), finding.severity]),
    [
      ['4:6-4:35', 'info'],
      ['7:6-7:21', 'info'],
    ],
  );
  assert.match(findings[0].message, /comes from `ghcr\.io\/myorganisation`, which is not in `trustedRegistries`/);
});

test('HPC-SEC-002 matches definition-file bases through their Registry, Namespace and Library headers', () => {
  const settings = testSettings({ trustedRegistries: ['registry.site.org/hpc', 'library.site.org'] });
  const text = [
    'Bootstrap: docker',
    'Registry: registry.site.org',
    'Namespace: hpc',
    'From: openmpi:4.1',
    '',
    'Bootstrap: library',
    'Library: https://library.site.org',
    'From: alice/default/base:1.0',
    '',
    'Bootstrap: library',
    'Library: https://cloud.sylabs.io',
    'From: alice/default/base:1.0',
    '',
    'Bootstrap: docker',
    'From: ubuntu:24.04',
    '',
  ].join('\n');
  const { findings } = runRule(rule('HPC-SEC-002'), text, 'apptainer', settings);
  assert.deepEqual(
    findings.map((finding) => formatRange(finding.range)),
    ['12:7-12:29', '15:7-15:19'],
  );
  assert.match(findings[1].message, /`docker\.io\/library`/);
});

test('HPC-SEC-002 without an allowlist leaves official images and known publishers alone', () => {
  const text = 'FROM ubuntu:24.04\nFROM nvidia/cuda:12.4.1-base-ubuntu22.04\nFROM quay.io/someone/tool:1\n';
  const { findings } = runRule(rule('HPC-SEC-002'), text, 'dockerfile');
  assert.deepEqual(findings, []);
});

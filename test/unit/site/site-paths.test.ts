// Site paths that the bundled profiles do not exercise, with small profiles written here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allRules } from '../../../server/src/rules/index';
import { parseProfileText } from '../../../server/src/site/load';
import type { Site } from '../../../server/src/site/profile';
import { applyFixes, runRule, testSettings } from '../ruleRunner';

function site(yaml: string): Site {
  const profile = parseProfileText(yaml, 'test.hpclint-site.yaml');
  return { profile, origin: 'test.hpclint-site.yaml', partitions: profile.partitions };
}

function rule(name: string) {
  const found = allRules.find((candidate) => candidate.meta.name === name);
  assert.ok(found, name);
  return found;
}

const BASE = 'name: campus\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64, microarch: icelake-server }\n';

test('HPC-CACHE-004: a registry the site mirrors is rewritten to the mirror (safe fix), for any registry', () => {
  const campus = site(`${BASE}registries:\n  mirrors:\n    - { upstream: docker.io, mirror: registry.campus.example/hub }\n    - { upstream: nvcr.io, mirror: registry.campus.example/nvcr/ }\n`);
  const text = 'FROM ubuntu:24.04 AS build\nFROM nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04\nFROM ghcr.io/org/tool:1.0\n';
  const { findings } = runRule(rule('use-registry-mirror'), text, 'dockerfile', testSettings({ sites: [campus] }));
  assert.deepEqual(
    findings.map((finding) => [finding.range.start.line, finding.fixes[0]?.edits[0].newText, finding.fixes[0]?.safe, finding.site?.name]),
    [
      [0, 'registry.campus.example/hub/library/ubuntu:24.04', true, 'campus'],
      [1, 'registry.campus.example/nvcr/nvidia/cuda:12.4.1-runtime-ubuntu22.04', true, 'campus'],
    ],
  );
  assert.match(findings[0].message, /^On campus: `ubuntu:24.04` comes from docker.io, which the site mirrors/);
  const fixed = applyFixes(text, findings, true).text;
  assert.equal(runRule(rule('use-registry-mirror'), fixed, 'dockerfile', testSettings({ sites: [campus] })).findings.length, 0);
  // `registryMirror` in .hpclint.yaml keeps speaking for Docker Hub: no second finding.
  const both = runRule(rule('use-registry-mirror'), 'FROM ubuntu:24.04\n', 'dockerfile', testSettings({ sites: [campus], registryMirror: 'cache.example/hub' })).findings;
  assert.deepEqual(both.map((finding) => finding.site?.name), [undefined]);
});

test('HPC-PERF-002: on Slingshot without an injected libfabric, a libfabric without --enable-cxi cannot drive the network', () => {
  const slingshot = site(`${BASE}interconnect: { type: slingshot, libraries: [libfabric], providers: [cxi] }\n`);
  const text = 'FROM ubuntu:24.04\nRUN cd libfabric-2.1.0 && ./configure --prefix=/usr && make install\nRUN cd libfabric-2.1.0 && ./configure --prefix=/usr --enable-cxi && make install\n';
  const { findings } = runRule(rule('interconnect-aware-mpi'), text, 'dockerfile', testSettings({ sites: [slingshot] }));
  assert.deepEqual(findings.map((finding) => [finding.range.start.line, finding.severity]), [[1, 'warning']]);
  assert.match(findings[0].message, /^On campus: This libfabric is built without `--enable-cxi`/);
});

test('HPC-PORT-008: the shipped CUDA against the site driver — too old is an error, minor-version compatibility is info, a new enough driver is silent', () => {
  const gpus = (driver: string) =>
    site(`name: gpus\npartitions:\n  - name: a100\n    cpu: { arch: x86_64, microarch: icelake-server }\n    gpus: [{ vendor: nvidia, model: A100, computeCapability: "8.0", driver: "${driver}" }]\n`);
  const text = 'FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN make\nFROM nvidia/cuda:13.0.0-runtime-ubuntu24.04\nRUN apt-get install -y cuda-toolkit-12-4\n';
  const run = (driver: string) => runRule(rule('cuda-host-driver'), text, 'dockerfile', testSettings({ sites: [gpus(driver)] })).findings;
  assert.deepEqual(
    run('535.129.03').map((finding) => [finding.range.start.line, finding.severity, finding.site?.fact]),
    [
      [2, 'error', 'partition a100: NVIDIA driver 535'],
      [3, 'info', 'partition a100: NVIDIA driver 535'],
    ],
  );
  assert.match(run('535.129.03')[0].message, /^On gpus: CUDA 13\.0 .* needs an NVIDIA driver of branch ≥580 .* but partition a100 runs 535: the first CUDA call fails/);
  assert.deepEqual(run('590').map((finding) => finding.severity), [], 'driver 590 runs CUDA 13.0 and 12.4; the build stage is not shipped');
});

test('HPC-PORT-007: EL10 bases need x86-64-v3 nodes, a glibc needs its minimum kernel, bound host libraries need the host glibc', () => {
  const campus = site(
    'name: campus\npartitions:\n  - name: old\n    cpu: { arch: x86_64, microarch: ivybridge }\n  - name: new\n    cpu: { arch: x86_64, microarch: znver3 }\n' +
      'mpi: { family: cray-mpich, abi: mpich, usage: bind }\nhost: { kernel: 3.10.0-1160.el7.x86_64, glibc: "2.31" }\n',
  );
  const run = (text: string) => runRule(rule('base-glibc-window'), text, 'dockerfile', testSettings({ sites: [campus] })).findings;
  const el10 = run('FROM rockylinux:10\n');
  assert.deepEqual(el10.map((finding) => [finding.severity, finding.site?.fact]), [['error', 'partition old: ivybridge']]);
  assert.match(el10[0].message, /^On campus: `rockylinux:10` is Enterprise Linux 10, built for x86-64-v3 .* partition old \(ivybridge\) lacks it, .*`Fatal glibc error: CPU does not support x86-64-v3`/);
  const bionic = run('FROM ubuntu:18.04\n');
  assert.deepEqual(bionic.map((finding) => [finding.severity, finding.site?.fact]), [['warning', 'host glibc 2.31']]);
  assert.match(bionic[0].message, /the host's cray-mpich \(bind model\) is bound into containers .* `ubuntu:18.04` has glibc 2\.27/);
  assert.deepEqual(run('FROM ubuntu:24.04\n'), [], 'glibc 2.39 ≥ 2.31 and kernel 3.10 ≥ 3.2');
  const ancient = site('name: ancient\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64 }\nhost: { kernel: 2.6.32-754.el6.x86_64 }\n');
  const tooOld = runRule(rule('base-glibc-window'), 'FROM rockylinux:9\n', 'dockerfile', testSettings({ sites: [ancient] })).findings;
  assert.deepEqual(tooOld.map((finding) => [finding.severity, finding.site?.fact]), [['error', 'host kernel 2.6.32-754.el6.x86_64']]);
});

test('HPC-PORT-011: distro MPICH names every site that swaps it for a host MPICH; sites that never swap it are silent; an unknown model keeps the generic note', () => {
  const bindSite = (name: string, version: string) =>
    site(`name: ${name}\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64 }\nmpi: { family: cray-mpich, version: "${version}", abi: mpich, usage: bind }\n`);
  const hybrid = site(`${BASE}mpi: { family: openmpi, version: "5.0", abi: openmpi, usage: hybrid }\n`);
  const unknownModel = site('name: other\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64 }\nmpi: { family: openmpi }\n');
  const text = 'FROM ubuntu:24.04\nRUN apt-get install -y mpich\n';
  const run = (...sites: Site[]) => runRule(rule('no-distro-mpich'), text, 'dockerfile', testSettings({ sites })).findings;
  const both = run(bindSite('alpha', '8.1.29'), hybrid, bindSite('beta', '8.1.31'));
  assert.deepEqual(
    both.map((finding) => [finding.range.start.line, finding.severity, finding.site?.name, finding.site?.fact]),
    [[1, 'info', 'alpha, beta', 'host MPI: cray-mpich 8.1.29 or cray-mpich 8.1.31, MPICH ABI, bind model']],
  );
  assert.match(both[0].message, /^On alpha and beta: the host's cray-mpich 8\.1\.29 or cray-mpich 8\.1\.31 is bound into containers and replaces the MPICH that `mpich` installs/);
  assert.deepEqual(run(hybrid), []);
  const generic = run(hybrid, unknownModel);
  assert.deepEqual(generic.map((finding) => [finding.severity, finding.site]), [['info', undefined]]);
  assert.match(generic[0].message, /^`mpich` installs the distribution's MPICH\./);
});

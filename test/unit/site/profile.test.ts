// Site profiles: the schema, the loader's file:line errors, the bundled profiles and config `site:` forms.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import schema from '../../../schemas/site-profile.schema.json';
import { ConfigError, parseConfigText } from '../../../server/src/engine/config';
import { bundledProfile, bundledProfileNames, parseProfileText, referenceFromArgument, resolveSiteReference } from '../../../server/src/site/load';
import { factSource, siteName } from '../../../server/src/site/profile';
import { BUNDLED_PROFILES } from '../../../server/src/site/profiles/index';
import { allRules } from '../../../server/src/rules/index';

const ajv = new Ajv({ strict: false, allErrors: true });
const ajvValidate = ajv.compile(schema);

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  return assert.fail('expected a ConfigError');
}

const MINIMAL = 'name: mini\npartitions:\n  - name: cpu\n    cpu: { arch: x86_64 }\n';

test('the bundled profiles are the four the issue asks for, valid under Ajv and under our validator', () => {
  assert.deepEqual(bundledProfileNames(), ['bede-gh', 'cscs-daint', 'generic-x86-64-v3-ib', 'lumi']);
  for (const name of bundledProfileNames()) {
    const profile = bundledProfile(name);
    assert.ok(profile, name);
    assert.equal(profile.name, name);
    assert.ok(ajvValidate(parse(BUNDLED_PROFILES[name])), `${name}: ${ajv.errorsText(ajvValidate.errors)}`);
  }
});

test('every fact of a bundled profile cites where it comes from', () => {
  const facts = (name: string): string[] => {
    const profile = bundledProfile(name);
    assert.ok(profile);
    const paths: string[] = [];
    for (const partition of profile.partitions) {
      paths.push(`partitions.${partition.name}.cpu`);
      if (partition.gpus) {
        paths.push(`partitions.${partition.name}.gpus`);
        if (partition.gpus.some((gpu) => gpu.driver)) {
          paths.push(`partitions.${partition.name}.gpus.driver`);
        }
      }
    }
    for (const key of ['mpi', 'pmi', 'interconnect', 'runtimes', 'registries', 'packageMirrors', 'computeNodeInternet'] as const) {
      if (profile[key] !== undefined) {
        paths.push(key);
      }
    }
    for (const key of Object.keys(profile.host ?? {})) {
      paths.push(`host.${key}`);
    }
    return paths.filter((path) => factSource(profile, path) === undefined);
  };
  for (const name of bundledProfileNames()) {
    assert.deepEqual(facts(name), [], `${name}: facts without a source`);
    for (const source of Object.values(bundledProfile(name)?.sources ?? {})) {
      const example = name.startsWith('generic-') && source.startsWith('example value (not a real site)');
      assert.ok(example || /https?:\/\//.test(source), `${name}: a source must link the documentation: ${source}`);
    }
  }
});

test('malformed profiles give one clear error naming file and line', () => {
  const cases: [string, string][] = [
    ['name: x\npartitions: []\n', 'p.yaml:2: "partitions" needs at least 1 entry'],
    ['name: x\n', 'p.yaml:1: the profile needs "partitions"'],
    ['name: Big\npartitions:\n  - name: c\n    cpu: { arch: x86_64 }\n', 'p.yaml:1: "name": "Big" must be lower case letters, digits, ".", "_" and "-" (e.g. "my-cluster")'],
    [MINIMAL + 'parttions: []\n', 'p.yaml:5: unknown key "parttions" in the profile (did you mean "partitions"?)'],
    ['name: x\npartitions:\n  - name: c\n    cpu: { arch: x86_64, microarch: znver7 }\n', 'p.yaml:4: "partitions[0].cpu.microarch": unknown value "znver7" (did you mean "znver1"?)'],
    ['name: x\npartitions:\n  - name: c\n    cpu: { arch: aarch64, microarch: znver3 }\n', 'p.yaml:3: partition "c": microarch "znver3" is not an aarch64 CPU (it is x86_64)'],
    [
      'name: x\npartitions:\n  - name: g\n    cpu: { arch: x86_64 }\n    gpus:\n      - vendor: nvidia\n        computeCapability: 9.0\n',
      'p.yaml:7: "partitions[0].gpus[0].computeCapability" must be a string, not a whole number (write it in quotes)',
    ],
    [MINIMAL + 'mpi: { family: openmpi, usage: bound }\n', 'p.yaml:5: "mpi.usage": unknown value "bound" (did you mean "bind"?)'],
    [MINIMAL + 'interconnect:\n  type: ib\n', 'p.yaml:6: "interconnect.type": unknown value "ib" (expected one of: infiniband, roce, slingshot, omnipath, efa, tcp)'],
    ['name: x\npartitions:\n  - name: c\n    cpu: { arch: x86_64 }\n  - name: c\n    cpu: { arch: x86_64 }\n', 'p.yaml:5: partition "c" is listed twice'],
    ['name: [x\n', 'p.yaml:2: invalid YAML: Missing , or : between flow sequence items'],
    ['', 'p.yaml:1: empty site profile: expected "name" and "partitions"'],
  ];
  for (const [text, expected] of cases) {
    const message = errorOf(() => parseProfileText(text, 'p.yaml'));
    if (expected.includes('invalid YAML')) {
      assert.match(message, /^p\.yaml:\d+: invalid YAML: /, text);
    } else {
      assert.equal(message, expected, text);
    }
  }
});

test('our validator and Ajv agree on what is a valid profile', () => {
  const samples = [
    MINIMAL,
    MINIMAL + 'mpi: { family: cray-mpich, abi: mpich, usage: bind }\npmi: [pmi2, cray_shasta]\n',
    MINIMAL + 'host: { glibc: "2.34", kernel: 5.14.0-427.el9.x86_64 }\n',
    MINIMAL + 'host: { glibc: "2" }\n',
    MINIMAL + 'registries: { mirrors: [{ upstream: docker.io, mirror: registry.example.org/hub }], trusted: [ghcr.io/org] }\n',
    MINIMAL + 'registries: { mirrors: [{ upstream: docker.io }] }\n',
    MINIMAL + 'packageMirrors: [{ kind: pypi, upstream: https://pypi.org/simple, mirror: https://m.example.org/pypi }]\n',
    MINIMAL + 'packageMirrors: [{ kind: pypi, upstream: pypi.org, mirror: https://m.example.org/pypi }]\n',
    MINIMAL + 'computeNodeInternet: "no"\n',
    MINIMAL + 'runtimes: []\n',
    MINIMAL + 'runtimes: [{ name: apptainer, version: "1.3.4" }]\n',
    MINIMAL + 'sources: { mpi: "" }\n',
    'name: g\npartitions:\n  - name: g\n    cpu: { arch: x86_64 }\n    gpus: [{ vendor: amd, target: gfx90a, driver: "6.2" }]\n',
    'name: g\npartitions:\n  - name: g\n    cpu: { arch: x86_64 }\n    gpus: [{ vendor: amd, target: sm_90 }]\n',
  ];
  for (const text of samples) {
    const ours = (() => {
      try {
        parseProfileText(text, 's.yaml');
        return true;
      } catch {
        return false;
      }
    })();
    assert.equal(ours, ajvValidate(parse(text)), text);
  }
});

test('config files name sites by bundled name, path, inline profile or { profile, partitions }; errors name the config line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpclint-site-'));
  try {
    writeFileSync(join(dir, 'ours.hpclint-site.yaml'), MINIMAL);
    const config = join(dir, '.hpclint.yaml');
    const sites = (text: string) => parseConfigText(text, config, allRules).sites?.map(siteName);
    assert.deepEqual(sites('site: lumi\n'), ['lumi']);
    assert.deepEqual(sites('site: ./ours.hpclint-site.yaml\n'), ['mini']);
    assert.deepEqual(sites('site: [lumi, cscs-daint]\n'), ['lumi', 'cscs-daint']);
    assert.deepEqual(sites('site:\n  profile: lumi\n  partitions: [lumi-g]\n'), ['lumi (lumi-g)']);
    assert.deepEqual(sites('site:\n  name: inline\n  partitions:\n    - name: a\n      cpu: { arch: aarch64, microarch: neoverse-v2 }\n'), ['inline']);

    assert.equal(errorOf(() => parseConfigText('rules: {}\nsite: lumii\n', config, allRules)), `${config}:2: unknown site profile "lumii" (bundled: bede-gh, cscs-daint, generic-x86-64-v3-ib, lumi; or give a path to a profile file)`);
    assert.equal(errorOf(() => parseConfigText('site:\n  profile: lumi\n  partitions: [gpu]\n', config, allRules)), `${config}:2: site "lumi" has no partition "gpu" (partitions: lumi-c, lumi-g)`);
    assert.equal(
      errorOf(() => parseConfigText('site:\n  name: inline\n  partitions:\n    - name: a\n      cpu: { arch: arm }\n', config, allRules)),
      `${config}:5: "partitions[0].cpu.arch": unknown value "arm" (expected one of: x86_64, aarch64, ppc64le)`,
    );
    assert.equal(errorOf(() => parseConfigText('site: 42\n', config, allRules)), `${config}:1: site must be a bundled profile name, a path to a profile file, a profile mapping, or a list of these`);
    assert.match(errorOf(() => parseConfigText('site: ./missing.hpclint-site.yaml\n', config, allRules)), /missing\.hpclint-site\.yaml:1: cannot read site profile: no such file or directory$/);
    writeFileSync(join(dir, 'bad.hpclint-site.yaml'), 'name: bad\npartitions:\n  - name: x\n    cpu: { arch: sparc }\n');
    assert.equal(
      errorOf(() => parseConfigText('site: bad.hpclint-site.yaml\n', config, allRules)),
      `${join(dir, 'bad.hpclint-site.yaml')}:4: "partitions[0].cpu.arch": unknown value "sparc" (expected one of: x86_64, aarch64, ppc64le)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--site values: bundled names, paths, and a partition filter after a colon', () => {
  assert.deepEqual(referenceFromArgument('lumi:lumi-g,lumi-c', '/w').partitions, ['lumi-g', 'lumi-c']);
  assert.equal(referenceFromArgument('lumi:lumi-g', '/w').profile, 'lumi');
  assert.equal(referenceFromArgument('C:\\sites\\x.hpclint-site.yaml', '/w').profile, 'C:\\sites\\x.hpclint-site.yaml');
  assert.equal(siteName(resolveSiteReference(referenceFromArgument('lumi:lumi-g', '/w'))), 'lumi (lumi-g)');
  assert.equal(errorOf(() => resolveSiteReference(referenceFromArgument('nowhere', '/w'))), '--site:1: unknown site profile "nowhere" (bundled: bede-gh, cscs-daint, generic-x86-64-v3-ib, lumi; or give a path to a profile file)');
});

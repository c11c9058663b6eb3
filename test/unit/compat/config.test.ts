// `.hadolint.yaml` as a lower configuration layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHadolintConfig } from '../../../server/src/compat/hadolintConfig';
import { ConfigError, defaultConfig, mergeConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { compact, haveShellCheck, shellcheckFindings } from '../shellcheck/helpers';
import { allRules } from '../../../server/src/rules/index';

const FULL = `# hadolint's own settings
failure-threshold: style
format: json
ignored:
  - DL3007
  - SC2154
override:
  error:
    - DL3002
  style:
    - DL3064
trustedRegistries:
  - docker.io
  - "*.gcr.io"
label-schema:
  org.opencontainers.image.licenses: spdx
  author: text
strict-labels: true
`;

test('the keys hpclint maps are read; the others are skipped', () => {
  assert.deepEqual(parseHadolintConfig(FULL, '.hadolint.yaml'), {
    // hadolint's style level is hpclint's hint.
    failOn: 'hint',
    trustedRegistries: ['docker.io', '*.gcr.io'],
    compat: [
      { key: 'DL3007', setting: 'off' },
      { key: 'SC2154', setting: 'off' },
      { key: 'DL3002', setting: 'error' },
      { key: 'DL3064', setting: 'hint' },
      { key: 'HPC-LIC-006', setting: 'warning' },
    ],
  });
  assert.deepEqual(parseHadolintConfig('trustedRegistries: my.registry.io\nfailure-threshold: none\n', 'x'), {
    trustedRegistries: ['my.registry.io'],
    failOn: 'never',
  });
  assert.deepEqual(parseHadolintConfig('', 'x'), {});
});

test('a broken .hadolint.yaml is a ConfigError with its line', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['ignored: [DL3007\n', 1, /invalid YAML/],
    ['ignored: DL3007\n', 1, /ignored must be a list/],
    ['override:\n  fatal:\n    - DL3002\n', 2, /unknown override level "fatal"/],
    ['failure-threshold: loud\n', 1, /failure-threshold must be/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseHadolintConfig(text, '/p/.hadolint.yaml'),
      (error: unknown) => error instanceof ConfigError && error.line === line && message.test(error.detail),
      text,
    );
  }
});

test('ignored and override apply through the DL mapping; hpclint\'s own rule settings win, and beat categories', () => {
  const text = 'FROM ubuntu:latest\nENV API_TOKEN=abc123secret\nUSER root\n';
  const hadolint = mergeConfig(defaultConfig(), parseHadolintConfig(FULL, '.hadolint.yaml'), allRules);
  const found = (config = hadolint): string[] =>
    lint(text, { rules: allRules, format: 'dockerfile', config })
      .diagnostics.filter((d) => /SEC-00[157]/.test(d.code))
      .map((d) => `${d.range.start.line + 1} ${d.code} ${d.severity}`);
  assert.deepEqual(found(defaultConfig()), ['1 HPC-SEC-001 hint', '2 HPC-SEC-005 error', '3 HPC-SEC-007 info']);
  assert.deepEqual(found(), ['2 HPC-SEC-005 hint', '3 HPC-SEC-007 error']);
  // A rule setting beats the hadolint entry; a hadolint entry (one check) beats a category severity.
  assert.deepEqual(found(mergeConfig(hadolint, { rules: { 'HPC-SEC-007': 'warning' }, categories: { security: 'info' } }, allRules)), [
    '2 HPC-SEC-005 hint',
    '3 HPC-SEC-007 warning',
  ]);
  assert.deepEqual(found(mergeConfig(hadolint, { categories: { security: 'off' } }, allRules)), []);
  assert.deepEqual(hadolint.settings.trustedRegistries, ['docker.io', '*.gcr.io']);
  assert.deepEqual(mergeConfig(hadolint, { trustedRegistries: ['ghcr.io/me'] }, allRules).settings.trustedRegistries, ['ghcr.io/me']);
});

test('.hadolint.yaml ignored/override reach ShellCheck findings by their SC code', (t) => {
  if (!haveShellCheck(t)) {
    return;
  }
  const text = 'FROM debian:12\nRUN echo $undefined && cd /tmp; make\n';
  const layer = parseHadolintConfig('ignored: [SC2154]\noverride:\n  error: [SC2164]\n', '.hadolint.yaml');
  assert.deepEqual(compact(shellcheckFindings(text, 'dockerfile', layer)), ['2:10-2:20 hint SC2086', '2:24-2:31 error SC2164']);
});

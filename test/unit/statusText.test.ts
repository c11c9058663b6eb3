// The wording of the hpclint status-bar item (client/src/statusText.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStatus } from '../../client/src/statusText';

const NO_SITE = { sites: [], from: 'none' as const };

test('the text counts the findings, with the worst severity as its icon', () => {
  assert.equal(describeStatus({ enabled: true, site: NO_SITE }, { errors: 0, warnings: 0, notes: 0 }).text, '$(check) hpclint');
  assert.equal(describeStatus({ enabled: true, site: NO_SITE }, { errors: 0, warnings: 0, notes: 2 }).text, '$(info) hpclint: 2');
  assert.equal(describeStatus({ enabled: true, site: NO_SITE }, { errors: 0, warnings: 3, notes: 2 }).text, '$(warning) hpclint: 5');
  assert.equal(describeStatus({ enabled: true, site: NO_SITE }, { errors: 1, warnings: 3, notes: 2 }).text, '$(error) hpclint: 6');
  assert.equal(describeStatus({ enabled: false, site: NO_SITE }, { errors: 0, warnings: 0, notes: 0 }).text, '$(circle-slash) hpclint');
});

test('the tooltip names the config file, the site and why Dockerfile features are left to another extension', () => {
  const { tooltip } = describeStatus(
    {
      enabled: true,
      configFile: '/work/project/.hpclint.yaml',
      site: { sites: ['lumi'], from: 'config', configFile: '/work/project/.hpclint.yaml' },
      dockerfile: { editorFeatures: false, dockerExtensions: ['docker.docker'] },
    },
    { errors: 1, warnings: 0, notes: 2 },
    (path) => path.replace('/work/project/', ''),
  );
  assert.equal(
    tooltip,
    [
      '**hpclint** — this recipe: 1 error, 0 warnings, 2 notes (information and hints)',
      'Configuration: `.hpclint.yaml`',
      'Site profile: lumi (from the config file) · [Select…](command:hpclint.selectSite)',
      'Dockerfile completion, hover, formatting and syntax findings: left to other extensions (Docker DX provides them)',
      'Click to show the hpclint output.',
    ].join('\n\n'),
  );
  const plain = describeStatus({ enabled: true, error: '/p/.hpclint.yaml:2: unknown rule "X"', site: NO_SITE }, { errors: 0, warnings: 0, notes: 0 }).tooltip;
  assert.match(plain, /Configuration: no config file \(settings and defaults\)/);
  assert.match(plain, /\$\(warning\) Invalid configuration: \/p\/\.hpclint\.yaml:2: unknown rule "X"/);
  assert.match(plain, /Site profile: none — site-dependent rules give generic answers/);
  assert.doesNotMatch(plain, /Dockerfile completion/);
});

// `hpclint/documentStatus` (the status-bar item): the config file in use, its site profile, a broken
// configuration, and for Dockerfiles whether the re-hosted editing features answer.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileUri, TestClient } from './client';

test('document status: config file, site, errors and the Dockerfile editing features', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'hpclint-lsp-status-'));
  mkdirSync(join(workspace, '.git'));
  mkdirSync(join(workspace, 'plain'));
  mkdirSync(join(workspace, 'plain', '.git'));
  mkdirSync(join(workspace, 'broken'));
  writeFileSync(join(workspace, '.hpclint.yaml'), 'site: lumi\n');
  writeFileSync(join(workspace, 'broken', '.hpclint.yaml'), 'rules:\n  HPC-NOPE-999: error\n');
  let settings: Record<string, unknown> = {};
  const client = await TestClient.start({ workspaceFolder: workspace, settings: () => settings, initializationOptions: { dockerExtensions: ['docker.docker'] } });
  try {
    const dockerfile = fileUri(join(workspace, 'Dockerfile'));
    await client.open(dockerfile, 'dockerfile', 'FROM ubuntu:24.04\n');
    assert.deepEqual(await client.request('hpclint/documentStatus', { uri: dockerfile }), {
      enabled: true,
      configFile: join(workspace, '.hpclint.yaml'),
      site: { sites: ['lumi'], from: 'config', configFile: join(workspace, '.hpclint.yaml') },
      dockerfile: { editorFeatures: false, dockerExtensions: ['docker.docker'] },
    });

    const definition = fileUri(join(workspace, 'plain', 'app.def'));
    await client.open(definition, 'apptainer', 'Bootstrap: docker\nFrom: ubuntu:24.04\n');
    assert.deepEqual(await client.request('hpclint/documentStatus', { uri: definition }), { enabled: true, site: { sites: [], from: 'none' } });

    const broken = fileUri(join(workspace, 'broken', 'Dockerfile'));
    await client.open(broken, 'dockerfile', 'FROM ubuntu:24.04\n');
    const status = await client.request<{ error?: string; configFile?: string }>('hpclint/documentStatus', { uri: broken });
    assert.equal(status.configFile, join(workspace, 'broken', '.hpclint.yaml'));
    assert.match(status.error ?? '', /broken\/\.hpclint\.yaml:2: unknown rule "HPC-NOPE-999"/);

    settings = { enable: false, dockerfile: { editorFeatures: 'on' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await client.request('hpclint/documentStatus', { uri: dockerfile }), {
      enabled: false,
      configFile: join(workspace, '.hpclint.yaml'),
      site: { sites: ['lumi'], from: 'config', configFile: join(workspace, '.hpclint.yaml') },
      dockerfile: { editorFeatures: true, dockerExtensions: ['docker.docker'] },
    });
    assert.equal(await client.request('hpclint/documentStatus', { uri: 42 }), null);
  } finally {
    assert.equal(await client.stop(), 0);
    rmSync(workspace, { recursive: true, force: true });
  }
});

// The protocol vocabulary (server/src/lsp/protocol.ts) is the one the manifest and the config loader use.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { HADOLINT_CONFIG_NAMES } from '../../server/src/compat/hadolintConfig';
import { CONFIG_FILE_NAMES } from '../../server/src/engine/config';
import * as protocol from '../../server/src/lsp/protocol';
import { isSiteProfileName } from '../../server/src/site/load';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string }[]; configuration: { properties: Record<string, unknown> } };
};

test('every contributed command is declared in protocol.ts, and every declared command is contributed', () => {
  const declared = [protocol.CONVERT_COMMAND, protocol.RESTART_SERVER_COMMAND, protocol.SELECT_SITE_COMMAND, protocol.SHOW_DOCUMENTATION_COMMAND, protocol.SHOW_OUTPUT_COMMAND];
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), declared.sort());
});

test('the config-file watch glob covers exactly the config file names', () => {
  const names = /^\*\*\/\.hpclint\.\{([a-z,]+)\}$/.exec(protocol.CONFIG_FILE_GLOB)?.[1].split(',').map((ext) => `.hpclint.${ext}`);
  assert.deepEqual(names, [...CONFIG_FILE_NAMES]);
  const hadolint = /^\*\*\/\.hadolint\.\{([a-z,]+)\}$/.exec(protocol.HADOLINT_CONFIG_GLOB)?.[1].split(',').map((ext) => `.hadolint.${ext}`);
  assert.deepEqual(hadolint, [...HADOLINT_CONFIG_NAMES]);
});

test('the site-profile watch glob, the schema contributions and the loader agree on profile file names', () => {
  const contributes = manifest.contributes as unknown as { jsonValidation: { fileMatch: string[] }[]; yamlValidation: { fileMatch: string[] }[] };
  const names = [...contributes.jsonValidation, ...contributes.yamlValidation].flatMap((entry) => entry.fileMatch).map((pattern) => pattern.replace('*', 'x'));
  assert.deepEqual(names.sort(), ['x.hpclint-site.json', 'x.hpclint-site.yaml', 'x.hpclint-site.yml']);
  for (const name of names) {
    assert.ok(isSiteProfileName(name), name);
  }
  assert.equal(protocol.SITE_PROFILE_GLOB, '**/*.hpclint-site.{yaml,yml,json}');
});

test('every contributed setting lives in the settings section', () => {
  for (const key of Object.keys(manifest.contributes.configuration.properties)) {
    assert.ok(key.startsWith(`${protocol.SETTINGS_SECTION}.`), key);
  }
});

const root = join(__dirname, '..', '..');
/** The custom methods: every `*_REQUEST` / `*_NOTIFICATION` constant of protocol.ts. */
const methods = Object.entries(protocol).filter(([name]) => /_(REQUEST|NOTIFICATION)$/.test(name)) as [string, string][];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

test('custom requests are namespaced hpclint/…', () => {
  assert.ok(methods.length >= 8, methods.map(([name]) => name).join(', '));
  for (const [, method] of methods) {
    assert.match(method, /^hpclint\/[a-zA-Z]+$/);
  }
  assert.equal(protocol.FIX_ALL_KIND, 'source.fixAll.hpclint');
});

test('every custom request and notification is named once, in protocol.ts, and both the client and the server use it', () => {
  const client = sources(join(root, 'client', 'src')).map((file) => readFileSync(file, 'utf8'));
  const handlers = sources(join(root, 'server', 'src', 'lsp', 'handlers')).map((file) => readFileSync(file, 'utf8'));
  for (const [name] of methods) {
    assert.ok(client.some((text) => new RegExp(`\\b${name}\\b`).test(text)), `the client does not use ${name}`);
    assert.ok(handlers.some((text) => new RegExp(`\\b${name}\\b`).test(text)), `no server handler uses ${name}`);
  }
  const spelled = [...sources(join(root, 'client', 'src')), ...sources(join(root, 'server', 'src'))]
    .filter((file) => !file.endsWith(join('lsp', 'protocol.ts')))
    .filter((file) => methods.some(([, method]) => readFileSync(file, 'utf8').includes(`'${method}`)))
    .map((file) => relative(root, file));
  assert.deepEqual(spelled, [], 'method names spelled outside protocol.ts');
});

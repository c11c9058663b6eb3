// `npm run pack` gives a tarball that installs outside the repository, globally and as a dev
// dependency, with nothing to download: the CLI, --explain, a lint and `hpclint lsp --stdio` work
// from the installed copy, and the rule docs it links are inside it.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import packageJson from '../../package.json';
import { ROOT, TestClient, fileUri } from '../lsp/client';

type PackScript = typeof import('../../scripts/pack.mjs', { with: { 'resolution-mode': 'import' } });

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-npm-install-')));
const globalPrefix = join(temp, 'global');
const project = join(temp, 'project');
const globalBin = join(globalPrefix, 'bin', 'hpclint');
const devBin = join(project, 'node_modules', '.bin', 'hpclint');
let tarball: string;
let packedFiles: string[];

// npm must not reach the network or read the developer's config: --offline and an empty cache/userconfig.
const npmEnv = {
  ...process.env,
  npm_config_cache: join(temp, 'npm-cache'),
  npm_config_userconfig: join(temp, 'npmrc'),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync('npm', ['--offline', ...args], { cwd, env: npmEnv, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm ${args.join(' ')}\n${result.stdout}${result.stderr}`);
  return result;
}

function run(bin: string, args: string[], options: { cwd?: string; input?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(bin, args, { cwd: options.cwd ?? project, input: options.input ?? '', encoding: 'utf8', env: { ...process.env, HPCLINT_TODAY: '2026-01-15' } });
}

before(async () => {
  const script: PackScript = await import('../../scripts/pack.mjs');
  ({ tarball, files: packedFiles } = script.packNpm({ outDir: join(temp, 'pack'), quiet: true }));
  writeFileSync(join(temp, 'npmrc'), '');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'recipes', version: '1.0.0', private: true }, null, 2));
  writeFileSync(join(project, 'Dockerfile'), 'FROM ubuntu:24.04\nRUN gcc -march=native -o app app.c\n');
  npm(['install', '--global', '--prefix', globalPrefix, tarball], temp);
  npm(['install', '--save-dev', tarball], project);
});
after(() => rmSync(temp, { recursive: true, force: true }));

test('the tarball holds the bundles, docs, licence and a manifest with no scripts or dependencies', () => {
  assert.deepEqual(
    packedFiles.filter((file) => !file.startsWith('docs/rules/')).sort(),
    ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/ThirdPartyNotices.txt', 'dist/cli.js', 'dist/server.js', 'dist/worker.js', 'docs/hadolint.md', 'package.json'],
  );
  assert.ok(packedFiles.includes('docs/rules/HPC-PORT-001.md'));
  const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'hpclint', 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of ['scripts', 'dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    assert.equal(installed[field], undefined, `the packed manifest has no ${field}`);
  }
  assert.equal(installed.version, packageJson.version);
  assert.deepEqual(installed.bin, { hpclint: 'dist/cli.js' });
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/hpclint'], 'installing it adds no other package');
});

for (const [how, bin] of [
  ['global install', globalBin],
  ['dev dependency', devBin],
] as const) {
  test(`${how}: --version, a lint, --explain and stdin work from the installed copy`, () => {
    const version = run(bin, ['--version']);
    assert.deepEqual([version.status, version.stdout], [0, `${packageJson.version}\n`]);
    const lint = run(bin, ['--format', 'json', '.']);
    assert.equal(lint.status, 1, lint.stderr);
    const report = JSON.parse(lint.stdout) as { files: Array<{ path: string; diagnostics: Array<{ code: string; line: number; column: number }> }> };
    assert.deepEqual(
      report.files.map((file) => [file.path, file.diagnostics.filter((d) => d.code === 'HPC-PORT-001').map((d) => [d.line, d.column])]),
      [['Dockerfile', [[2, 9]]]],
      'node_modules is skipped, the Dockerfile is linted',
    );
    const explain = run(bin, ['--explain', 'no-march-native']);
    assert.equal(explain.status, 0);
    assert.match(explain.stdout, /^# HPC-PORT-001 no-march-native\n/);
    const stdin = run(bin, ['-', '--format', 'json'], { input: 'Bootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n' });
    assert.ok(stdin.stdout.includes('HPC-DEF-005'), stdin.stdout);
  });
}

test('npm exec finds the dev dependency', () => {
  const result = spawnSync('npm', ['exec', '--offline', '--', 'hpclint', '--version'], { cwd: project, env: npmEnv, encoding: 'utf8' });
  assert.deepEqual([result.status, result.stdout], [0, `${packageJson.version}\n`]);
});

test('hpclint lsp --stdio from the installed copy publishes diagnostics linked to the installed docs', async () => {
  for (const bin of [globalBin, devBin]) {
    const client = await TestClient.start({ command: [bin, 'lsp', '--stdio'], cwd: project, workspaceFolder: project });
    try {
      const uri = fileUri(join(project, 'Dockerfile'));
      const published = await client.open(uri, 'dockerfile', 'FROM ubuntu:24.04\nRUN gcc -march=native -o app app.c\n');
      const finding = published.diagnostics.find((d) => d.code === 'HPC-PORT-001');
      assert.deepEqual(finding?.range, { start: { line: 1, character: 8 }, end: { line: 1, character: 21 } });
      const href = finding?.codeDescription?.href ?? '';
      assert.match(href, /^file:\/\/.*\/hpclint\/docs\/rules\/HPC-PORT-001\.md$/);
      const docPath = fileURLToPath(href);
      assert.ok(realpathSync(docPath).startsWith(temp), `${docPath} is inside the installed package`);
      assert.ok(existsSync(docPath));
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 1, character: 10 },
      });
      assert.match(hover?.contents.value ?? '', /HPC-PORT-001/);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  }
});

test("plain `npm pack` of a checkout also installs and runs (what pre-commit's node hook does)", () => {
  // pre-commit clones the repository, runs `npm install` (its `prepare` builds dist/), `npm pack`, and
  // `npm install -g` of that tarball. Here: a copy of the tracked files with this checkout's node_modules.
  const checkout = join(temp, 'checkout');
  const tracked = spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const file of tracked) {
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(join(ROOT, file), join(checkout, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  mkdirSync(join(temp, 'plain'));
  const pack = npm(['pack', '--json', '--pack-destination', join(temp, 'plain')], checkout);
  const [{ filename, files }] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(files.some((file) => file.path === 'docs/rules/HPC-PORT-001.md'));
  assert.ok(!files.some((file) => /^(test|server|client|node_modules)\//.test(file.path)), 'sources and tests stay out of the tarball');
  const prefix = join(temp, 'pre-commit-env');
  npm(['install', '--global', '--prefix', prefix, join(temp, 'plain', filename)], temp);
  const lint = run(join(prefix, 'bin', 'hpclint'), ['--ignore-unknown', 'Dockerfile', 'package.json']);
  assert.equal(lint.status, 1, lint.stderr);
  assert.match(lint.stdout, /^Dockerfile:2:9 warning HPC-PORT-001 /m);
  assert.doesNotMatch(lint.stdout, /package\.json/);
});

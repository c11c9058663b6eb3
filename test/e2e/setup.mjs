// Installs what the browser end-to-end test needs, only when it is missing:
// Debian packages (chromium, libkrb5-dev, ripgrep) and code-server in a cache folder outside the repo.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'hpclint-e2e');
export const codeServerDir = join(cacheDir, 'code-server');
export const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

// @vscode/ripgrep (a code-server dependency) looks for this tarball before downloading from GitHub.
const RIPGREP_CACHE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` failed with status ${result.status ?? result.signal}`);
  }
}

function installedDebianPackages(names) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], { encoding: 'utf8' });
  return new Set(
    result.stdout
      .split('\n')
      .filter((line) => line.endsWith('install ok installed'))
      .map((line) => line.split(' ')[0]),
  );
}

export function ensureDebianPackages(names = ['chromium', 'libkrb5-dev', 'ripgrep']) {
  const installed = installedDebianPackages(names);
  const missing = names.filter((name) => !installed.has(name));
  if (missing.length === 0) {
    return [];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  return missing;
}

function ensureRipgrepCache() {
  const tarball = join(tmpdir(), `vscode-ripgrep-cache-${RIPGREP_CACHE_VERSION}`, RIPGREP_ASSET);
  if (existsSync(tarball)) {
    return;
  }
  mkdirSync(dirname(tarball), { recursive: true });
  run('tar', ['czf', tarball, '-C', '/usr/bin', 'rg']);
}

export function ensureCodeServer() {
  if (existsSync(codeServerEntry)) {
    return false;
  }
  ensureRipgrepCache();
  mkdirSync(codeServerDir, { recursive: true });
  const manifest = join(codeServerDir, 'package.json');
  if (!existsSync(manifest)) {
    writeFileSync(manifest, JSON.stringify({ name: 'hpclint-e2e-code-server', private: true }, null, 2));
  }
  run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--unsafe-perm', '--no-audit', '--no-fund'], {
    cwd: codeServerDir,
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
  });
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server installed but ${codeServerEntry} is missing`);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now();
  const apt = ensureDebianPackages();
  const installed = ensureCodeServer();
  console.log(
    `setup done in ${((Date.now() - started) / 1000).toFixed(1)}s` +
      ` (apt installed: ${apt.join(', ') || 'nothing'}; code-server ${installed ? 'installed' : 'cached'})`,
  );
}

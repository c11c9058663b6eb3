// Desktop VS Code test: runs test/vscode/suite inside a real VS Code extension host (@vscode/test-electron)
// with hpclint loaded from this repository, on a copy of the e2e workspace.
// Usage: node test/vscode/run.mjs [--version X.Y.Z]   (npm run test:vscode)
//        node test/vscode/run.mjs --code-server      (same suite in code-server's extension host, offline)
// Desktop mode needs network access to download VS Code once (cached in .vscode-test/) and, on Linux,
// a display (run it under `xvfb-run -a` on headless machines). The code-server mode uses the browser
// e2e test's code-server and Chromium (installed by test/e2e/setup.mjs when missing).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const out = join(root, 'test', 'vscode', 'out');
const args = process.argv.slice(2);
const version = args.includes('--version') ? args[args.indexOf('--version') + 1] : 'stable';
const DOWNLOAD_TIMEOUT_MS = 20_000;
const OFFLINE_MESSAGE =
  'desktop VS Code could not be downloaded (offline?): run `npm run test:vscode` on a connected machine';

async function bundleSuite() {
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [join(root, 'test/vscode/suite/index.ts'), join(root, 'test/vscode/suite/extension.test.ts')],
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

async function downloadVSCode() {
  let timer;
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ version, timeout: DOWNLOAD_TIMEOUT_MS }),
      new Promise((_, reject) => {
        // The library's timeout is an idle timeout; this bounds the version lookup and connection too.
        timer = setTimeout(() => reject(new Error('no answer from the VS Code update server')), 4 * DOWNLOAD_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the suite in code-server: the browser workbench's `payload` query names the extension under
 * development and the tests; the remote extension host runs them and its console reaches the page.
 */
async function runInCodeServer(workspace, base) {
  const { ensureCodeServer, ensureDebianPackages, CHROMIUM_PATH } = await import('../e2e/setup.mjs');
  const { prepareProfile, startCodeServer } = await import('../e2e/code-server.mjs');
  const { chromium } = await import('playwright-core');
  ensureDebianPackages();
  ensureCodeServer();
  const server = await startCodeServer({ ...prepareProfile(base), logFile: join(base, 'code-server.log') });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const remote = (path) => `vscode-remote://${new URL(server.url).host}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root.replace(/\/$/, ''))],
      ['extensionTestsPath', remote(join(out, 'index.js'))],
    ];
    const summary = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the suite did not finish within 5 minutes')), 300_000);
      page.on('console', (message) => {
        const line = /hpclint-suite: (.*)$/s.exec(message.text())?.[1];
        if (!line) {
          return;
        }
        console.log(line);
        const done = /^done (\d+) passed, (\d+) failed/.exec(line);
        if (done) {
          clearTimeout(timer);
          resolve({ passed: Number(done[1]), failed: Number(done[2]) });
        }
      });
    });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const { passed, failed } = await summary;
    return failed === 0 && passed > 0;
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main() {
  const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
  await bundleSuite();

  if (args.includes('--code-server')) {
    const base = mkdtempSync(join(tmpdir(), 'hpclint-vscode-'));
    const workspace = join(base, 'workspace');
    cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
    try {
      process.exitCode = (await runInCodeServer(workspace, base)) ? 0 : 1;
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
    return;
  }

  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadVSCode();
  } catch (error) {
    console.error(`${OFFLINE_MESSAGE}\n  (${error instanceof Error ? error.message : error})`);
    console.error('  offline, the same suite runs in code-server: node test/vscode/run.mjs --code-server');
    process.exit(1);
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('no DISPLAY: if VS Code fails to start, run this under `xvfb-run -a`');
  }

  const base = mkdtempSync(join(tmpdir(), 'hpclint-vscode-'));
  const workspace = join(base, 'workspace');
  cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: join(out, 'index.js'),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        join(base, 'user-data'),
      ],
    });
  } catch (error) {
    console.error(`desktop VS Code tests failed: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

await main();

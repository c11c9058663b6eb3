// Desktop VS Code test: runs test/vscode/suite inside a real VS Code extension host (@vscode/test-electron)
// with hpclint loaded from this repository, on a copy of the e2e workspace.
// Usage: node test/vscode/run.mjs [--version X.Y.Z]   (npm run test:vscode)
// Needs network access to download VS Code once (cached in .vscode-test/) and, on Linux, a display
// (run it under `xvfb-run -a` on headless machines).
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

async function main() {
  const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
  await bundleSuite();

  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await downloadVSCode();
  } catch (error) {
    console.error(`${OFFLINE_MESSAGE}\n  (${error instanceof Error ? error.message : error})`);
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

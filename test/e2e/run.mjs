// Browser end-to-end test: hpclint installed from its .vsix into a real VS Code (code-server),
// driven through the UI with Debian's Chromium via playwright-core.
// Usage: node test/e2e/run.mjs [--vsix FILE] [--keep] [--update-readme-picture]   (npm run test:e2e)
//   --vsix FILE  install this package instead of building one
//   --keep       leave the temporary workspace/profile on disk
//   --update-readme-picture  rewrite docs/images/hpclint-hover.png from this run
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { packageExtension, root, run, zipEntries } from '../../scripts/package.mjs';
import { prepareProfile, startCodeServer } from './code-server.mjs';
import { CHROMIUM_PATH, ensureCodeServer, ensureDebianPackages } from './setup.mjs';
import { waitFor, Workbench } from './workbench.mjs';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const artifacts = join(root, 'test', 'artifacts');
const started = Date.now();
const seconds = (from) => ((Date.now() - from) / 1000).toFixed(1);

function step(name, action) {
  const from = Date.now();
  process.stdout.write(`• ${name} … `);
  const result = action();
  console.log(`${seconds(from)}s`);
  return result;
}

/** A short plain-text phrase of the rule's "why" section (from the packaged rule doc), as the hover renders it. */
function whyPhrase(vsix, code) {
  const doc = zipEntries(vsix).find((entry) => entry.name === `extension/docs/rules/${code}.md`);
  if (!doc) {
    throw new Error(`${vsix} has no docs/rules/${code}.md`);
  }
  const section = /## Why[^\n]*\n+([\s\S]*?)(\n## |$)/.exec(doc.read().toString('utf8'));
  if (!section) {
    throw new Error(`docs/rules/${code}.md has no "Why" section`);
  }
  const plain = section[1]
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // The first few words: long enough to be specific, short enough to survive Markdown rendering.
  return plain.split(' ').slice(0, 5).join(' ');
}

const isErrorLine = (line) => /\[error\b|\berror -|unhandled|uncaught|exception/i.test(line);

/** The hpclint output channel's log file and the extension host log of the newest session. */
function extensionLogs(userDataDir) {
  const files = readdirSync(join(userDataDir, 'logs'), { recursive: true }).map((path) => join(userDataDir, 'logs', path));
  const channelFile = files.find((path) => path.endsWith(join('hpclint.hpclint', 'hpclint.log')));
  const hostFile = files.find((path) => path.endsWith('exthost.log'));
  return {
    channel: channelFile ? { path: channelFile, text: readFileSync(channelFile, 'utf8') } : undefined,
    host: hostFile ? readFileSync(hostFile, 'utf8') : '',
  };
}

/**
 * test/e2e/docker-stand-in as a .vsix: Docker DX's extension id (docker.docker) and a Dockerfile keyword completion,
 * so hpclint runs next to "Docker DX" as many users' VS Code does.
 */
function packageDockerStandIn(base) {
  const staging = join(base, 'docker-stand-in');
  cpSync(join(root, 'test', 'e2e', 'docker-stand-in'), staging, { recursive: true });
  const vsix = join(base, 'docker-stand-in.vsix');
  const vsce = createRequire(join(root, 'package.json')).resolve('@vscode/vsce/vsce');
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--out', vsix], staging, true);
  return vsix;
}

async function main() {
  mkdirSync(artifacts, { recursive: true });
  const aptInstalled = step('Debian packages (chromium, libkrb5-dev, ripgrep)', () => ensureDebianPackages());
  if (aptInstalled.length > 0) {
    console.log(`  installed ${aptInstalled.join(', ')}`);
  }
  step('code-server', () => ensureCodeServer());

  const vsix = option('--vsix')
    ? resolve(option('--vsix'))
    : step('package the .vsix', () => packageExtension({ outDir: artifacts, quiet: true }).vsix);

  const base = mkdtempSync(join(tmpdir(), 'hpclint-e2e-'));
  const workspace = join(base, 'workspace');
  cpSync(join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  const standIn = step('package the Docker DX stand-in', () => packageDockerStandIn(base));
  // Word-based suggestions off: the completion scenario counts what the extensions offer.
  const profile = step('install the .vsix files into a fresh code-server profile', () =>
    prepareProfile(base, [vsix, standIn], { 'editor.wordBasedSuggestions': 'off' }),
  );
  const logFile = join(base, 'code-server.log');

  let from = Date.now();
  const server = await startCodeServer({ ...profile, logFile });
  console.log(`• code-server listening at ${server.url} … ${seconds(from)}s`);
  from = Date.now();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: !args.includes('--headed'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const consoleErrors = [];
  const contributionWarnings = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
    // VS Code reports problems with an extension's contributions (grammar, language configuration,
    // snippets, settings) as console warnings/errors naming the language or extension.
    if (['warning', 'error'].includes(message.type()) && /\[(apptainer|dockerfile)\]|hpclint/i.test(message.text())) {
      contributionWarnings.push(message.text().split('\n')[0]);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      consoleErrors.push(`HTTP ${response.status()} ${response.url()}`);
    }
  });
  const bench = new Workbench(page);
  console.log(`• chromium started … ${seconds(from)}s`);

  const results = [];
  async function scenario(name, body, { timeout = 120_000 } = {}) {
    const begin = Date.now();
    try {
      await bench.reset();
      await Promise.race([
        body(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`scenario timed out after ${timeout / 1000}s`)), timeout).unref()),
      ]);
      results.push({ name, passed: true });
      console.log(`PASS ${name} (${seconds(begin)}s)`);
    } catch (error) {
      results.push({ name, passed: false });
      const shot = join(artifacts, `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      await page.screenshot({ path: shot }).catch(() => {});
      console.log(`FAIL ${name} (${seconds(begin)}s)\n  ${String(error?.stack ?? error).split('\n').slice(0, 4).join('\n  ')}\n  screenshot: ${shot}`);
      await printFailureContext();
    }
  }

  /** After a failure: what the editor shows and what the language server logged, to tell a slow server from a lost result. */
  async function printFailureContext() {
    const text = await bench.editorText().catch(() => '');
    console.log(`  active editor (first lines):\n    ${text.split('\n').slice(0, 8).join('\n    ')}`);
    const { channel } = extensionLogs(profile.userDataDir);
    const lines = channel?.text.trimEnd().split('\n').slice(-15) ?? ['(no hpclint output channel log)'];
    console.log(`  hpclint output channel (last lines):\n    ${lines.join('\n    ')}`);
  }

  try {
    await scenario('workbench opens the test workspace', async () => {
      await bench.open(server.url, workspace, 'app.def');
      await page.screenshot({ path: join(artifacts, 'workbench.png') });
    });

    await scenario('Dockerfile: -march=native is squiggled and HPC-PORT-001 is in Problems', async () => {
      await bench.quickOpen('Dockerfile');
      const squiggles = await bench.waitForSquiggle('-march=native');
      if (!squiggles.some((s) => s === 'squiggly-warning' || s === 'squiggly-error')) {
        throw new Error(`expected a warning/error squiggle, got ${squiggles.join(', ')}`);
      }
      await bench.problems((rows) => rows.some((row) => row.includes('HPC-PORT-001')), 'HPC-PORT-001 in the Problems panel');
      await bench.closePanel();
    });

    await scenario('status bar: the hpclint item counts the findings, and a click opens the output channel', async () => {
      await bench.quickOpen('Dockerfile');
      await bench.waitForSquiggle('-march=native');
      const entry = await bench.statusBarEntry(/^hpclint: \d+$/);
      await bench.clickStatusBarEntry(entry);
      await waitFor('the Output panel to show the hpclint channel', async () => (await bench.selectedOutputChannel()).trim() === 'hpclint');
      await bench.closePanel();
    });

    await scenario('next to Docker DX (a stand-in with its id): one WORKDIR completion, not two', async () => {
      await bench.quickOpen('Dockerfile');
      await bench.clickOn('CMD ["/src/app"]');
      const before = await bench.editorText();
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('WORKD');
      const labels = await bench.suggestions('WORKDIR');
      const workdirs = labels.filter((label) => label.trim().startsWith('WORKDIR'));
      await page.keyboard.press('Escape');
      await waitFor('the typed line to be undone', async () => {
        if ((await bench.editorText()) === before) {
          return true;
        }
        await page.keyboard.press('Control+Z');
        return false;
      });
      if (workdirs.length !== 1) {
        throw new Error(`expected one WORKDIR suggestion (the stand-in's), got ${workdirs.length}: ${labels.join(' | ')}`);
      }
    });

    await scenario('hover on -march=native explains why it bites on HPC', async () => {
      await bench.quickOpen('Dockerfile');
      const phrase = whyPhrase(vsix, 'HPC-PORT-001');
      const text = await bench.hover('-march=native', phrase);
      if (!text.includes('HPC-PORT-001') || !text.includes('Why it bites on HPC systems')) {
        throw new Error(`hover lacks the rule code or its explanation:\n${text}`);
      }
      await page.screenshot({ path: join(artifacts, 'squiggle-hover.png') });
      // The README picture (the editor area only) is refreshed on request, so runs leave the tree clean.
      const readmePicture = join(root, 'docs', 'images', 'hpclint-hover.png');
      if (args.includes('--update-readme-picture') || !existsSync(readmePicture)) {
        mkdirSync(dirname(readmePicture), { recursive: true });
        await page.locator('.part.editor').screenshot({ path: readmePicture });
      }
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    });

    await scenario('definition file: %enviroment is squiggled and HPC-DEF-005 is in Problems', async () => {
      await bench.quickOpen('app.def');
      const squiggles = await bench.waitForSquiggle('%enviroment');
      if (!squiggles.includes('squiggly-error')) {
        throw new Error(`expected an error squiggle, got ${squiggles.join(', ')}`);
      }
      await bench.problems((rows) => rows.some((row) => row.includes('HPC-DEF-005')), 'HPC-DEF-005 in the Problems panel');
      await bench.closePanel();
    });

    await scenario('%post body is tokenised as shell (source.shell scope)', async () => {
      await bench.quickOpen('app.def');
      await bench.clickOn('--no-install-recommends');
      await bench.runCommand('Developer: Inspect Editor Tokens and Scopes');
      const widget = page.locator('.token-inspect-widget');
      const text = await waitFor('the token inspector to list source.shell', async () => {
        const content = (await widget.isVisible()) ? await widget.textContent() : '';
        return content?.includes('source.shell') ? content : undefined;
      });
      if (!text.includes('source.apptainer') || !/language\s*shellscript/.test(text)) {
        throw new Error(`expected language shellscript inside source.apptainer:\n${text}`);
      }
      await page.screenshot({ path: join(artifacts, 'token-scopes.png') });
      await page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden' });
    });

    await scenario('quick fix on -march=native removes the finding', async () => {
      await bench.quickOpen('Dockerfile');
      await bench.waitForSquiggle('-march=native');
      await bench.clickOn('-march=native');
      const { labels, emptyAnswers } = await bench.openQuickFixMenu();
      if (emptyAnswers > 0) {
        console.log(`  (VS Code first answered "No code actions available" ${emptyAnswers}x)`);
      }
      const fix = /^Replace `-march=native` with `-march=x86-64-v3`/;
      for (const expected of [fix, /^Ignore HPC-PORT-001 for this line/, /^Show documentation for HPC-PORT-001/]) {
        if (!labels.some((label) => expected.test(label))) {
          throw new Error(`no quick fix ${expected} among: ${labels.join(' | ')}`);
        }
      }
      await page.screenshot({ path: join(artifacts, 'quick-fix.png') });
      await bench.applyQuickFix(fix);
      await waitFor('-march=x86-64-v3 in place of -march=native', async () => {
        const text = await bench.editorText();
        return text.includes('gcc -O3 -march=x86-64-v3 -o app app.c') && !text.includes('-march=native');
      });
      await bench.problems((r) => !r.some((row) => row.includes('HPC-PORT-001')), 'HPC-PORT-001 to leave the Problems panel');
      await bench.closePanel();
    });

    await scenario('Fix All on the definition file corrects %enviroment', async () => {
      await bench.quickOpen('app.def');
      await bench.waitForSquiggle('%enviroment');
      await bench.clickOn('apt-get update');
      await bench.runCommand('Fix All');
      await waitFor('%environment in place of %enviroment', async () => {
        const text = await bench.editorText();
        return text.includes('%environment') && !text.includes('%enviroment');
      });
      await bench.problems((r) => !r.some((row) => row.includes('HPC-DEF-005')), 'HPC-DEF-005 to leave the Problems panel');
      await bench.closePanel();
    });

    await scenario('Format Document on a definition file aligns the header and indents the sections', async () => {
      await bench.quickOpen('format.def');
      await bench.clickOn('apt-get update');
      const expected = [
        'Bootstrap: docker',
        'From: ubuntu:24.04',
        '',
        '%post',
        '    apt-get update && apt-get install -y --no-install-recommends gcc',
        '',
        '%runscript',
        '    exec /usr/local/bin/app "$@"',
      ].join('\n');
      // Asked again every few seconds: the server registers its formatters once it is initialized.
      let asked = 0;
      await waitFor('the formatted definition file', async () => {
        if ((await bench.editorText()).trimEnd() === expected) {
          return true;
        }
        if (asked++ % 20 === 0) {
          await bench.runCommand('Format Document');
        }
        return false;
      }, { timeout: 45_000 });
    });

    await scenario('site profile JSON: the contributed schema validates and completes it', async () => {
      await bench.quickOpen('cluster.hpclint-site.json');
      await bench.waitForSquiggle('"maybe"'); // publish must be "public" or "private"
      await bench.clickOn('"campus"');
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('"comp');
      const labels = await bench.suggestions('computeNodeInternet');
      console.log(`  schema completions: ${labels.map((label) => label.trim()).slice(0, 4).join(', ')}`);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Z');
      await page.keyboard.press('Control+Z');
    });

    await scenario('Select Site Profile: the status bar names the site, and the site finding and its hover follow', async () => {
      await bench.quickOpen('hpc.Dockerfile');
      await bench.statusBarEntry(/no site$/);
      await bench.waitForNoSquiggle('-march=x86-64-v4', 10_000); // without a profile an explicit target is fine
      await bench.runCommandAndPick('hpclint: Select Site Profile', 'lumi');
      await bench.statusBarEntry(/lumi$/);
      const squiggles = await bench.waitForSquiggle('-march=x86-64-v4');
      if (!squiggles.includes('squiggly-error')) {
        throw new Error(`expected an error squiggle, got ${squiggles.join(', ')}`);
      }
      const text = await bench.hover('-march=x86-64-v4', 'Site: lumi');
      if (!text.includes('On lumi:') || !text.includes('docs.lumi-supercomputer.eu')) {
        throw new Error(`the hover does not name the site and its source:\n${text}`);
      }
      await page.screenshot({ path: join(artifacts, 'site-hover.png') });
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    });

    await scenario('the hpclint output channel shows no errors', async () => {
      await bench.runCommand('hpclint: Show Output');
      await waitFor('the Output panel to show the hpclint channel', async () => (await bench.selectedOutputChannel()).trim() === 'hpclint');
      const shown = await bench.outputText();
      // The panel shows only what fits; the channel's log file and the extension host log hold everything.
      const logs = extensionLogs(profile.userDataDir);
      if (!logs.channel) {
        throw new Error('no hpclint output channel log under the user-data logs');
      }
      const hostErrors = logs.host.split('\n').filter((line) => /\[error\]/i.test(line) && /hpclint/i.test(line));
      const errors = [...shown.split('\n'), ...logs.channel.text.split('\n'), ...hostErrors].filter(isErrorLine);
      if (errors.length > 0) {
        throw new Error(`errors logged by hpclint:\n${errors.join('\n')}`);
      }
      await bench.closePanel();
    });

    await scenario('the browser console shows no warnings about hpclint or its languages', async () => {
      if (contributionWarnings.length > 0) {
        throw new Error(`console warnings:\n${[...new Set(contributionWarnings)].join('\n')}`);
      }
    });
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    const failed = results.filter((r) => !r.passed).length;
    if (failed > 0) {
      copyFileSync(logFile, join(artifacts, 'code-server.log'));
      if (consoleErrors.length > 0) {
        console.log(`browser console errors (first 10):\n  ${consoleErrors.slice(0, 10).map((e) => e.split('\n')[0].slice(0, 200)).join('\n  ')}`);
      }
    }
    if (!args.includes('--keep')) {
      rmSync(base, { recursive: true, force: true });
    }
    else {
      console.log(`kept ${base}`);
    }
    console.log(`total ${seconds(started)}s`);
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || results.length === 0 ? 1 : 0;
  }
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  console.log('0 passed, 1 failed');
  process.exit(1);
});

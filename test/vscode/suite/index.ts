// Extension-host entry point: runs every bundled *.test.js next to this file with mocha (TDD UI).
// Besides mocha's report it logs one plain `hpclint-suite:` line per test and a final summary, which
// the code-server mode of test/vscode/run.mjs reads from the browser console.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const inBrowser = vscode.env.uiKind === vscode.UIKind.Web;
  const mocha = new Mocha({ ui: 'tdd', color: !inBrowser, timeout: 60_000, reporter: inBrowser ? Mocha.reporters.Base : 'spec' });
  for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.test.js'))) {
    mocha.addFile(join(__dirname, file));
  }
  let passed = 0;
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => {
      passed++;
      console.log(`hpclint-suite: PASS ${test.fullTitle()} (${test.duration ?? 0}ms)`);
    });
    runner.on('fail', (test, error: Error) => {
      console.log(`hpclint-suite: FAIL ${test.fullTitle()}: ${error.stack ?? error.message}`);
    });
  });
  console.log(`hpclint-suite: done ${passed} passed, ${failures} failed`);
  if (failures > 0) {
    throw new Error(`${failures} extension test(s) failed`);
  }
}

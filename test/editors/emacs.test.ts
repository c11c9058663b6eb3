// hpclint's language server driven by Emacs' eglot with the configuration the README shows (Debian's
// emacs-nox, elpa-eglot and elpa-dockerfile-mode). .ci/run installs them and sets HPCLINT_REQUIRE_EMACS=1
// so that a missing Emacs fails there instead of skipping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

interface FileReport {
  path: string;
  code: string;
  mode: string;
  managed: boolean;
  got_diagnostics: boolean | null;
  language_id?: string;
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
  hover?: string;
  actions?: string[];
  applied?: string;
  fixed_away?: boolean | null;
  line_after_fix?: string;
  error?: string;
}

function emacsWithEglot(): string | undefined {
  const probe = spawnSync('emacs', ['--batch', '--eval', "(progn (require 'eglot) (require 'dockerfile-mode) (princ emacs-version))"], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** The Emacs Lisp block of the README's Emacs section. */
function readmeSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Emacs**'));
  const match = /```elisp\n([\s\S]*?)```/.exec(section);
  assert.ok(match, 'the README has an Emacs snippet');
  return match[1];
}

test("Emacs (eglot): the README's configuration gets diagnostics, hover, code action and fix in a Dockerfile and a definition file", (t) => {
  const version = emacsWithEglot();
  if (!version) {
    assert.notEqual(process.env.HPCLINT_REQUIRE_EMACS, '1', 'Emacs with eglot and dockerfile-mode is not installed');
    t.skip('Emacs with eglot and dockerfile-mode is not installed (apt-get install emacs-nox elpa-eglot elpa-dockerfile-mode); .ci/run installs them');
    return;
  }
  t.diagnostic(`Emacs ${version}`);
  const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-emacs-')));
  try {
    const project = join(temp, 'project');
    const bin = join(temp, 'bin');
    mkdirSync(join(project, '.git'), { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(bin, 'hpclint'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist', 'cli.js')}" "$@"\n`);
    chmodSync(join(bin, 'hpclint'), 0o755);
    const config = join(temp, 'hpclint.el');
    writeFileSync(config, readmeSnippet());
    const dockerfile = join(project, 'Dockerfile');
    const deffile = join(project, 'Singularity');
    writeFileSync(dockerfile, 'FROM ubuntu:24.04\nRUN gcc -O2 -march=native -o app app.c\n');
    writeFileSync(deffile, 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n    export OMP_PROC_BIND=true\n');
    const reportFile = join(temp, 'report.json');
    const run = spawnSync('emacs', ['--batch', '-l', join(__dirname, 'emacs-driver.el')], {
      cwd: project,
      encoding: 'utf8',
      timeout: 150_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: temp,
        HPCLINT_TODAY: '2026-01-15',
        HPCLINT_EMACS_CONFIG: config,
        HPCLINT_EMACS_DOCKERFILE: dockerfile,
        HPCLINT_EMACS_DEFFILE: deffile,
        HPCLINT_EMACS_REPORT: reportFile,
      },
    });
    assert.equal(run.status, 0, `emacs exited with ${run.status ?? run.signal}\n${run.stdout}${run.stderr}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { files: FileReport[]; log_errors: string[] };
    const [docker, def] = report.files;
    assert.equal(docker.error, undefined);
    assert.deepEqual(
      [docker.mode, docker.language_id, docker.got_diagnostics, docker.range],
      ['dockerfile-mode', 'dockerfile', true, { start: { line: 1, character: 12 }, end: { line: 1, character: 25 } }],
    );
    assert.match(docker.hover ?? '', /HPC-PORT-001/);
    assert.match(docker.applied ?? '', /-march=x86-64-v3/);
    assert.equal(docker.fixed_away, true);
    assert.equal(readFileSync(dockerfile, 'utf8'), 'FROM ubuntu:24.04\nRUN gcc -O2 -march=x86-64-v3 -o app app.c\n');
    assert.deepEqual(
      [def.mode, def.language_id, def.got_diagnostics, def.range],
      ['apptainer-mode', 'apptainer', true, { start: { line: 3, character: 0 }, end: { line: 3, character: 11 } }],
    );
    assert.match(def.hover ?? '', /HPC-DEF-005/);
    assert.equal(def.applied, 'Change to `%environment`');
    assert.equal(def.fixed_away, true);
    assert.equal(def.line_after_fix, '%environment');
    assert.deepEqual(report.log_errors, [], 'the server logged no errors');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

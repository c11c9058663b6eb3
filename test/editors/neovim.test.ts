// hpclint's language server driven by an editor we did not write: Neovim's built-in LSP client, with the
// configuration the README shows (docs/editors/hpclint.lua). Debian's `neovim` package (0.7) is enough;
// .ci/run installs it and sets HPCLINT_REQUIRE_NEOVIM=1 so that a missing nvim fails there instead of skipping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const config = join(root, 'docs', 'editors', 'hpclint.lua');

interface FileReport {
  path: string;
  code: string;
  filetype: string;
  got_diagnostics: boolean;
  finding?: { line: number; col: number; end_line: number; end_col: number; severity: number; message: string };
  client_name?: string;
  hover?: string;
  actions?: string[];
  applied?: string;
  fixed_away?: boolean;
  line_after_fix?: string;
}

interface DriverReport {
  files: FileReport[];
  log_errors: string[];
  messages: string[];
  error?: string;
}

function neovimVersion(): string | undefined {
  const result = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n')[0] : undefined;
}

test('Neovim (built-in LSP client): diagnostics, hover, code action and fix in a Dockerfile and a definition file', (t) => {
  const version = neovimVersion();
  if (!version) {
    assert.notEqual(process.env.HPCLINT_REQUIRE_NEOVIM, '1', 'nvim is not installed (apt-get install neovim)');
    t.skip('nvim is not installed (apt-get install neovim); .ci/run installs it');
    return;
  }
  t.diagnostic(version);
  const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-nvim-')));
  try {
    const project = join(temp, 'project');
    const bin = join(temp, 'bin');
    mkdirSync(join(project, '.git'), { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(bin, 'hpclint'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist', 'cli.js')}" "$@"\n`);
    chmodSync(join(bin, 'hpclint'), 0o755);
    const dockerfile = join(project, 'Dockerfile');
    const deffile = join(project, 'Singularity');
    writeFileSync(dockerfile, 'FROM ubuntu:24.04\nRUN gcc -O2 -march=native -o app app.c\n');
    writeFileSync(deffile, 'Bootstrap: docker\nFrom: ubuntu:24.04\n\n%enviroment\n    export OMP_PROC_BIND=true\n');
    const reportFile = join(temp, 'report.json');
    const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${join(__dirname, 'neovim-driver.lua')}`], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        HOME: temp,
        XDG_CONFIG_HOME: join(temp, 'config'),
        XDG_CACHE_HOME: join(temp, 'cache'),
        XDG_DATA_HOME: join(temp, 'data'),
        XDG_STATE_HOME: join(temp, 'state'),
        HPCLINT_TODAY: '2026-01-15',
        HPCLINT_NVIM_CONFIG: config,
        HPCLINT_NVIM_DOCKERFILE: dockerfile,
        HPCLINT_NVIM_DEFFILE: deffile,
        HPCLINT_NVIM_REPORT: reportFile,
      },
    });
    assert.equal(run.status, 0, `nvim exited with ${run.status ?? run.signal}\n${run.stdout}${run.stderr}`);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DriverReport;
    assert.equal(report.error, undefined);

    const [docker, def] = report.files;
    assert.equal(docker.filetype, 'dockerfile');
    assert.ok(docker.got_diagnostics, 'HPC-PORT-001 published in the Dockerfile');
    assert.equal(docker.client_name, 'hpclint');
    assert.deepEqual({ ...docker.finding, message: undefined }, { line: 1, col: 12, end_line: 1, end_col: 25, severity: 2, message: undefined });
    assert.match(docker.hover ?? '', /HPC-PORT-001/);
    assert.ok(docker.actions?.includes('Ignore HPC-PORT-001 for this line'), docker.actions?.join(' | '));
    assert.match(docker.applied ?? '', /-march=x86-64-v3/);
    assert.equal(docker.fixed_away, true);
    assert.equal(docker.line_after_fix, 'RUN gcc -O2 -march=x86-64-v3 -o app app.c');
    assert.equal(readFileSync(dockerfile, 'utf8'), 'FROM ubuntu:24.04\nRUN gcc -O2 -march=x86-64-v3 -o app app.c\n');

    assert.equal(def.filetype, 'apptainer', 'the README configuration detects definition files');
    assert.ok(def.got_diagnostics, 'HPC-DEF-005 published in the definition file');
    assert.deepEqual({ ...def.finding, message: undefined }, { line: 3, col: 0, end_line: 3, end_col: 11, severity: 1, message: undefined });
    assert.match(def.hover ?? '', /HPC-DEF-005/);
    assert.equal(def.applied, 'Change to `%environment`');
    assert.equal(def.fixed_away, true);
    assert.equal(def.line_after_fix, '%environment');

    assert.deepEqual(report.log_errors, [], 'the server logged no errors');
    assert.deepEqual(report.messages, [], 'the server showed no messages');
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

test('the README shows exactly the Neovim configuration that the test runs', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.ok(readme.includes(`\`\`\`lua\n${readFileSync(config, 'utf8')}\`\`\``), 'README.md embeds docs/editors/hpclint.lua verbatim');
});

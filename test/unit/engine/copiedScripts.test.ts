// Scripts copied in and run (#12 item 10): the engine lints the texts it is given as the body of the step
// that runs them; the service reads them inside the build context and the workspace only (#15 item 4).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lint } from '../../../server/src/engine/lint';
import type { HpcDiagnostic } from '../../../server/src/engine/types';
import { MAX_SCRIPT_BYTES, readScript } from '../../../server/src/io/copiedScripts';
import { copiedScriptRuns } from '../../../server/src/recipe/copied-scripts';
import { parseRecipe } from '../../../server/src/recipe/parse';
import { allRules } from '../../../server/src/rules/index';
import { InProcessLinter, type Linter } from '../../../server/src/service/linter';
import { LintService } from '../../../server/src/service/lintService';
import { defaultConfig } from '../../../server/src/engine/config';

const DOCKERFILE = ['FROM ubuntu:24.04', 'WORKDIR /src', 'COPY build.sh .', 'RUN chmod +x build.sh && ./build.sh', ''].join('\n');
const BUILD_SH = ['#!/bin/sh', 'set -e', 'git clone https://github.com/example/solver.git', 'make -C solver', ''].join('\n');

const summary = (d: HpcDiagnostic): string =>
  `${d.code} ${d.severity} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

function lintDockerfile(text: string, scripts?: Record<string, { text: string } | { unreadable: string }>): HpcDiagnostic[] {
  return lint(text, { fileName: 'Dockerfile', format: 'dockerfile', rules: allRules, scripts }).diagnostics;
}

test('an unpinned git clone inside a copied build.sh is reported on the command that runs it, with the script line', () => {
  const found = lintDockerfile(DOCKERFILE, { 'build.sh': { text: BUILD_SH } });
  const clone = found.find((d) => d.code === 'HPC-MAINT-001');
  assert.ok(clone, found.map(summary).join('\n'));
  // `./build.sh` on line 4 (0-based 3), columns 25-35 (0-based).
  assert.equal(summary(clone), 'HPC-MAINT-001 warning 3:25-3:35');
  assert.match(clone.message, /^build\.sh line 3 \(run here\): `git clone https:\/\/github\.com\/example\/solver\.git` takes the default branch/);
  assert.deepEqual(clone.fixes, []);
  assert.equal(clone.related?.length, 1);
  assert.equal(clone.related?.[0].path, 'build.sh');
  assert.deepEqual(clone.related?.[0].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 47 } });
  // Seen: no "cannot see inside" finding; the base's own findings are not repeated for the script.
  assert.ok(!found.some((d) => d.code === 'HPC-USE-010'));
  assert.equal(found.filter((d) => d.code === 'HPC-SEC-001').length, 1);
});

test('without the script, one info finding on the RUN says hpclint cannot see inside', () => {
  const noContext = lintDockerfile(DOCKERFILE).filter((d) => d.code === 'HPC-USE-010');
  assert.deepEqual(noContext.map(summary), ['HPC-USE-010 info 3:25-3:35']);
  assert.match(noContext[0].message, /no build context to read it from/);
  const unread = lintDockerfile(DOCKERFILE, { 'build.sh': { unreadable: 'build.sh leads outside the workspace' } }).filter((d) => d.code !== 'HPC-SEC-001');
  assert.deepEqual(
    unread.filter((d) => d.code === 'HPC-USE-010').map((d) => d.message),
    ['RUN runs `build.sh`, copied in from the build context, but hpclint cannot see inside (build.sh leads outside the workspace): its commands are not checked for HPC pitfalls.'],
  );
  assert.ok(!unread.some((d) => d.code === 'HPC-MAINT-001'));
});

test('pragmas: one above the RUN silences the script findings; one in the script silences its line', () => {
  const aboveRun = DOCKERFILE.replace('RUN chmod', '# hpclint ignore=HPC-MAINT-001 -- pinned in CI\nRUN chmod');
  assert.ok(!lintDockerfile(aboveRun, { 'build.sh': { text: BUILD_SH } }).some((d) => d.code === 'HPC-MAINT-001'));
  const inScript = BUILD_SH.replace('git clone', '# hpclint ignore=HPC-MAINT-001\ngit clone');
  assert.ok(!lintDockerfile(DOCKERFILE, { 'build.sh': { text: inScript } }).some((d) => d.code === 'HPC-MAINT-001'));
});

test('a definition file: %files then %post running the script (wherever the sections stand)', () => {
  const definition = ['Bootstrap: docker', 'From: ubuntu:24.04', '', '%post', '    bash /opt/build.sh', '', '%files', '    build.sh /opt/build.sh', ''].join('\n');
  const found = lint(definition, { fileName: 'Singularity', format: 'apptainer', rules: allRules, scripts: { 'build.sh': { text: BUILD_SH } } }).diagnostics;
  assert.deepEqual(found.filter((d) => d.code === 'HPC-MAINT-001').map(summary), ['HPC-MAINT-001 warning 4:4-4:22']);
});

test('which commands run a copied file, and from which build-context paths', () => {
  const recipe = parseRecipe(
    [
      'FROM ubuntu:24.04',
      'COPY . /app',
      'COPY tools/env.sh /etc/profile.d/',
      'WORKDIR /app',
      'RUN ./scripts/build.sh && . /etc/profile.d/env.sh && bash -o pipefail -e run.sh arg && sh -c "./x.sh" && ./configure && /usr/bin/tool.sh && bash -c make',
      '',
    ].join('\n'),
    'dockerfile',
  );
  assert.deepEqual(
    copiedScriptRuns(recipe).map((run) => [run.path.value, run.sources]),
    [
      ['./scripts/build.sh', ['scripts/build.sh']],
      ['/etc/profile.d/env.sh', ['tools/env.sh']],
      ['run.sh', ['run.sh']],
      // The string of `sh -c` is shell too (one level deeper): it runs /app/x.sh.
      ['./x.sh', ['x.sh']],
    ],
  );
});

test('a copied file run by its own #! line is linted only when that line names a shell', () => {
  const recipe = ['FROM ubuntu:24.04', 'COPY tools /opt/tools', 'RUN /opt/tools/prepare', ''].join('\n');
  const python = lintDockerfile(recipe, { 'tools/prepare': { text: '#!/usr/bin/env python3\nimport os\nos.system("git clone https://github.com/example/x.git")\n' } });
  assert.ok(!python.some((d) => d.code === 'HPC-MAINT-001' || d.code === 'HPC-USE-010'), python.map(summary).join('\n'));
  const shell = lintDockerfile(recipe, { 'tools/prepare': { text: '#!/usr/bin/env bash\ngit clone https://github.com/example/x.git\n' } });
  assert.deepEqual(shell.filter((d) => d.code === 'HPC-MAINT-001').map(summary), ['HPC-MAINT-001 warning 2:4-2:22']);
});

test('reads stay inside the build context and the workspace: no ../, no link out, regular files, size-bounded', () => {
  const base = mkdtempSync(join(tmpdir(), 'hpclint-scripts-'));
  try {
    const workspace = join(base, 'workspace');
    const context = join(workspace, 'app');
    mkdirSync(context, { recursive: true });
    writeFileSync(join(base, 'secret.sh'), 'echo outside\n');
    writeFileSync(join(workspace, 'shared.sh'), 'echo shared\n');
    writeFileSync(join(context, 'build.sh'), BUILD_SH);
    writeFileSync(join(context, 'big.sh'), '#'.repeat(MAX_SCRIPT_BYTES + 1));
    symlinkSync(join(base, 'secret.sh'), join(context, 'escape.sh'));
    symlinkSync(join(workspace, 'shared.sh'), join(context, 'inside-link.sh'));
    mkdirSync(join(context, 'dir.sh'));
    const where = { directory: context, root: workspace };
    assert.deepEqual(readScript(where, 'build.sh'), { text: BUILD_SH });
    assert.deepEqual(readScript(where, 'inside-link.sh'), { text: 'echo shared\n' });
    assert.deepEqual(readScript(where, '../shared.sh'), { unreadable: '../shared.sh is outside the build context' });
    assert.deepEqual(readScript(where, 'escape.sh'), { unreadable: 'escape.sh leads outside the workspace' });
    assert.deepEqual(readScript(where, 'big.sh'), { unreadable: `big.sh is larger than ${MAX_SCRIPT_BYTES / 1024} KB` });
    assert.deepEqual(readScript(where, 'dir.sh'), { unreadable: 'dir.sh: is a directory' });
    assert.deepEqual(readScript(where, 'missing.sh'), { unreadable: 'missing.sh is not in the build context' });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('given a reader, the engine asks it once, for every path it wants, and finds what it finds with those texts given', () => {
  const text = [...DOCKERFILE.trimEnd().split('\n'), 'COPY tools/ /opt/tools/', 'RUN bash /opt/tools/setup.sh', ''].join('\n');
  const inputs = { 'build.sh': { text: BUILD_SH }, 'tools/setup.sh': { unreadable: 'tools/setup.sh is not in the build context' } };
  const asked: string[][] = [];
  const read = (paths: readonly string[]) => {
    asked.push([...paths]);
    return Object.fromEntries(paths.map((path) => [path, inputs[path as keyof typeof inputs]]));
  };
  const result = lint(text, { fileName: 'Dockerfile', format: 'dockerfile', rules: allRules, scripts: read });
  assert.deepEqual(asked, [['build.sh', 'tools/setup.sh']]);
  assert.deepEqual(result.wantedScripts, ['build.sh', 'tools/setup.sh']);
  assert.deepEqual(result.diagnostics, lintDockerfile(text, inputs));
  assert.ok(result.diagnostics.some((d) => d.code === 'HPC-MAINT-001' && d.related?.[0].path === 'build.sh'));
});

test('the service lints each recipe once, reading the scripts it runs on the way; a link out of the workspace is not read', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hpclint-scripts-'));
  const linter = new InProcessLinter(allRules);
  let jobs = 0;
  const counting: Linter = {
    run: (job, signal) => {
      jobs++;
      return linter.run(job, signal);
    },
    close: () => linter.close(),
  };
  const service = new LintService(allRules, { interactive: counting });
  try {
    const workspace = join(base, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(base, 'outside.sh'), BUILD_SH);
    writeFileSync(join(workspace, 'build.sh'), BUILD_SH);
    const job = { kind: 'lint' as const, text: DOCKERFILE, fileName: 'Dockerfile', format: 'dockerfile' as const, config: defaultConfig() };
    const seen = await service.run(job, { scripts: { directory: workspace, root: workspace } });
    assert.equal(jobs, 1);
    assert.deepEqual(seen.wantedScripts, ['build.sh']);
    assert.deepEqual(seen.diagnostics.filter((d) => d.code === 'HPC-MAINT-001' || d.code === 'HPC-USE-010').map(summary), ['HPC-MAINT-001 warning 3:25-3:35']);

    rmSync(join(workspace, 'build.sh'));
    symlinkSync(join(base, 'outside.sh'), join(workspace, 'build.sh'));
    const escaped = await service.run(job, { scripts: { directory: workspace, root: workspace } });
    assert.equal(jobs, 2);
    const codes = escaped.diagnostics.filter((d) => d.code === 'HPC-MAINT-001' || d.code === 'HPC-USE-010');
    assert.deepEqual(codes.map(summary), ['HPC-USE-010 info 3:25-3:35']);
    assert.match(codes[0].message, /build\.sh leads outside the workspace/);
  } finally {
    await service.close();
    rmSync(base, { recursive: true, force: true });
  }
});

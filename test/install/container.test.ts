// hpclint's own CI image (Dockerfile + .dockerignore at the root). Without a container engine the
// build-and-run test skips with the reason; everything else is checked here: the Dockerfile lints
// clean under hpclint's own rules, bases are pinned by digest, the image runs as a non-root user in
// /src, and the build context that .dockerignore lets through is enough to pack hpclint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { DockerfileParser } from 'dockerfile-ast';
import packageJson from '../../package.json';
import { root, runCli } from '../cli/helpers';

const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(dockerfileText);

test('the Dockerfile lints clean under hpclint, hints included', () => {
  const run = runCli(['--format', 'json', '--fail-on', 'info', 'Dockerfile']);
  assert.equal(run.status, 0, run.stdout);
  const report = JSON.parse(run.stdout) as { files: Array<{ diagnostics: unknown[] }> };
  assert.deepEqual(report.files[0].diagnostics, []);
  // The one pragma carries a reason.
  for (const line of dockerfileText.split('\n').filter((l) => /#\s*hpclint\s/.test(l))) {
    assert.match(line, /ignore=\S+ -- \S/, line);
  }
});

test('the image is built on a small Node base pinned by digest, runs as non-root in /src, and runs hpclint', () => {
  const froms = dockerfile.getFROMs();
  assert.equal(froms.length, 2);
  for (const from of froms) {
    assert.match(from.getImageName() ?? '', /^node$/);
    assert.match(from.getImageTag() ?? '', /^\d+-alpine$/);
    assert.match(from.getImageDigest() ?? '', /^sha256:[0-9a-f]{64}$/);
  }
  assert.equal(froms[0].getImage(), froms[1].getImage(), 'build and final stage share one base');
  const final = dockerfile.getInstructions().filter((i) => i.getRange().start.line > froms[1].getRange().start.line);
  const last = (keyword: string) => final.filter((i) => i.getKeyword() === keyword).at(-1)?.getArgumentsContent();
  assert.equal(last('USER'), 'node');
  assert.equal(last('WORKDIR'), '/src');
  assert.equal(last('ENTRYPOINT'), '["hpclint"]');
  assert.equal(last('CMD'), '["."]');
  assert.match(dockerfileText, new RegExp(`ARG VERSION=${packageJson.version.replace(/\./g, '\\.')}\\n`), 'ARG VERSION follows package.json');
});

/** Files of the repository that pass .dockerignore (the last matching pattern wins; `!` re-includes). */
function buildContext(): string[] {
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const glob = include ? line.slice(1) : line;
      const source = glob
        .split(/(\*\*|\*|\?)/)
        .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return { include, regex: new RegExp(`^${source}(/.*)?$`) };
    });
  const files = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return files.filter((file) => {
    let included = true;
    for (const rule of rules) {
      if (rule.regex.test(file)) {
        included = rule.include;
      }
    }
    return included;
  });
}

test('.dockerignore keeps tests, examples and local builds out, and lets in what packing needs', () => {
  const context = buildContext();
  for (const needed of ['package.json', 'package-lock.json', 'esbuild.mjs', 'scripts/pack.mjs', 'server/src/cli/main.ts', 'server/src/rules/portability/no-march-native.md', 'LICENSE']) {
    assert.ok(context.includes(needed), `${needed} is in the build context`);
  }
  for (const file of context) {
    assert.doesNotMatch(file, /^(test|bench|examples|node_modules|dist|\.git)\//, `${file} stays out of the build context`);
  }
  const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-context-')));
  try {
    for (const file of context) {
      mkdirSync(dirname(join(temp, file)), { recursive: true });
      cpSync(join(root, file), join(temp, file));
    }
    // Stands in for the build stage's `npm ci`: the same packages, from this checkout.
    symlinkSync(join(root, 'node_modules'), join(temp, 'node_modules'), 'dir');
    const pack = spawnSync(process.execPath, ['scripts/pack.mjs', '--out', join(temp, 'packed')], { cwd: temp, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    assert.match(pack.stdout, new RegExp(`hpclint-${packageJson.version}\\.tgz: \\d+ files`));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

function engine(): string | undefined {
  for (const candidate of ['docker', 'podman']) {
    const info = spawnSync(candidate, ['info'], { encoding: 'utf8', timeout: 20_000 });
    if (info.status === 0) {
      return candidate;
    }
  }
  return undefined;
}

test('the image builds and lints recipes mounted at /src (needs a container engine)', (t) => {
  const cli = engine();
  if (!cli) {
    t.skip('no container engine: neither `docker info` nor `podman info` succeeds here');
    return;
  }
  const tag = `hpclint-test:${process.pid}`;
  const recipes = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-image-')));
  try {
    const build = spawnSync(cli, ['build', '-t', tag, '.'], { cwd: root, encoding: 'utf8', timeout: 900_000 });
    assert.equal(build.status, 0, build.stderr);
    const run = (args: string[]) => spawnSync(cli, ['run', '--rm', '-v', `${recipes}:/src:ro`, ...args], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(run(['--entrypoint', 'id', tag, '-u']).stdout.trim() === '0', false, 'the image does not run as root');
    assert.equal(run([tag, '--version']).stdout, `${packageJson.version}\n`);
    writeFileSync(join(recipes, 'Dockerfile'), 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\n');
    const lint = run([tag, '--format', 'json']);
    assert.equal(lint.status, 1, lint.stderr);
    const report = JSON.parse(lint.stdout) as { files: Array<{ path: string; diagnostics: Array<{ code: string }> }> };
    assert.deepEqual(
      report.files.map((file) => [file.path, file.diagnostics.some((d) => d.code === 'HPC-PORT-001')]),
      [['Dockerfile', true]],
    );
  } finally {
    spawnSync(cli, ['rmi', '-f', tag]);
    rmSync(recipes, { recursive: true, force: true });
  }
});

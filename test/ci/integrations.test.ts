// The CI integrations, each run the way its consumer runs it: the composite GitHub Action's steps
// under bash with GITHUB_* files, the GitLab template's script under sh with its variables, and the
// pre-commit hooks' file filter and entry. Versions pinned in them follow package.json.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv';
import { parse } from 'yaml';
import packageJson from '../../package.json';
import { cliPath, root } from '../cli/helpers';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'hpclint-ci-')));
after(() => rmSync(temp, { recursive: true, force: true }));

const MARCH = 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\n';
const IMAGE = `ghcr.io/hpclint/hpclint:${packageJson.version}`;
const nodeDir = dirname(process.execPath);

function workspace(name: string, files: Record<string, string>): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, '.git'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A `hpclint` command on PATH that runs this checkout's bundle (what the image or npm install provides). */
function binDir(): string {
  const bin = join(temp, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    writeFileSync(join(bin, 'hpclint'), `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
    chmodSync(join(bin, 'hpclint'), 0o755);
  }
  return bin;
}

// ---------------------------------------------------------------- GitHub Action

interface ActionStep {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}

interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as ActionMetadata;

test('action.yml is a composite action whose steps take inputs only through env', () => {
  assert.equal(typeof action.name, 'string');
  assert.ok(action.description.length > 0 && action.description.length <= 125, 'Marketplace descriptions stay short');
  assert.equal(action.runs.using, 'composite');
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description, `input ${name} has a description`);
    assert.equal(typeof (input.default ?? ''), 'string', `input ${name} default is a string`);
  }
  for (const [name, output] of Object.entries(action.outputs)) {
    assert.match(output.value, /^\$\{\{ steps\.[\w-]+\.outputs\.[\w-]+ \}\}$/, `output ${name}`);
  }
  for (const step of action.runs.steps) {
    assert.equal(step.shell, 'bash', 'composite run steps must name their shell');
    assert.doesNotMatch(step.run ?? '', /\$\{\{/, 'no expressions inside run scripts (script injection)');
    for (const value of Object.values(step.env ?? {})) {
      assert.match(value, /^\$\{\{ inputs\.[\w-]+ \}\}$/);
    }
  }
  assert.deepEqual(Object.keys(action.inputs).sort(), ['annotations', 'config', 'fail-on', 'paths', 'sarif-file']);
});

/** Runs the composite steps as the runner does (bash --noprofile --norc -eo pipefail, GITHUB_OUTPUT). */
function runAction(cwd: string, with_: Record<string, string>): { status: number; stdout: string; outputs: Record<string, string> } {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, with_[name] ?? input.default ?? '']));
  const outputFile = join(cwd, '..', `${Date.now()}-github-output`);
  writeFileSync(outputFile, '');
  let stdout = '';
  let status = 0;
  for (const step of action.runs.steps) {
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, value.replace(/^\$\{\{ inputs\.([\w-]+) \}\}$/, (_, name: string) => inputs[name])]),
    );
    const script = join(cwd, '..', 'step.sh');
    writeFileSync(script, step.run ?? '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...env,
        PATH: `${nodeDir}:${process.env.PATH ?? ''}`,
        GITHUB_ACTION_PATH: root,
        GITHUB_WORKSPACE: cwd,
        GITHUB_OUTPUT: outputFile,
        HPCLINT_TODAY: '2026-01-15',
      },
    });
    stdout += result.stdout;
    status = result.status ?? -1;
    if (status !== 0) {
      break;
    }
  }
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status, stdout, outputs };
}

test('the action annotates findings, writes SARIF and fails at --fail-on', () => {
  const ws = workspace('action', { Dockerfile: MARCH, 'docs/readme.txt': 'not a recipe\n' });
  const run = runAction(ws, {});
  assert.equal(run.status, 1, run.stdout);
  assert.match(run.stdout, /^::warning file=Dockerfile,line=2,col=9,endLine=2,endColumn=22,title=HPC-PORT-001::/m);
  assert.deepEqual(run.outputs, { 'sarif-file': 'hpclint.sarif', 'exit-code': '1' });
  const sarif = JSON.parse(readFileSync(join(ws, 'hpclint.sarif'), 'utf8')) as {
    runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
  };
  const result = sarif.runs[0].results.find((r) => r.ruleId === 'HPC-PORT-001');
  assert.equal(result?.locations[0].physicalLocation.artifactLocation.uri, 'Dockerfile', 'SARIF paths are relative to the workspace');
});

test('action inputs: paths, fail-on never, no SARIF, plain text; a broken config fails with 2', () => {
  const ws = workspace('action-inputs', { 'a/Dockerfile': MARCH, 'b/Dockerfile': MARCH, 'bad.yaml': 'rules: [\n' });
  const quiet = runAction(ws, { paths: 'a\n', 'fail-on': 'never', 'sarif-file': '', annotations: 'false' });
  assert.equal(quiet.status, 0, quiet.stdout);
  assert.match(quiet.stdout, /^a\/Dockerfile:2:9 warning HPC-PORT-001 /m);
  assert.doesNotMatch(quiet.stdout, /b\/Dockerfile/);
  assert.equal(existsSync(join(ws, 'hpclint.sarif')), false);
  assert.deepEqual(quiet.outputs, { 'sarif-file': '', 'exit-code': '0' });
  const broken = runAction(ws, { paths: 'a b', config: 'bad.yaml' });
  assert.equal(broken.status, 2);
  assert.equal(broken.outputs['exit-code'], '2');
});

// ---------------------------------------------------------------- GitLab CI template

interface GitlabJob {
  stage: string;
  image: { name: string; entrypoint: string[] };
  variables: Record<string, string>;
  script: string[];
  artifacts: { when: string; paths: string[]; reports: { codequality: string; junit: string } };
}

test('the GitLab template produces a valid Code Quality report and a JUnit report, and fails on findings', () => {
  const job = (parse(readFileSync(join(root, 'ci/gitlab/hpclint.gitlab-ci.yml'), 'utf8')) as { hpclint: GitlabJob }).hpclint;
  assert.equal(job.image.name, IMAGE, 'the template pins the image of this version');
  assert.deepEqual(job.image.entrypoint, [''], 'GitLab runs the script in a shell, not through the image entrypoint');
  assert.equal(job.artifacts.when, 'always');
  assert.equal(job.artifacts.reports.codequality, 'gl-code-quality-report.json');
  for (const report of Object.values(job.artifacts.reports)) {
    assert.ok(job.script.some((line) => line.endsWith(`> ${report}`) || line.includes(`> ${report} `)), `the script writes ${report}`);
  }
  const ws = workspace('gitlab', { 'containers/Dockerfile': MARCH, 'containers/app.def': 'Bootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n' });
  const run = spawnSync('sh', ['-e', '-c', job.script.join('\n')], {
    cwd: ws,
    encoding: 'utf8',
    env: { ...process.env, ...job.variables, HPCLINT_PATHS: 'containers', PATH: `${binDir()}:${process.env.PATH ?? ''}`, HPCLINT_TODAY: '2026-01-15' },
  });
  assert.equal(run.status, 1, run.stderr);
  const log = run.stdout.replaceAll('\u001b', '').replace(/\[\d+m/g, '');
  assert.ok(run.stdout.includes('\u001b[31merror'), 'the job log is coloured (GitLab renders ANSI)');
  assert.match(log, /^containers\/app\.def:3:1 error HPC-DEF-005 /m);
  const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/ci/gitlab-codequality.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const issues = JSON.parse(readFileSync(join(ws, job.artifacts.reports.codequality), 'utf8')) as Array<{ check_name: string; location: { path: string } }>;
  assert.ok(validate(issues), JSON.stringify(validate.errors));
  assert.ok(issues.some((issue) => issue.check_name === 'HPC-DEF-005' && issue.location.path === 'containers/app.def'));
  assert.ok(issues.some((issue) => issue.check_name === 'HPC-PORT-001' && issue.location.path === 'containers/Dockerfile'));
  assert.match(readFileSync(join(ws, job.artifacts.reports.junit), 'utf8'), /<testsuite name="containers\/app\.def" tests="\d+" failures="[1-9]/);
});

// ---------------------------------------------------------------- pre-commit

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files?: string;
  types?: string[];
  description?: string;
}

const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];

test('.pre-commit-hooks.yaml follows the pre-commit manifest schema', () => {
  assert.ok(Array.isArray(hooks));
  assert.deepEqual(
    hooks.map((hook) => hook.id),
    ['hpclint', 'hpclint-docker'],
  );
  const languages = ['conda', 'coursier', 'dart', 'docker', 'docker_image', 'dotnet', 'fail', 'golang', 'haskell', 'lua', 'node', 'perl', 'pygrep', 'python', 'r', 'ruby', 'rust', 'script', 'swift', 'system'];
  for (const hook of hooks) {
    for (const key of ['id', 'name', 'entry', 'language'] as const) {
      assert.equal(typeof hook[key], 'string', `${hook.id}.${key}`);
    }
    assert.ok(languages.includes(hook.language), hook.language);
    assert.doesNotThrow(() => new RegExp(hook.files ?? ''));
    assert.deepEqual(hook.types, ['file']);
    assert.match(hook.entry, /--ignore-unknown$/);
  }
  assert.equal(hooks[1].entry, `${IMAGE} --ignore-unknown`, 'the docker hook pins the image of this version');
  assert.equal(hooks[0].files, hooks[1].files);
});

test('the pre-commit hook picks recipe files by name and lints them; other .def files pass quietly', () => {
  const ws = workspace('pre-commit', {
    Dockerfile: MARCH,
    'gpu/Containerfile': 'FROM ubuntu:24.04\n',
    'gpu/Singularity.cuda': 'Bootstrap: docker\nFrom: ubuntu:24.04\n%enviroment\n',
    'apps/app.def': 'Bootstrap: docker\nFrom: ubuntu:24.04\n',
    'win/module.def': 'LIBRARY foo\nEXPORTS\n    bar\n',
    'build.dockerfile': 'FROM ubuntu:24.04\n',
    'README.md': '# readme\n',
    'src/main.c': 'int main(void) { return 0; }\n',
    'Dockerfile.md': 'notes\n',
  });
  const staged = ['Dockerfile', 'gpu/Containerfile', 'gpu/Singularity.cuda', 'apps/app.def', 'win/module.def', 'build.dockerfile', 'README.md', 'src/main.c'];
  const filter = new RegExp(hooks[0].files ?? '');
  const passed = staged.filter((path) => filter.test(path));
  assert.deepEqual(passed, ['Dockerfile', 'gpu/Containerfile', 'gpu/Singularity.cuda', 'apps/app.def', 'win/module.def', 'build.dockerfile']);
  const [command, ...args] = hooks[0].entry.split(' ');
  assert.equal(command, 'hpclint');
  const run = spawnSync(join(binDir(), command), [...args, '--format', 'json', ...passed], { cwd: ws, encoding: 'utf8', env: { ...process.env, HPCLINT_TODAY: '2026-01-15' } });
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { files: Array<{ path: string; diagnostics: Array<{ code: string }> }> };
  assert.deepEqual(
    report.files.map((file) => file.path),
    ['Dockerfile', 'gpu/Containerfile', 'gpu/Singularity.cuda', 'apps/app.def', 'build.dockerfile'],
  );
  assert.ok(report.files[2].diagnostics.some((d) => d.code === 'HPC-DEF-005'));
  // Without --ignore-unknown the module definition file would be linted as a Dockerfile.
  const strict = spawnSync(join(binDir(), 'hpclint'), ['--format', 'json', 'win/module.def'], { cwd: ws, encoding: 'utf8' });
  assert.equal((JSON.parse(strict.stdout) as { files: unknown[] }).files.length, 1);
});

// CI report formats checked against what their consumers read: GitLab Code Quality (schema subset),
// Checkstyle and JUnit XML (parsed with a standard XML parser).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv';
import { children, parseJson, parseXml, root, runCli } from './helpers';

const EXAMPLES = ['examples/'];
const temp = mkdtempSync(join(tmpdir(), 'hpclint-formats-'));
mkdirSync(join(temp, '.git'));
after(() => rmSync(temp, { recursive: true, force: true }));

interface CodeQualityIssue {
  check_name: string;
  description: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end: number } };
}

function gitlab(args: readonly string[], cwd = root): CodeQualityIssue[] {
  const run = runCli(['--format', 'gitlab', ...args], { cwd });
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as CodeQualityIssue[];
}

test('gitlab: the report validates against the Code Quality schema subset and matches the JSON findings', () => {
  const schema = JSON.parse(readFileSync(join(root, 'test/fixtures/ci/gitlab-codequality.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  const issues = gitlab(EXAMPLES);
  assert.ok(validate(issues), JSON.stringify(validate.errors, null, 2));
  const json = parseJson(runCli(['--format', 'json', ...EXAMPLES]));
  const expected = json.files.flatMap((file) =>
    file.diagnostics.map((d) => [file.path, d.code, d.line, d.endLine, { error: 'critical', warning: 'major', info: 'minor', hint: 'info' }[d.severity]]),
  );
  assert.ok(expected.length > 10);
  assert.deepEqual(
    issues.map((issue) => [issue.location.path, issue.check_name, issue.location.lines.begin, issue.location.lines.end, issue.severity]),
    expected,
  );
  assert.equal(new Set(issues.map((issue) => issue.fingerprint)).size, issues.length, 'fingerprints are unique');
  assert.equal(runCli(['--format', 'gitlab', 'examples/clean']).stdout, '[]\n');
});

test('gitlab: fingerprints survive moved lines and unrelated edits, and change for a new finding', () => {
  const dir = join(temp, 'fingerprints');
  mkdirSync(dir);
  const before = 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\nRUN gcc -march=native b.c\n';
  writeFileSync(join(dir, 'Dockerfile'), before);
  const first = gitlab(['--rule', 'HPC-PORT-001=error', 'Dockerfile'], dir).filter((i) => i.check_name === 'HPC-PORT-001');
  assert.equal(first.length, 2);
  assert.notEqual(first[0].fingerprint, first[1].fingerprint, 'identical findings in one file stay distinct');
  writeFileSync(join(dir, 'Dockerfile'), `# a comment\nFROM ubuntu:24.04\nRUN echo hello\n${before.split('\n').slice(1).join('\n')}`);
  const moved = gitlab(['--rule', 'HPC-PORT-001=error', 'Dockerfile'], dir).filter((i) => i.check_name === 'HPC-PORT-001');
  assert.deepEqual(
    moved.map((i) => i.location.lines.begin),
    [4, 5],
  );
  assert.deepEqual(
    moved.map((i) => i.fingerprint),
    first.map((i) => i.fingerprint),
  );
  writeFileSync(join(dir, 'Dockerfile'), 'FROM ubuntu:24.04\nRUN gcc -march=native a.c\nRUN nvcc -arch=native b.cu\n');
  const changed = gitlab(['Dockerfile'], dir);
  const port001 = changed.filter((i) => i.check_name === 'HPC-PORT-001');
  assert.deepEqual(
    port001.map((i) => i.fingerprint),
    [first[0].fingerprint],
  );
  const port003 = changed.find((i) => i.check_name === 'HPC-PORT-003');
  assert.ok(port003 && !first.some((i) => i.fingerprint === port003.fingerprint));
});

test('checkstyle: well-formed XML with one <file> per recipe and one <error> per finding', () => {
  const run = runCli(['--format', 'checkstyle', ...EXAMPLES]);
  assert.equal(run.status, 1);
  const json = parseJson(runCli(['--format', 'json', ...EXAMPLES]));
  const checkstyle = parseXml(run.stdout).checkstyle;
  assert.equal(checkstyle.$?.version, '4.3');
  const files = children(checkstyle, 'file');
  assert.deepEqual(
    files.map((file) => file.$?.name),
    json.files.map((file) => file.path),
  );
  files.forEach((file, index) => {
    assert.deepEqual(
      children(file, "error").map((error) => ({ ...error.$ })),
      json.files[index].diagnostics.map((d) => ({
        line: String(d.line),
        column: String(d.column),
        severity: d.severity === 'hint' ? 'info' : d.severity,
        message: `${d.message} (${d.code})`,
        source: `hpclint.${d.code}`,
      })),
    );
  });
});

test('junit: well-formed XML; findings at or above --fail-on are failures, clean recipes pass', () => {
  const run = runCli(['--format', 'junit', ...EXAMPLES]);
  const json = parseJson(runCli(['--format', 'json', ...EXAMPLES]));
  const suites = parseXml(run.stdout).testsuites;
  const failing = json.files.flatMap((file) => file.diagnostics).filter((d) => d.severity === 'error' || d.severity === 'warning');
  assert.equal(suites.$?.failures, String(failing.length));
  const suiteList = children(suites, 'testsuite');
  assert.deepEqual(
    suiteList.map((suite) => suite.$?.name),
    json.files.map((file) => file.path),
  );
  const clean = suiteList.find((suite) => suite.$?.name === 'examples/clean/Dockerfile');
  assert.ok(clean);
  assert.deepEqual(children(clean, 'testcase').map((testcase) => [testcase.$?.name, children(testcase, 'failure').length]), [['hpclint', 0]]);
  const failures = suiteList.flatMap((suite) => children(suite, 'testcase')).flatMap((testcase) => children(testcase, 'failure'));
  assert.deepEqual(
    failures.map((failure) => [failure.$?.type, failure.$?.message]),
    failing.map((d) => [d.severity, d.message]),
  );
  assert.match(String(failures[0]._), /^examples\/\S+:\d+:\d+ (error|warning) HPC-[A-Z]+-\d{3} .*\nhttps:\/\/github\.com\/hpclint\/hpclint\/blob\/main\/server\/src\/rules\/[a-z]+\/[a-z0-9-]+\.md$/s);
  const never = parseXml(runCli(['--format', 'junit', '--fail-on', 'never', ...EXAMPLES]).stdout).testsuites;
  assert.equal(never.$?.failures, '0');
});

test('checkstyle and junit stay well-formed for hostile paths and messages', () => {
  const dir = join(temp, 'hostile');
  const name = 'a&b <"quoted">\u0001.Dockerfile';
  mkdirSync(dir);
  writeFileSync(join(dir, name), 'FROM ubuntu:24.04\nRUN gcc -march=native "x&<y>\u0002".c ]]>\n');
  for (const format of ['checkstyle', 'junit']) {
    const run = runCli(['--format', format, name], { cwd: dir });
    assert.equal(run.status, 1, run.stderr);
    const text = JSON.stringify(parseXml(run.stdout));
    assert.match(text, /a&b <\\"quoted\\">\uFFFD\.Dockerfile/);
  }
});

// The severity policy in the CLI: the four severity words everywhere, hints only on request, quiet
// defaults on good recipes, and dockerfile-utils' findings under the same policy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJson, runCli } from './helpers';

const POLICY = 'test/fixtures/cli/policy';
const STYLE = `${POLICY}/Dockerfile`;
const HINTS =
  `${STYLE}:2:1 hint dockerfile-utils/DEPRECATED_MAINTAINER MAINTAINER has been deprecated\n` +
  `${STYLE}:3:9 hint dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE WORKDIR paths should be absolute\n` +
  `${STYLE}:4:1 hint dockerfile-utils/CASING_INSTRUCTION Instructions should be written in uppercase letters\n` +
  `${STYLE}:8:9 hint dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE WORKDIR paths should be absolute\n`;

test('hints are left out of the text output unless asked for, and the summary counts each severity by its name', () => {
  const quiet = runCli([STYLE]);
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stdout, '0 problems (0 errors, 0 warnings, 0 info) in 1 file; 4 hints not shown (--min-severity hint shows them)\n');

  const shown = runCli(['--min-severity', 'hint', STYLE]);
  assert.equal(shown.status, 0);
  assert.equal(shown.stdout, `${HINTS}\n4 problems (0 errors, 0 warnings, 0 info, 4 hints) in 1 file\n`);

  // Findings that fail the run are always shown: --min-severity error shows only errors with --fail-on error.
  const errorsOnly = runCli(['--min-severity=error', '--fail-on', 'error', POLICY]);
  assert.equal(errorsOnly.status, 1);
  assert.equal(
    errorsOnly.stdout,
    `${POLICY}/broken.Dockerfile:1:23 error dockerfile-utils/UNSUPPORTED_MODIFIER failed to process "\${RELEASE:bad}": unsupported modifier (b) in substitution\n\n` +
      '1 problem (1 error) in 3 files; 4 findings below error not shown (--min-severity hint shows all)\n',
  );
  assert.equal(runCli(['--min-severity', 'style', STYLE]).status, 2);
});

test('--fail-on hint is accepted, fails on hints and shows them', () => {
  const run = runCli(['--fail-on', 'hint', STYLE]);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, `${HINTS}\n4 problems (0 errors, 0 warnings, 0 info, 4 hints) in 1 file\n`);
  assert.equal(runCli(['--fail-on', 'info', STYLE]).status, 0);
});

test('the GitHub format never turns hints into annotations; JSON and SARIF name the hint severity', () => {
  assert.equal(runCli(['--format', 'github', STYLE]).stdout, '');
  assert.equal(runCli(['--format', 'github', '--min-severity', 'hint', STYLE]).stdout, '');

  assert.deepEqual(parseJson(runCli(['--format', 'json', STYLE])).files[0].diagnostics, []);
  const json = parseJson(runCli(['--format', 'json', '--min-severity', 'hint', STYLE]));
  assert.deepEqual(
    json.files[0].diagnostics.map((d) => [d.line, d.code, d.severity]),
    [
      [2, 'dockerfile-utils/DEPRECATED_MAINTAINER', 'hint'],
      [3, 'dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE', 'hint'],
      [4, 'dockerfile-utils/CASING_INSTRUCTION', 'hint'],
      [8, 'dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE', 'hint'],
    ],
  );

  const sarif = JSON.parse(runCli(['--format', 'sarif', '--min-severity', 'hint', STYLE]).stdout) as {
    runs: Array<{
      tool: { driver: { rules: Array<{ id: string; properties: { severity: string } }> } };
      results: Array<{ ruleId: string; level: string; properties: { severity: string } }>;
    }>;
  };
  const [run] = sarif.runs;
  assert.deepEqual(
    run.results.map((result) => [result.ruleId, result.level, result.properties.severity]),
    [
      ['dockerfile-utils/DEPRECATED_MAINTAINER', 'note', 'hint'],
      ['dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE', 'note', 'hint'],
      ['dockerfile-utils/CASING_INSTRUCTION', 'note', 'hint'],
      ['dockerfile-utils/WORKDIR_IS_NOT_ABSOLUTE', 'note', 'hint'],
    ],
  );
  const descriptor = (id: string) => run.tool.driver.rules.find((rule) => rule.id === id)!;
  assert.equal(descriptor('HPC-CACHE-002').properties.severity, 'hint');
  assert.equal(descriptor('HPC-EOL-001').properties.severity, 'error');
});

test('dockerfile-utils findings follow the policy: style is a hint, anchored WORKDIRs and template placeholders are not findings', () => {
  const run = runCli(['--format', 'json', '--min-severity', 'hint', POLICY]);
  assert.equal(run.status, 1);
  const byFile = Object.fromEntries(parseJson(run).files.map((file) => [file.path, file.diagnostics.map((d) => `${d.line} ${d.severity} ${d.name}`)]));
  assert.deepEqual(byFile, {
    [STYLE]: ['2 hint DEPRECATED_MAINTAINER', '3 hint WORKDIR_IS_NOT_ABSOLUTE', '4 hint CASING_INSTRUCTION', '8 hint WORKDIR_IS_NOT_ABSOLUTE'],
    [`${POLICY}/broken.Dockerfile`]: ['1 error UNSUPPORTED_MODIFIER'],
    [`${POLICY}/template.Dockerfile`]: [],
  });
  // A setting still raises a style check.
  const raised = parseJson(runCli(['--format', 'json', '--rule', 'dockerfile-utils/DEPRECATED_MAINTAINER=warning', STYLE]));
  assert.deepEqual(
    raised.files[0].diagnostics.map((d) => [d.line, d.severity]),
    [[2, 'warning']],
  );
});

test('the clean examples print no finding, even with hints shown; the quick-start examples exit 1 on purpose', () => {
  const clean = runCli(['--min-severity', 'hint', 'examples/clean']);
  assert.equal(clean.status, 0);
  assert.equal(clean.stdout, '0 problems (0 errors, 0 warnings, 0 info, 0 hints) in 2 files\n');
  const quickStart = runCli(['examples/clean']);
  assert.equal(quickStart.status, 0);
  assert.equal(quickStart.stdout, '0 problems (0 errors, 0 warnings, 0 info) in 2 files\n');

  const examples = runCli(['examples/']);
  assert.equal(examples.status, 1);
  assert.doesNotMatch(examples.stdout, /^\S+:\d+:\d+ hint /m);
  assert.doesNotMatch(examples.stdout, /e\.g\.\n/, 'no fix hint is cut off at "e.g."');
});

test('fix hints speak about the finding: the recipe\'s own image, the JSON form for a Dockerfile ENTRYPOINT', () => {
  const run = runCli(['--min-severity', 'hint', 'examples/python-tool/Containerfile']);
  const lines = run.stdout.split('\n');
  const fixAfter = (pattern: RegExp): string | undefined => lines[lines.findIndex((line) => pattern.test(line)) + 1];
  assert.equal(
    fixAfter(/ HPC-SEC-001 /),
    '  fix: Pin it by digest and keep the tag for readers: `FROM python:3.8-slim@sha256:<digest>` (`docker buildx imagetools inspect python:3.8-slim` or `skopeo inspect docker://python:3.8-slim` prints it), and let a bot (Renovate, Dependabot) refresh the pin so the image still gets security updates.',
  );
  assert.equal(
    fixAfter(/ HPC-USE-001 Shell-form `ENTRYPOINT`/),
    '  fix: Write it in JSON (exec) form, `ENTRYPOINT ["app", "arg"]`, with default arguments in `CMD`; when it needs a shell, end the shell command with `exec app "$@"`: `ENTRYPOINT ["/bin/sh", "-c", "setup && exec app \\"$@\\"", "app"]`.',
  );
});

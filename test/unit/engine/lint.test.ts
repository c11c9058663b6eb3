import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint, LintCancelledError, type EngineLintOptions } from '../../../server/src/engine/lint';
import { defaultConfig } from '../../../server/src/engine/config';
import type { Finding, Rule, RuleMeta, SeveritySetting } from '../../../server/src/engine/rule';
import type { HpcDiagnostic, ResolvedConfig } from '../../../server/src/engine/types';
import { LineIndex } from '../../../server/src/recipe/text';
import { allRules } from '../../../server/src/rules/index';

function meta(overrides: Partial<RuleMeta>): RuleMeta {
  return {
    code: 'HPC-TEST-001',
    name: 'no-host-isa',
    category: 'portability',
    severity: 'warning',
    formats: ['dockerfile', 'apptainer'],
    fix: 'safe',
    docs: { summary: 's', whatItDoes: 'w', whyHpc: 'y', howToFix: 'h', bad: [], good: [], references: [] },
    ...overrides,
  };
}

/** Reports every `native` word, with a safe fix to `x86-64-v3`. */
function wordRule(word: string, ruleMeta: RuleMeta, extra: Partial<Finding> = {}): Rule & { calls: number } {
  const rule = {
    meta: ruleMeta,
    calls: 0,
    check(context: Parameters<Rule['check']>[0]) {
      rule.calls++;
      const text = context.recipe.text;
      const index = new LineIndex(text);
      for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
        const range = index.range(at, at + word.length);
        context.report({
          range,
          message: `found ${word}`,
          fixes: [{ title: `Replace ${word}`, safe: true, edits: [{ range, newText: 'x86-64-v3' }] }],
          ...extra,
        });
      }
    },
  };
  return rule;
}

const native = (): Rule & { calls: number } => wordRule('native', meta({}));

function config(partial: Partial<ResolvedConfig>): ResolvedConfig {
  return { ...defaultConfig(), syntaxValidation: false, ...partial };
}

function summary(diagnostics: HpcDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.severity} ${d.code}`);
}

const DOCKERFILE = 'FROM ubuntu:22.04\nRUN gcc -march=native -o a a.c\n';

function run(text: string, options: EngineLintOptions): HpcDiagnostic[] {
  return lint(text, { fileName: 'Dockerfile', ...options }).diagnostics;
}

test('a finding becomes a diagnostic with the rule metadata', () => {
  const result = lint(DOCKERFILE, { fileName: 'Dockerfile', rules: [native()], config: config({}) });
  assert.equal(result.format, 'dockerfile');
  assert.deepEqual(result.diagnostics, [
    {
      code: 'HPC-TEST-001',
      name: 'no-host-isa',
      category: 'portability',
      severity: 'warning',
      message: 'found native',
      range: { start: { line: 1, character: 15 }, end: { line: 1, character: 21 } },
      fixes: [
        {
          title: 'Replace native',
          safe: true,
          edits: [{ range: { start: { line: 1, character: 15 }, end: { line: 1, character: 21 } }, newText: 'x86-64-v3' }],
        },
      ],
      source: 'hpclint',
    },
  ]);
});

test('severity precedence: rule setting > category setting > finding severity > default', () => {
  const findingSays = (): Rule => wordRule('native', meta({}), { severity: 'error' });
  assert.deepEqual(summary(run(DOCKERFILE, { rules: [native()], config: config({}) })), ['1:15 warning HPC-TEST-001']);
  assert.deepEqual(summary(run(DOCKERFILE, { rules: [findingSays()], config: config({}) })), ['1:15 error HPC-TEST-001']);
  assert.deepEqual(summary(run(DOCKERFILE, { rules: [findingSays()], config: config({ categories: { portability: 'info' } }) })), [
    '1:15 info HPC-TEST-001',
  ]);
  assert.deepEqual(
    summary(
      run(DOCKERFILE, {
        rules: [findingSays()],
        config: config({ rules: { 'HPC-TEST-001': 'hint' }, categories: { portability: 'info' } }),
      }),
    ),
    ['1:15 hint HPC-TEST-001'],
  );
});

test('rule keys may be codes in any case or names; off skips the check entirely', () => {
  const variants: Array<Record<string, SeveritySetting>> = [{ 'hpc-test-001': 'off' }, { 'no-host-isa': 'off' }, { 'HPC-TEST-001': 'off' }];
  for (const rules of variants) {
    const rule = native();
    assert.deepEqual(run(DOCKERFILE, { rules: [rule], config: config({ rules }) }), []);
    assert.equal(rule.calls, 0);
  }
  const rule = native();
  assert.deepEqual(run(DOCKERFILE, { rules: [rule], config: config({ categories: { portability: 'off' } }) }), []);
  assert.equal(rule.calls, 0);
  assert.deepEqual(
    summary(run(DOCKERFILE, { rules: [native()], config: config({ rules: { 'no-host-isa': 'error' }, categories: { portability: 'off' } }) })),
    ['1:15 error HPC-TEST-001'],
  );
});

test('rules run only for their formats', () => {
  const dockerOnly = wordRule('native', meta({ formats: ['dockerfile'] }));
  const def = 'Bootstrap: docker\nFrom: ubuntu\n%post\n  gcc -march=native\n';
  assert.deepEqual(lint(def, { fileName: 'Singularity', rules: [dockerOnly], config: config({}) }).diagnostics, []);
  assert.equal(dockerOnly.calls, 0);
  const both = native();
  const result = lint(def, { fileName: 'app.def', rules: [both], config: config({}) });
  assert.equal(result.format, 'apptainer');
  assert.deepEqual(summary(result.diagnostics), ['3:13 warning HPC-TEST-001']);
});

test('a crashing rule yields one hpclint/internal warning and the other rules still run', () => {
  const crashing: Rule = {
    meta: meta({ code: 'HPC-TEST-002', name: 'crashes', category: 'security' }),
    check(context) {
      context.report({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, message: 'partial' });
      throw new TypeError('boom');
    },
  };
  const diagnostics = run(DOCKERFILE, { rules: [crashing, native()], config: config({}) });
  assert.deepEqual(summary(diagnostics), ['0:0 warning hpclint/internal', '1:15 warning HPC-TEST-001']);
  assert.equal(diagnostics[0].message, 'Rule HPC-TEST-002 (crashes) crashed and was skipped: boom. This is a bug in hpclint.');
});

test('pragmas silence the next instruction (with continuation lines) by code or name', () => {
  const text = [
    'FROM ubuntu:22.04',
    '# hpclint ignore=HPC-TEST-001 -- tuned build for our cluster',
    'RUN gcc -march=native \\',
    '    -o native a.c',
    'RUN gcc -march=native',
    '# hpclint ignore=no-host-isa',
    'RUN gcc -march=native',
    '# hpclint ignore=HPC-OTHER-001',
    'RUN gcc -march=native',
    '',
  ].join('\n');
  assert.deepEqual(summary(run(text, { rules: [native()], config: config({}) })), [
    '4:15 warning HPC-TEST-001',
    '8:15 warning HPC-TEST-001',
  ]);
});

test('a global pragma silences the whole file', () => {
  const text = 'FROM ubuntu\nRUN gcc -march=native\n# hpclint global ignore=other,No-Host-Isa\nRUN gcc -march=native\n';
  assert.deepEqual(run(text, { rules: [native()], config: config({}) }), []);
});

test('definition-file pragmas apply to the next line of a section', () => {
  const text = 'Bootstrap: docker\nFrom: ubuntu\n%post\n  # hpclint ignore=HPC-TEST-001\n  gcc -march=native\n  gcc -march=native\n';
  assert.deepEqual(summary(lint(text, { fileName: 'Singularity', rules: [native()], config: config({}) }).diagnostics), [
    '5:13 warning HPC-TEST-001',
  ]);
});

test('parse problems become hpclint/parse diagnostics', () => {
  const text = 'Bootstrap: docker\nFrom: ubuntu\nbogus\n%post\n  true\n';
  const diagnostics = lint(text, { fileName: 'Singularity', rules: [], config: config({}) }).diagnostics;
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'hpclint/parse');
  assert.equal(diagnostics[0].name, 'parse');
  assert.equal(diagnostics[0].category, 'syntax');
  assert.equal(diagnostics[0].severity, 'error');
  assert.equal(diagnostics[0].range.start.line, 2);
  assert.deepEqual(lint(text, { fileName: 'Singularity', rules: [], config: config({ rules: { 'hpclint/parse': 'off' } }) }).diagnostics, []);
  assert.equal(
    lint(text, { fileName: 'Singularity', rules: [], config: config({ categories: { syntax: 'info' } }) }).diagnostics[0].severity,
    'info',
  );
});

test('dockerfile-utils findings are merged when syntaxValidation is on', () => {
  const text = 'FROM ubuntu:22.04\nMAINTAINER someone\n';
  const on = config({ syntaxValidation: true });
  assert.deepEqual(lint(text, { fileName: 'Dockerfile', rules: [], config: on }).diagnostics, [
    {
      code: 'dockerfile-utils/DEPRECATED_MAINTAINER',
      name: 'DEPRECATED_MAINTAINER',
      category: 'syntax',
      // Style under hpclint's severity policy (dockerfile-utils says warning).
      severity: 'hint',
      message: 'MAINTAINER has been deprecated',
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 10 } },
      fixes: [],
      source: 'dockerfile-utils',
    },
  ]);
  assert.deepEqual(lint(text, { fileName: 'Dockerfile', rules: [], config: config({ syntaxValidation: false }) }).diagnostics, []);
  const off = config({ syntaxValidation: true, rules: { 'dockerfile-utils/deprecated_maintainer': 'off' } });
  assert.deepEqual(lint(text, { fileName: 'Dockerfile', rules: [], config: off }).diagnostics, []);
  const loud = config({ syntaxValidation: true, categories: { syntax: 'error' } });
  assert.equal(lint(text, { fileName: 'Dockerfile', rules: [], config: loud }).diagnostics[0].severity, 'error');
  const ignored = 'FROM ubuntu:22.04\n# hpclint ignore=DEPRECATED_MAINTAINER -- by name\nMAINTAINER someone\n';
  assert.deepEqual(lint(ignored, { fileName: 'Dockerfile', rules: [], config: on }).diagnostics, []);
  const def = 'Bootstrap: docker\nFrom: ubuntu\n%post\n  MAINTAINER x\n';
  assert.deepEqual(lint(def, { fileName: 'Singularity', rules: [], config: on }).diagnostics, []);
});

test('diagnostics are sorted by position', () => {
  const text = 'FROM ubuntu\nMAINTAINER native\nRUN native\n';
  const rules = [wordRule('RUN', meta({ code: 'HPC-TEST-003', name: 'run' })), native()];
  assert.deepEqual(summary(lint(text, { fileName: 'Dockerfile', rules, config: config({ syntaxValidation: true }) }).diagnostics), [
    '1:0 hint dockerfile-utils/DEPRECATED_MAINTAINER',
    '1:11 warning HPC-TEST-001',
    '2:0 warning HPC-TEST-003',
    '2:4 warning HPC-TEST-001',
  ]);
});

test('files above 2 MB and binary files are skipped with one info diagnostic', () => {
  const rule = native();
  const huge = 'FROM ubuntu\n' + 'RUN echo native\n'.repeat(140_000);
  const big = lint(huge, { fileName: 'Dockerfile', rules: [rule], config: config({ syntaxValidation: true }) });
  assert.equal(rule.calls, 0);
  assert.deepEqual(summary(big.diagnostics), ['0:0 info hpclint/skipped']);
  assert.equal(big.diagnostics[0].message, "File skipped: 2.1 MB exceeds hpclint's 2 MB limit");
  assert.equal(big.diagnostics[0].category, 'syntax');
  const binary = lint('FROM ubuntu\n\0\0\x01', { fileName: 'Dockerfile', rules: [rule], config: config({}) });
  assert.deepEqual(summary(binary.diagnostics), ['0:0 info hpclint/skipped']);
  assert.equal(binary.diagnostics[0].message, 'File skipped: looks binary (contains NUL bytes)');
  assert.equal(rule.calls, 0);
});

test('an undetectable file is linted as a Dockerfile; options.format forces the format', () => {
  assert.equal(lint('RUN true\n', { rules: [], config: config({}) }).format, 'dockerfile');
  assert.equal(lint('FROM ubuntu\n', { fileName: 'Dockerfile', format: 'apptainer', rules: [], config: config({}) }).format, 'apptainer');
});

test('a dockerfile-utils crash (stage named `constructor`) becomes one finding; the lint still completes', () => {
  const result = lint('FROM ubuntu:24.04 AS constructor\nFROM constructor\nRUN true\n', { format: 'dockerfile', rules: [] });
  const crash = result.diagnostics.filter((d) => d.code === 'dockerfile-utils/INTERNAL');
  assert.equal(crash.length, 1);
  assert.equal(crash[0].severity, 'info');
  assert.match(crash[0].message, /^dockerfile-utils could not check this file's syntax \(.+\); hpclint's own rules still ran\.$/);
});

test('one finding per root cause: an end-of-life base is HPC-EOL-001 alone; off brings the others back, ignoring it silences all', () => {
  // Trimmed from ROCm-docker dev/Dockerfile-centos-7: the base, its vault workaround (twice) and its old glibc.
  const text = [
    'FROM centos:7',
    'RUN sed -i s/mirror.centos.org/vault.centos.org/g /etc/yum.repos.d/*.repo',
    'RUN sed -i s/^mirrorlist=http/#mirrorlist=http/g /etc/yum.repos.d/*.repo',
    '',
  ].join('\n');
  const eol = allRules.filter((rule) => ['HPC-EOL-001', 'HPC-PORT-007', 'HPC-EOL-003'].includes(rule.meta.code));
  const settings = { ...defaultConfig().settings, today: '2026-12-06' };
  const codes = (found: HpcDiagnostic[]): string[] => found.map((d) => `${d.range.start.line + 1} ${d.severity} ${d.code}`);

  const together = run(text, { rules: eol, config: config({ settings }) });
  // The vault workaround keeps it building: a warning (no security fixes), not an error.
  assert.deepEqual(codes(together), ['1 warning HPC-EOL-001']);
  assert.match(together[0].message, /glibc 2\.17 is also older than the 2\.26/);
  assert.match(together[0].message, /repointing its repositories to an archive \(lines 2, 3\)/);

  const withoutEol = run(text, { rules: eol, config: config({ settings, rules: { 'HPC-EOL-001': 'off' } }) });
  assert.deepEqual(codes(withoutEol), ['1 info HPC-PORT-007', '2 warning HPC-EOL-003']);
  assert.match(withoutEol[1].message, /continues on line 3/);

  // Ignoring the one finding silences the root cause: its message carried the other facts.
  const ignored = run(`# hpclint ignore=HPC-EOL-001 -- pinned on purpose\n${text}`, { rules: eol, config: config({ settings }) });
  assert.deepEqual(codes(ignored), []);
});

test('a lint whose `cancelled` turns true stops before the next rule with LintCancelledError', () => {
  const rules = [native(), native(), native()];
  let asked = 0;
  assert.throws(() => run(DOCKERFILE, { rules, config: config({}), cancelled: () => ++asked > 2 }), LintCancelledError);
  assert.deepEqual(
    rules.map((rule) => rule.calls),
    [1, 1, 0],
  );
  assert.equal(run(DOCKERFILE, { rules: [native()], config: config({}), cancelled: () => false }).length, 1);
});

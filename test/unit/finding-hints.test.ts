// Findings whose fix differs from the rule page's general advice carry their own `howToFix` (the CLI's `fix:` line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Rule } from '../../server/src/engine/rule';
import { allRules } from '../../server/src/rules/index';
import { runRule } from './ruleRunner';

function rule(code: string): Rule {
  const found = allRules.find((candidate) => candidate.meta.code === code);
  assert.ok(found, `${code} is not registered`);
  return found;
}

test('HPC-USE-001 unreachable code after exec says to move or delete it, not to end with exec', () => {
  // Trimmed from BoiseState-AdaptLab Singularity.taco-experiments.def: build steps after `exec echo` in an app.
  const text = [
    'Bootstrap: docker',
    'From: ubuntu:22.04',
    '',
    '%apprun foo',
    '    exec echo $PATH',
    '   git clone https://github.com/tensor-compiler/taco.git',
    '   make -j8',
    '',
  ].join('\n');
  const { findings } = runRule(rule('HPC-USE-001'), text, 'apptainer');
  const dead = findings.find((finding) => finding.message.startsWith('Unreachable code'));
  assert.ok(dead, 'the unreachable code is reported');
  assert.equal(dead.severity, 'warning');
  assert.match(dead.howToFix ?? '', /^Decide what %apprun foo should run: move the commands after line 5 before it/);
  assert.doesNotMatch(dead.howToFix ?? '', /end the runscript with/i);
});

test('HPC-USE-001 on a runscript that drops its arguments keeps the rule page advice', () => {
  const text = 'Bootstrap: docker\nFrom: ubuntu:22.04\n\n%runscript\n    /opt/solver/bin/solver\n';
  const { findings } = runRule(rule('HPC-USE-001'), text, 'apptainer');
  assert.equal(findings.length, 1);
  assert.equal(findings[0].howToFix, undefined);
});

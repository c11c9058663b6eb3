// A rule that moved to another code (HPC-LIC-005 → HPC-PORT-013) still answers to its former code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig, mergeConfig } from '../../../server/src/engine/config';
import { lint } from '../../../server/src/engine/lint';
import { ruleByCodeOrName } from '../../../server/src/engine/registry';
import { allRules } from '../../../server/src/rules/index';

const STATIC = 'FROM rockylinux:9\nRUN cd /tmp/mpich-4.3.0 && ./configure --prefix=/opt/mpich --disable-shared && make -j4 install\n';
const codes = (text: string, config = defaultConfig()): string[] => lint(text, { rules: allRules, format: 'dockerfile', config }).diagnostics.map((d) => d.code);

test('HPC-LIC-005 is the former code of HPC-PORT-013: lookup, configuration and pragmas accept it', () => {
  assert.equal(ruleByCodeOrName('HPC-LIC-005', allRules)?.meta.code, 'HPC-PORT-013');
  assert.equal(ruleByCodeOrName('hpc-lic-005', allRules)?.meta.category, 'portability');
  assert.ok(codes(STATIC).includes('HPC-PORT-013'));
  assert.ok(!codes(STATIC).includes('HPC-LIC-005'));
  assert.ok(!codes(STATIC, mergeConfig(defaultConfig(), { rules: { 'HPC-LIC-005': 'off' } }, allRules)).includes('HPC-PORT-013'));
  assert.ok(!codes(`# hpclint global ignore=HPC-LIC-005\n${STATIC}`).includes('HPC-PORT-013'));
});

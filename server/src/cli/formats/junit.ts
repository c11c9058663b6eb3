// JUnit XML: one test suite per recipe, one test case per finding. Findings at or above --fail-on are
// failures (so the CI verdict matches hpclint's exit status); findings below it pass with their text
// in system-out; a recipe without findings is one passing test case.
import type { HpcDiagnostic } from '../../engine/types';
import { FAIL_ON_RANK, SEVERITY_RANK, type FailOn } from '../args';
import type { FileReport, ToolInfo } from '../formatters';
import { XML_DECLARATION, attributes, escapeXml } from './xml';


export function formatJunit(files: readonly FileReport[], tool: ToolInfo, failOn: FailOn): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const file of files) {
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const d of file.diagnostics) {
      const { start } = d.range;
      const where = `${start.line + 1}:${start.character + 1}`;
      const detail = `${file.path}:${where} ${d.severity} ${d.code} ${d.message}${docLine(d, tool)}`;
      const head = `    <testcase${attributes({ classname: file.path, name: `${d.code} ${where}`, time: 0 })}>`;
      if (SEVERITY_RANK[d.severity] >= FAIL_ON_RANK[failOn]) {
        suiteFailures++;
        cases.push(head, `      <failure${attributes({ message: d.message, type: d.severity })}>${escapeXml(detail)}</failure>`, '    </testcase>');
      } else {
        cases.push(head, `      <system-out>${escapeXml(detail)}</system-out>`, '    </testcase>');
      }
    }
    if (file.diagnostics.length === 0) {
      cases.push(`    <testcase${attributes({ classname: file.path, name: tool.name, time: 0 })}/>`);
    }
    const suiteTests = Math.max(file.diagnostics.length, 1);
    tests += suiteTests;
    failures += suiteFailures;
    suites.push(
      `  <testsuite${attributes({ name: file.path, tests: suiteTests, failures: suiteFailures, errors: 0, skipped: 0, time: 0 })}>`,
      ...cases,
      '  </testsuite>',
    );
  }
  return [
    XML_DECLARATION,
    `<testsuites${attributes({ name: tool.name, tests, failures, errors: 0, time: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function docLine(d: HpcDiagnostic, tool: ToolInfo): string {
  const isRule = d.source === 'hpclint' && tool.rules.some((rule) => rule.meta.code === d.code);
  return isRule ? `\n${tool.ruleDocUrl(d.code)}` : '';
}

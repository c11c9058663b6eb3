// docs/hadolint.md: hpclint and hadolint side by side, rendered from the mapping tables (hadolint.ts,
// buildkit.ts) and the rule registry by the build, so the page cannot drift from what the code does.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Rule } from '../engine/rule';
import { ruleByCodeOrName } from '../engine/registry';
import { allRules } from '../rules/index';
import { CODE_POLICIES, shellcheckWikiUrl } from '../shellcheck/codes';
import { BUILDKIT_CHECKS } from './buildkit';
import { HADOLINT_CHECKS, SHELLCHECK_NOTE, type CompatCheck } from './hadolint';

export const HADOLINT_PAGE = 'docs/hadolint.md';

const COVERAGE_LABEL: Record<CompatCheck['coverage'], string> = { same: 'same check', part: 'HPC part', hadolint: 'left out' };

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
}

/** `HPC-SEC-001` → a link to its rendered page (docs/rules/, next to this page); other codes as code. */
function codeLink(code: string, rules: readonly Rule[]): string {
  const rule = ruleByCodeOrName(code, rules);
  return rule ? `[${rule.meta.code}](rules/${rule.meta.code}.md) \`${rule.meta.name}\`` : `\`${code}\``;
}

function table(checks: readonly CompatCheck[], rules: readonly Rule[], withCodes: boolean): string {
  const header = withCodes ? ['Check', 'What it reports', 'hpclint', 'Coverage', 'Notes'] : ['Check', 'What it reports', 'Why hpclint leaves it out'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const check of checks) {
    const cells = withCodes
      ? [check.id, cell(check.summary), check.codes.map((code) => codeLink(code, rules)).join(', '), COVERAGE_LABEL[check.coverage], cell(check.note)]
      : [check.id, cell(check.summary), cell(check.note)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function shellcheckPolicies(): string {
  const lines = ['| Code | hpclint default | Why |', '|---|---|---|'];
  for (const [code, policy] of Object.entries(CODE_POLICIES).sort(([a], [b]) => Number(a) - Number(b))) {
    lines.push(`| [SC${code}](${shellcheckWikiUrl(Number(code))}) | ${policy.setting} | ${cell(policy.reason)} |`);
  }
  return lines.join('\n');
}

/** The page, for the rules given (default: every registered rule). */
export function renderHadolintPage(rules: readonly Rule[]): string {
  const covered = HADOLINT_CHECKS.filter((check) => check.coverage !== 'hadolint');
  const left = HADOLINT_CHECKS.filter((check) => check.coverage === 'hadolint');
  const mapped = new Set([...HADOLINT_CHECKS, ...BUILDKIT_CHECKS].flatMap((check) => check.codes));
  const hpclintOnly = rules
    .map((rule) => rule.meta)
    .filter((meta) => !mapped.has(meta.code))
    .sort((a, b) => a.code.localeCompare(b.code));
  const definitionOnly = hpclintOnly.filter((meta) => meta.formats.length === 1 && meta.formats[0] === 'apptainer');
  const both = hpclintOnly.filter((meta) => !definitionOnly.includes(meta));
  const list = (metas: typeof hpclintOnly): string =>
    metas.map((meta) => `- [${meta.code}](rules/${meta.code}.md) \`${meta.name}\` (${meta.category}, ${meta.severity}): ${cell(meta.docs.summary)}`).join('\n');

  return `# hpclint and hadolint side by side

<!-- Rendered by the build from server/src/compat/hadolint.ts, buildkit.ts and the rule registry; do not edit. -->

[hadolint](https://github.com/hadolint/hadolint) checks Dockerfiles for general best practice and runs
ShellCheck on \`RUN\`. hpclint checks Dockerfiles **and** Apptainer/Singularity definition files for what
breaks or slows containers on HPC systems, and runs ShellCheck on every script. They work well together;
if you switch, your hadolint annotations keep working:

- \`# hadolint ignore=DL…,SC…\` and \`# hadolint global ignore=…\` silence the hpclint findings that report
  the same check (the tables below; for a code marked "HPC part", the findings of that hpclint code on the
  kind of instruction hadolint checks) and ShellCheck findings by their \`SC\` code.
- \`.hadolint.yaml\` (or \`.yml\`), found like \`.hpclint.yaml\` by walking up from the recipe, is read below
  hpclint's own configuration: \`ignored\` and \`override\` (\`style\` = hint) through the same mapping,
  \`trustedRegistries\` for HPC-SEC-002, \`failure-threshold\` as the CLI's default \`--fail-on\`, and an
  \`org.opencontainers.image.licenses\` entry in \`label-schema\` makes HPC-LIC-006 a warning. A setting
  for the rule itself in hpclint's settings, \`.hpclint.yaml\` or \`--rule\` wins, and a category turned off
  stays off.
- BuildKit's \`# check=skip=…\` parser directive silences the hpclint findings of the checks it names
  (\`skip=all\`: all of the BuildKit table).

Of hadolint's ${HADOLINT_CHECKS.length} DL checks, hpclint reports ${covered.filter((check) => check.coverage === 'same').length} as the same check, the HPC-relevant part of ${covered.filter((check) => check.coverage === 'part').length}, and leaves ${left.length} to hadolint.

## hadolint checks hpclint reports

${table(covered, rules, true)}

## hadolint checks hpclint leaves to hadolint

${table(left, rules, false)}

## ShellCheck

${SHELLCHECK_NOTE} See [ShellCheck on every script](../README.md#shellcheck-on-every-script).

ShellCheck's levels map to hpclint's severities under the severity policy: error → warning (ShellCheck cannot
know whether the build or the run fails: a \`[[\` under dash takes the else branch, \`echo -e\` prints \`-e\`),
warning → warning, info → hint and style → hint (quoting and robustness advice about values the recipe itself
controls), except for these codes, judged on the real-recipe corpus (\`npm run corpus:report\`,
docs/corpus/review.md):

${shellcheckPolicies()}

"In POSIX sh, … is undefined" (SC3xxx) and \`. file args\` (SC2240) are info when the base image does not say
which shell \`/bin/sh\` is, or when it is BusyBox.

## BuildKit build checks (\`# check=skip=\`)

${table(BUILDKIT_CHECKS, rules, true)}

## What hpclint checks that hadolint does not

Definition files (Apptainer/Singularity), which hadolint does not read:

${list(definitionOnly)}

Both formats:

${list(both)}
`;
}

/** Writes docs/hadolint.md under `root` when it differs; returns what it did (the build's docs step calls it). */
export function writeHadolintPage(root: string, rules: readonly Rule[] = allRules): string[] {
  const target = join(root, HADOLINT_PAGE);
  const content = renderHadolintPage(rules);
  if (existsSync(target) && readFileSync(target, 'utf8') === content) {
    return [];
  }
  writeFileSync(target, content);
  return [`wrote ${HADOLINT_PAGE}`];
}

// Output formats: text (default), json (fixed contract), sarif (2.1.0), github (workflow annotations);
// gitlab, checkstyle and junit live in formats/.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderRuleDoc } from '../docs/render';
import { leadSentence } from '../lsp/features/leadSentence';
import { ruleByCodeOrName } from '../engine/registry';
import type { Rule, Severity } from '../engine/rule';
import type { HpcDiagnostic } from '../engine/types';
import type { RecipeFormat } from '../recipe/model';
import type { FailOn, OutputFormat } from './args';
import { PLAIN, type Palette } from './color';
import { formatCheckstyle } from './formats/checkstyle';
import { formatGitlab } from './formats/gitlab';
import { formatJunit } from './formats/junit';

export interface FileReport {
  path: string;
  format: RecipeFormat;
  diagnostics: HpcDiagnostic[];
  /** The recipe text, when known (GitLab fingerprints use the flagged text). */
  text?: string;
}

export interface ReportOptions {
  /** Colours for the text format. */
  palette?: Palette;
  /** Findings at or above this level fail (JUnit failures). */
  failOn?: FailOn;
  /** Findings left out of the report because they are below the reported level (named in the text summary). */
  hidden?: HiddenFindings;
}

export interface HiddenFindings {
  count: number;
  /** The lowest severity reported: the hidden findings are below it. */
  below: Severity;
}

export interface ToolInfo {
  name: string;
  version: string;
  /** The project's home page (SARIF informationUri). */
  homepage: string;
  /** Published documentation page of a rule. */
  ruleDocUrl: (code: string) => string;
  rules: readonly Rule[];
}

export function formatReport(format: OutputFormat, files: readonly FileReport[], tool: ToolInfo, options: ReportOptions = {}): string {
  switch (format) {
    case 'gitlab':
      return formatGitlab(files);
    case 'checkstyle':
      return formatCheckstyle(files, tool);
    case 'junit':
      return formatJunit(files, tool, options.failOn ?? 'warning');
    case 'json':
      return formatJson(files, tool);
    case 'sarif':
      return formatSarif(files, tool);
    case 'github':
      return formatGithub(files);
    default:
      return formatText(files, tool, options.palette, options.hidden);
  }
}

const isFixable = (diagnostic: HpcDiagnostic): boolean => diagnostic.fixes.some((fix) => fix.safe);

// ---------------------------------------------------------------- text

function plural(count: number, word: string, words = `${word}s`): string {
  return `${count} ${count === 1 ? word : words}`;
}

function fixHint(diagnostic: HpcDiagnostic, rules: readonly Rule[]): string | undefined {
  const fix = diagnostic.fixes[0];
  if (fix) {
    return `fix: ${fix.title}${fix.safe ? ' (safe, --fix applies it)' : ''}`;
  }
  if (diagnostic.howToFix !== undefined) {
    return `fix: ${diagnostic.howToFix}`;
  }
  const rule = diagnostic.source === 'hpclint' ? ruleByCodeOrName(diagnostic.code, rules) : undefined;
  return rule ? `fix: ${leadSentence(rule.meta.docs.howToFix, Infinity).text}` : undefined;
}

export function formatText(files: readonly FileReport[], tool: ToolInfo, paint: Palette = PLAIN, hidden?: HiddenFindings): string {
  const out: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let total = 0;
  for (const file of files) {
    if (file.diagnostics.length === 0) {
      continue;
    }
    if (out.length > 0) {
      out.push('');
    }
    for (const diagnostic of file.diagnostics) {
      const { start } = diagnostic.range;
      out.push(
        `${paint.path(file.path)}:${start.line + 1}:${start.character + 1} ${paint.severity(diagnostic.severity, diagnostic.severity)} ` +
          `${paint.code(diagnostic.code)} ${oneLine(diagnostic.message)}`,
      );
      for (const related of diagnostic.related ?? []) {
        out.push(`  ${paint.path(related.path)}:${related.range.start.line + 1}:${related.range.start.character + 1} ${paint.dim('(the line in the script)')}`);
      }
      const hint = fixHint(diagnostic, tool.rules);
      if (hint) {
        out.push(`  ${paint.dim(oneLine(hint))}`);
      }
      total++;
      counts[diagnostic.severity]++;
    }
  }
  if (out.length > 0) {
    out.push('');
  }
  out.push(`${plural(total, 'problem')} (${severityCounts(counts, hidden?.below ?? 'hint')}) in ${plural(files.length, 'file')}${hiddenNote(hidden)}`);
  return out.join('\n') + '\n';
}

const SEVERITY_WORDS: ReadonlyArray<[Severity, string, string]> = [
  ['error', 'error', 'errors'],
  ['warning', 'warning', 'warnings'],
  ['info', 'info', 'info'],
  ['hint', 'hint', 'hints'],
];

/** `1 error, 2 warnings, 0 info`: one count per severity that the report shows. */
function severityCounts(counts: Record<Severity, number>, lowest: Severity): string {
  const words = SEVERITY_WORDS.slice(0, SEVERITY_WORDS.findIndex(([severity]) => severity === lowest) + 1);
  return words.map(([severity, one, many]) => plural(counts[severity], one, many)).join(', ');
}

function hiddenNote(hidden: HiddenFindings | undefined): string {
  if (!hidden || hidden.count === 0) {
    return '';
  }
  return hidden.below === 'info'
    ? `; ${plural(hidden.count, 'hint')} not shown (--min-severity hint shows them)`
    : `; ${plural(hidden.count, 'finding')} below ${hidden.below} not shown (--min-severity hint shows all)`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

// ---------------------------------------------------------------- json

export function formatJson(files: readonly FileReport[], tool: ToolInfo): string {
  const report = {
    version: 1,
    tool: { name: tool.name, version: tool.version },
    files: files.map((file) => ({
      path: file.path,
      format: file.format,
      diagnostics: file.diagnostics.map((d) => ({
        code: d.code,
        name: d.name,
        category: d.category,
        severity: d.severity,
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        fixable: isFixable(d),
        ...(d.site ? { site: d.site } : {}),
        ...(d.related ? { related: d.related.map((related) => ({ path: related.path, message: related.message, ...jsonRange(related.range) })) } : {}),
      })),
    })),
  };
  return JSON.stringify(report, null, 2) + '\n';
}

function jsonRange(range: HpcDiagnostic['range']): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: range.start.line + 1, column: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

// ---------------------------------------------------------------- github

const GITHUB_LEVEL: Record<Exclude<Severity, 'hint'>, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(files: readonly FileReport[]): string {
  const out: string[] = [];
  for (const file of files) {
    // Hints are style and hygiene: the editor shows them, a pull request's annotations do not.
    for (const d of file.diagnostics) {
      if (d.severity === 'hint') {
        continue;
      }
      const { start, end } = d.range;
      const properties = [
        `file=${escapeProperty(file.path)}`,
        `line=${start.line + 1}`,
        `col=${start.character + 1}`,
        `endLine=${end.line + 1}`,
        `endColumn=${end.character + 1}`,
        `title=${escapeProperty(d.code)}`,
      ];
      out.push(`::${GITHUB_LEVEL[d.severity]} ${properties.join(',')}::${escapeData(d.message)}`);
    }
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

// ---------------------------------------------------------------- sarif

// SARIF has three levels; hpclint's own severity word (`info` or `hint` for a note) is in `properties.severity`.
const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function artifactUri(path: string): string {
  if (isAbsolute(path)) {
    return pathToFileURL(path).href;
  }
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  help?: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' | 'none' };
  properties?: Record<string, unknown>;
}

function sarifRule(rule: Rule, tool: ToolInfo): SarifRule {
  const { meta } = rule;
  return {
    id: meta.code,
    name: meta.name,
    shortDescription: { text: meta.docs.summary },
    fullDescription: { text: `${meta.docs.whatItDoes}\n\n${meta.docs.whyHpc}` },
    help: { text: meta.docs.howToFix, markdown: renderRuleDoc(meta) },
    helpUri: tool.ruleDocUrl(meta.code),
    defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
    properties: { category: meta.category, severity: meta.severity, formats: meta.formats, fix: meta.fix },
  };
}

function syntaxRule(code: string, diagnostic: HpcDiagnostic): SarifRule {
  const description =
    diagnostic.source === 'dockerfile-utils' ? `Dockerfile syntax check ${diagnostic.name} (dockerfile-utils)` : describeOwnCode(code);
  return {
    id: code,
    name: diagnostic.name,
    shortDescription: { text: description },
    defaultConfiguration: { level: SARIF_LEVEL[diagnostic.severity] },
    properties: { category: diagnostic.category, severity: diagnostic.severity },
  };
}

function describeOwnCode(code: string): string {
  switch (code) {
    case 'hpclint/parse':
      return 'The recipe could not be parsed completely.';
    case 'hpclint/skipped':
      return 'The file was not analysed (too large or binary).';
    case 'hpclint/internal':
      return 'A rule crashed; this is a bug in hpclint.';
    case 'hpclint/unreadable':
      return 'The file or directory could not be read, so it was not linted.';
    default:
      return code;
  }
}

export function formatSarif(files: readonly FileReport[], tool: ToolInfo): string {
  const rules: SarifRule[] = tool.rules.map((rule) => sarifRule(rule, tool));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = [];
  const unreadable = [];
  for (const file of files) {
    for (const d of file.diagnostics) {
      let index = ruleIndex.get(d.code);
      if (index === undefined) {
        index = rules.push(syntaxRule(d.code, d)) - 1;
        ruleIndex.set(d.code, index);
      }
      const { start, end } = d.range;
      if (d.code === 'hpclint/unreadable') {
        unreadable.push({
          level: 'error',
          message: { text: `${file.path}: ${d.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(file.path) } } }],
        });
      }
      results.push({
        ruleId: d.code,
        ruleIndex: index,
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        properties: {
          severity: d.severity,
          ...(d.site ? { site: d.site.name, siteFact: d.site.fact, ...(d.site.source ? { siteFactSource: d.site.source } : {}) } : {}),
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: artifactUri(file.path) },
              region: {
                startLine: start.line + 1,
                startColumn: start.character + 1,
                endLine: end.line + 1,
                endColumn: end.character + 1,
              },
            },
          },
        ],
        ...(d.related
          ? {
              relatedLocations: d.related.map((related, id) => ({
                id,
                message: { text: related.message },
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(related.path) },
                  region: {
                    startLine: related.range.start.line + 1,
                    startColumn: related.range.start.character + 1,
                    endLine: related.range.end.line + 1,
                    endColumn: related.range.end.character + 1,
                  },
                },
              })),
            }
          : {}),
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            informationUri: tool.homepage,
            rules,
          },
        },
        // A run that could not read every path is not a complete scan, whatever its results say.
        invocations: [{ executionSuccessful: unreadable.length === 0, toolExecutionNotifications: unreadable }],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

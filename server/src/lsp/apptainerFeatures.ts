// Apptainer/Singularity definition files: completion, hover, symbols and folding from the parsed
// recipe and the vocabulary tables in recipe/apptainer-spec.ts.
import {
  CompletionItemKind,
  FoldingRangeKind,
  MarkupKind,
  SymbolKind,
  type CompletionItem,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  BOOTSTRAP_AGENTS,
  HEADER_KEYWORDS,
  SECTIONS,
  bootstrapAgent,
  headerKeyword,
  sectionSpec,
  type HeaderKeywordSpec,
  type SectionSpec,
} from '../recipe/apptainer-spec';
import type { Recipe, Section, Stage } from '../recipe/model';

const SECTION_PREFIX = /^(\s*)%([A-Za-z]*)$/;
const BOOTSTRAP_VALUE_PREFIX = /^\s*bootstrap\s*:\s*([\w-]*)$/i;
const HEADER_KEY_PREFIX = /^(\s*)([A-Za-z0-9]*)$/;
const SECTION_LINE = /^\s*%([A-Za-z]+)/;
const HEADER_LINE = /^(\s*)([A-Za-z][A-Za-z0-9]*)(\s*:)/;
const STAGE_START = /^bootstrap\s*:/i;

function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

/** True when `line` lies in a header (no section line between it and the stage's start). */
function inHeader(document: TextDocument, line: number): boolean {
  for (let current = line - 1; current >= 0; current--) {
    const text = lineText(document, current);
    if (SECTION_LINE.test(text)) {
      return false;
    }
    if (STAGE_START.test(text)) {
      return true;
    }
  }
  return true;
}

function sectionLabel(spec: SectionSpec): string {
  return `%${spec.name}`;
}

function sectionDocumentation(spec: SectionSpec): string {
  const facts: string[] = [];
  if (spec.app) {
    facts.push('takes a SCIF app name');
  }
  if (spec.runsOn === 'host') {
    facts.push('runs on the host');
  }
  if (spec.legacy) {
    facts.push('legacy');
  }
  if (spec.sinceApptainer) {
    facts.push(`Apptainer ≥ ${spec.sinceApptainer}`);
  }
  if (spec.sinceSingularityCE) {
    facts.push(`SingularityCE ≥ ${spec.sinceSingularityCE}`);
  }
  const suffix = facts.length > 0 ? `\n\n*${facts.join('; ')}*` : '';
  return `**%${spec.name}** (${spec.phase})\n\n${spec.doc}${suffix}`;
}

function headerDocumentation(spec: HeaderKeywordSpec): string {
  const agents = spec.agents === 'all' ? 'all agents' : spec.agents.join(', ');
  const required =
    spec.required === 'always' ? 'required' : spec.required === 'agent' ? `required for ${(spec.requiredFor ?? []).join(', ')}` : 'optional';
  const name = spec.numbered ? `${spec.name.replace(/\d+$/, '')}<N>` : spec.name;
  const notes = [spec.dialect === 'apptainer' ? 'Apptainer only' : '', spec.legacy ? 'legacy' : '', spec.credential ? 'credential: never commit it' : '']
    .filter((note) => note.length > 0)
    .join('; ');
  return `**${name}:** header keyword (${required}; ${agents})\n\n${spec.doc}${notes ? `\n\n*${notes}*` : ''}`;
}

function agentDocumentation(name: string): string | undefined {
  const spec = bootstrapAgent(name);
  if (!spec) {
    return undefined;
  }
  const notes = [
    spec.aliasOf ? `alias of ${spec.aliasOf}` : '',
    spec.sinceApptainer ? `Apptainer ≥ ${spec.sinceApptainer}` : '',
    spec.needsHostTools ? 'needs the package tools on the build host' : '',
    spec.archived ? 'archived: accepts no new images' : '',
    spec.requiredKeys.length > 0 ? `needs ${spec.requiredKeys.join(', ')}` : '',
  ].filter((note) => note.length > 0);
  return `**Bootstrap: ${spec.name}**\n\n${spec.doc}${notes.length > 0 ? `\n\n*${notes.join('; ')}*` : ''}`;
}

export function apptainerCompletion(document: TextDocument, position: Position): CompletionItem[] {
  const before = lineText(document, position.line).slice(0, position.character);

  const section = SECTION_PREFIX.exec(before);
  if (section) {
    const replace: Range = { start: { line: position.line, character: section[1].length }, end: position };
    return SECTIONS.map((spec, index) => ({
      label: sectionLabel(spec),
      kind: CompletionItemKind.Module,
      detail: spec.legacy ? 'legacy section' : `${spec.phase} section`,
      documentation: { kind: MarkupKind.Markdown, value: sectionDocumentation(spec) },
      textEdit: { range: replace, newText: spec.app ? `${sectionLabel(spec)} ` : sectionLabel(spec) },
      sortText: String(index).padStart(3, '0'),
    }));
  }

  const agent = BOOTSTRAP_VALUE_PREFIX.exec(before);
  if (agent) {
    const replace: Range = { start: { line: position.line, character: position.character - agent[1].length }, end: position };
    return BOOTSTRAP_AGENTS.map((spec) => ({
      label: spec.name,
      kind: CompletionItemKind.EnumMember,
      detail: spec.aliasOf ? `alias of ${spec.aliasOf}` : 'bootstrap agent',
      documentation: { kind: MarkupKind.Markdown, value: agentDocumentation(spec.name) ?? spec.doc },
      textEdit: { range: replace, newText: spec.name },
    }));
  }

  const key = HEADER_KEY_PREFIX.exec(before);
  if (key && inHeader(document, position.line)) {
    const replace: Range = { start: { line: position.line, character: key[1].length }, end: position };
    return HEADER_KEYWORDS.map((spec) => {
      const label = spec.numbered ? `${spec.name.replace(/\d+$/, '')}0` : spec.name;
      return {
        label,
        kind: CompletionItemKind.Keyword,
        detail: 'header keyword',
        documentation: { kind: MarkupKind.Markdown, value: headerDocumentation(spec) },
        textEdit: { range: replace, newText: `${label}: ` },
      };
    });
  }
  return [];
}

/** Hover on a section name, a header keyword or the agent after `Bootstrap:`. */
export function apptainerHover(document: TextDocument, position: Position): Hover | null {
  const text = lineText(document, position.line);
  const section = /^(\s*)(%[A-Za-z]+)/.exec(text);
  if (section) {
    const start = section[1].length;
    const end = start + section[2].length;
    const spec = sectionSpec(section[2].slice(1));
    if (spec && position.character >= start && position.character <= end) {
      return markdownHover(sectionDocumentation(spec), position.line, start, end);
    }
    return null;
  }
  const header = HEADER_LINE.exec(text);
  if (!header || !inHeader(document, position.line)) {
    return null;
  }
  const keyStart = header[1].length;
  const keyEnd = keyStart + header[2].length;
  if (position.character >= keyStart && position.character <= keyEnd) {
    const spec = headerKeyword(header[2]);
    return spec ? markdownHover(headerDocumentation(spec), position.line, keyStart, keyEnd) : null;
  }
  if (header[2].toLowerCase() === 'bootstrap') {
    const valueStart = header[0].length + (/^\s*/.exec(text.slice(header[0].length))?.[0].length ?? 0);
    const value = /^[\w-]+/.exec(text.slice(valueStart))?.[0] ?? '';
    const documentation = agentDocumentation(value);
    if (documentation && position.character >= valueStart && position.character <= valueStart + value.length) {
      return markdownHover(documentation, position.line, valueStart, valueStart + value.length);
    }
  }
  return null;
}

function markdownHover(value: string, line: number, start: number, end: number): Hover {
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: { line, character: start }, end: { line, character: end } },
  };
}

function stageName(stage: Stage): string {
  const label = stage.name ? `Stage ${stage.name.value}` : `Stage ${stage.index + 1}`;
  const from = stage.base.raw ? `${stage.base.agent}: ${stage.base.raw}` : stage.base.agent;
  return from ? `${label} (${from})` : label;
}

function sectionName(section: Section): string {
  const args = section.args.map((word) => word.text).join(' ');
  return args ? `%${section.name} ${args}` : `%${section.name}`;
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

/** Stages with their header keywords and sections. */
export function apptainerSymbols(recipe: Recipe): DocumentSymbol[] {
  return recipe.stages.map((stage) => {
    const children: DocumentSymbol[] = [];
    for (const step of stage.steps) {
      if (step.kind === 'header') {
        children.push({
          name: `${step.keyword}: ${step.value.text}`,
          kind: SymbolKind.Property,
          range: step.range,
          selectionRange: contains(step.range, step.keywordRange) ? step.keywordRange : step.range,
        });
      }
    }
    for (const section of stage.sections) {
      const spec = sectionSpec(section.name);
      children.push({
        name: sectionName(section),
        detail: spec ? spec.phase : 'unknown section',
        kind: spec?.kind === 'script' ? SymbolKind.Function : SymbolKind.Namespace,
        range: section.range,
        selectionRange: contains(section.range, section.header.range) ? section.header.range : section.range,
      });
    }
    const selection = contains(stage.range, stage.base.range) ? stage.base.range : stage.range;
    return { name: stageName(stage), kind: SymbolKind.Module, range: stage.range, selectionRange: selection, children };
  });
}

/** One fold per section (header line to its last non-blank line) and per stage of a multi-stage file. */
export function apptainerFolding(recipe: Recipe, document: TextDocument): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const lastContentLine = (start: number, end: number): number => {
    let line = end;
    while (line > start && lineText(document, line).trim().length === 0) {
      line--;
    }
    return line;
  };
  for (const stage of recipe.stages) {
    if (recipe.stages.length > 1) {
      const end = lastContentLine(stage.range.start.line, endLineOf(stage.range));
      if (end > stage.range.start.line) {
        ranges.push({ startLine: stage.range.start.line, endLine: end, kind: FoldingRangeKind.Region });
      }
    }
    for (const section of stage.sections) {
      const end = lastContentLine(section.range.start.line, endLineOf(section.range));
      if (end > section.range.start.line) {
        ranges.push({ startLine: section.range.start.line, endLine: end, kind: FoldingRangeKind.Region });
      }
    }
  }
  return ranges;
}

/** Last line a range covers (an end at column 0 belongs to the previous line). */
function endLineOf(range: Range): number {
  return range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
}

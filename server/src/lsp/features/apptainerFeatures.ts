// Apptainer/Singularity definition files: completion, hover, symbols and folding from the parsed
// recipe and the vocabulary tables in recipe/apptainer-spec.ts.
import {
  FoldingRangeKind,
  MarkupKind,
  SymbolKind,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BUILD_VARIABLES, headerKeyword, sectionSpec } from '../../recipe/apptainer-spec';
import type { Recipe, Section, Stage } from '../../recipe/model';
import { argumentDefaults, headerContext, splitLines } from './apptainerContext';
import {
  agentDocumentation,
  argumentDocumentation,
  buildVariableDocumentation,
  headerDocumentation,
  sectionDocumentation,
} from './apptainerDocs';

export { apptainerCompletion, type CompletionContext } from './apptainerCompletion';

const HEADER_LINE = /^(\s*)([A-Za-z][A-Za-z0-9]*)(\s*:)/;
const ARGUMENT_USE = /\{\{\s*([\w.-]+)\s*\}\}/g;
const VARIABLE_USE = /\$\{?(\w+)\}?/g;

/** The match of `pattern` (global) on `text` that covers `character`. */
function matchAt(pattern: RegExp, text: string, character: number): RegExpExecArray | undefined {
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (character >= match.index && character <= match.index + match[0].length) {
      return match;
    }
  }
  return undefined;
}

/**
 * Hover on a section name, a header keyword, the agent after `Bootstrap:`, a `{{ argument }}` (with
 * its `%arguments` default) or a build variable.
 */
export function apptainerHover(document: TextDocument, position: Position, recipe: () => Recipe): Hover | null {
  const lines = splitLines(document.getText());
  const text = lines[position.line] ?? '';

  const argument = matchAt(ARGUMENT_USE, text, position.character);
  if (argument) {
    const name = argument[1];
    const value = argumentDocumentation(name, argumentDefaults(recipe()).get(name));
    return markdownHover(value, position.line, argument.index, argument.index + argument[0].length);
  }

  const variable = matchAt(VARIABLE_USE, text, position.character);
  const variableSpec = variable ? BUILD_VARIABLES.find((spec) => spec.name === variable[1]) : undefined;
  if (variable && variableSpec) {
    return markdownHover(buildVariableDocumentation(variableSpec), position.line, variable.index, variable.index + variable[0].length);
  }

  const section = /^(\s*)(%[A-Za-z]+)/.exec(text);
  if (section) {
    const start = section[1].length;
    const end = start + section[2].length;
    const spec = sectionSpec(section[2].slice(1));
    if (spec && position.character >= start && position.character <= end) {
      return markdownHover(sectionDocumentation(spec), position.line, start, end);
    }
    return spec ? sectionArgumentHover(recipe(), position) : null;
  }
  const header = HEADER_LINE.exec(text);
  if (!header || !headerContext(lines, position.line)) {
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

/** Hover on the app name of `%app* <app>` or the stage of `%files from <stage>`. */
function sectionArgumentHover(recipe: Recipe, position: Position): Hover | null {
  const section = recipe.stages.flatMap((stage) => stage.sections).find((candidate) => candidate.header.range.start.line === position.line);
  const word = section?.args.find((arg) => arg.range.start.line === position.line && containsCharacter(arg.range, position.character));
  if (!section || !word) {
    return null;
  }
  const { line } = position;
  const { start, end } = word.range;
  if (sectionSpec(section.name)?.app && word === section.args[0]) {
    const sections = recipe.stages
      .flatMap((stage) => stage.sections)
      .filter((candidate) => candidate.name.startsWith('app') && candidate.args[0]?.value === word.value)
      .map((candidate) => `\`%${candidate.name}\` (line ${candidate.range.start.line + 1})`);
    return markdownHover(`**SCIF app ${word.value}**\n\nSections: ${sections.join(', ')}.`, line, start.character, end.character);
  }
  if (section.name === 'files' && word === section.args[1] && section.args[0]?.value.toLowerCase() === 'from') {
    const stage = recipe.stages.find((candidate) => candidate.name?.value === word.value);
    const value = stage
      ? `**${stageName(stage)}**\n\nCopies from the file system of stage ${stage.index + 1} (line ${stage.range.start.line + 1}) at build time.`
      : `**${word.value}**\n\nNo stage of this file is named \`${word.value}\`.`;
    return markdownHover(value, line, start.character, end.character);
  }
  return null;
}

function containsCharacter(range: Range, character: number): boolean {
  return character >= range.start.character && character <= range.end.character;
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

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}

function contains(outer: Range, inner: Range): boolean {
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

function union(a: Range, b: Range): Range {
  return { start: before(a.start, b.start) ? a.start : b.start, end: before(a.end, b.end) ? b.end : a.end };
}

function sectionSymbol(section: Section, stage: Stage): DocumentSymbol {
  const spec = sectionSpec(section.name);
  const symbol: DocumentSymbol = {
    name: sectionName(section),
    detail: spec ? `${spec.phase}${spec.runsOn ? `, ${spec.runsOn}` : ''}` : 'unknown section',
    kind: spec?.kind === 'script' ? SymbolKind.Function : SymbolKind.Namespace,
    range: section.range,
    selectionRange: contains(section.range, section.header.range) ? section.header.range : section.range,
  };
  if (section.name === 'arguments') {
    symbol.children = argumentSymbols(section, stage);
  }
  return symbol;
}

/** The `name=value` entries of a `%arguments` section. */
function argumentSymbols(section: Section, stage: Stage): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  for (const step of stage.steps) {
    if (step.kind !== 'arg' || !contains(section.range, step.range)) {
      continue;
    }
    for (const pair of step.pairs) {
      if (pair.key.value.length > 0 && contains(section.range, pair.range) && contains(pair.range, pair.key.range)) {
        symbols.push({
          name: pair.key.value,
          detail: pair.value?.value,
          kind: SymbolKind.Variable,
          range: pair.range,
          selectionRange: pair.key.range,
        });
      }
    }
  }
  return symbols;
}

/** Stages with their header keywords, sections and SCIF apps (an app groups its `%app*` sections). */
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
    const apps = new Map<string, DocumentSymbol>();
    for (const section of stage.sections) {
      const spec = sectionSpec(section.name);
      const appWord = spec?.app ? section.args[0] : undefined;
      if (!appWord) {
        children.push(sectionSymbol(section, stage));
        continue;
      }
      const symbol = sectionSymbol(section, stage);
      const app = apps.get(appWord.value);
      if (app) {
        app.range = union(app.range, section.range);
        app.children!.push(symbol);
        continue;
      }
      const created: DocumentSymbol = {
        name: `app ${appWord.value}`,
        detail: 'SCIF app',
        kind: SymbolKind.Class,
        range: section.range,
        selectionRange: contains(section.range, appWord.range) ? appWord.range : symbol.selectionRange,
        children: [symbol],
      };
      apps.set(appWord.value, created);
      children.push(created);
    }
    const selection = contains(stage.range, stage.base.range) ? stage.base.range : stage.range;
    return { name: stageName(stage), kind: SymbolKind.Module, range: stage.range, selectionRange: selection, children };
  });
}

/**
 * Folds: each stage of a multi-stage file, each section (header line to its last non-blank line) and
 * each run of two or more comment lines.
 */
export function apptainerFolding(recipe: Recipe, document: TextDocument): FoldingRange[] {
  const lines = splitLines(document.getText());
  const ranges: FoldingRange[] = [];
  const lastContentLine = (start: number, end: number): number => {
    let line = Math.min(end, lines.length - 1);
    while (line > start && (lines[line] ?? '').trim().length === 0) {
      line--;
    }
    return line;
  };
  const starts = new Set<number>();
  const add = (startLine: number, endLine: number, kind: FoldingRangeKind) => {
    if (endLine > startLine && !starts.has(startLine)) {
      starts.add(startLine);
      ranges.push({ startLine, endLine, kind });
    }
  };
  for (const stage of recipe.stages) {
    if (recipe.stages.length > 1) {
      add(stage.range.start.line, lastContentLine(stage.range.start.line, endLineOf(stage.range)), FoldingRangeKind.Region);
    }
    for (const section of stage.sections) {
      add(section.range.start.line, lastContentLine(section.range.start.line, endLineOf(section.range)), FoldingRangeKind.Region);
    }
  }
  let commentStart = -1;
  for (let line = 0; line <= lines.length; line++) {
    const isComment = line < lines.length && /^\s*#/.test(lines[line]);
    if (isComment && commentStart < 0) {
      commentStart = line;
    } else if (!isComment && commentStart >= 0) {
      add(commentStart, line - 1, FoldingRangeKind.Comment);
      commentStart = -1;
    }
  }
  return ranges.sort((a, b) => a.startLine - b.startLine);
}

/** Last line a range covers (an end at column 0 belongs to the previous line). */
function endLineOf(range: Range): number {
  return range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
}

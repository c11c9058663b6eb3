// Completion in definition files: header keys of the stage's agent, agents, sections, `%files from`
// stages, `{{ argument }}` names and build variables.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { BOOTSTRAP_AGENTS, BUILD_VARIABLES, SECTIONS, sectionSpec, type HeaderKeywordSpec } from '../../recipe/apptainer-spec';
import type { Recipe } from '../../recipe/model';
import { appNames, argumentDefaults, headerContext, sectionAt, splitLines, stageAt } from './apptainerContext';
import {
  agentDocumentation,
  argumentDocumentation,
  buildVariableDocumentation,
  headerDocumentation,
  keysForAgent,
  sectionDocumentation,
} from './apptainerDocs';

export interface CompletionContext {
  /** The parsed recipe of the document's current version (called only when needed). */
  recipe: () => Recipe;
  /** The client accepts snippet insert texts. */
  snippets: boolean;
}

const SECTION_PREFIX = /^(\s*)%([A-Za-z]*)$/;
const APP_NAME_PREFIX = /^\s*%(app[A-Za-z]*)\s+([\w.-]*)$/i;
const FILES_FROM_PREFIX = /^\s*%files\s+from\s+([\w.-]*)$/i;
const BOOTSTRAP_VALUE_PREFIX = /^\s*bootstrap\s*:\s*([\w-]*)$/i;
const HEADER_KEY_PREFIX = /^(\s*)([A-Za-z0-9]*)$/;
const ARGUMENT_PREFIX = /\{\{(\s*)([\w.-]*)$/;
const VARIABLE_PREFIX = /\$(\{?)(\w*)$/;

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

function rangeBack(position: Position, length: number): Range {
  return { start: { line: position.line, character: position.character - length }, end: position };
}

function sectionItems(position: Position, indent: number, context: CompletionContext): CompletionItem[] {
  const replace: Range = { start: { line: position.line, character: indent }, end: position };
  const items: CompletionItem[] = [];
  SECTIONS.forEach((spec, index) => {
    const label = `%${spec.name}`;
    const item: CompletionItem = {
      label,
      kind: CompletionItemKind.Module,
      detail: spec.legacy ? 'legacy section' : `${spec.phase} section${spec.runsOn ? ` (${spec.runsOn})` : ''}`,
      documentation: markdown(sectionDocumentation(spec)),
      textEdit: { range: replace, newText: label },
      sortText: `${spec.legacy ? '9' : '0'}${String(index).padStart(3, '0')}`,
    };
    if (spec.app) {
      item.textEdit = { range: replace, newText: context.snippets ? `${label} \${1:app}` : `${label} ` };
      if (context.snippets) {
        item.insertTextFormat = InsertTextFormat.Snippet;
      }
    }
    items.push(item);
    if (spec.args.includes('-c')) {
      const withShell = `${label} -c /bin/bash -e`;
      items.push({
        label: withShell,
        kind: CompletionItemKind.Module,
        detail: `${spec.phase} section run by bash`,
        documentation: markdown(`${sectionDocumentation(spec)}\n\n\`-c /bin/bash -e\` runs the script with bash instead of \`/bin/sh\`; \`-e\` keeps a failing command stopping the build (Apptainer gives \`-e\` only to the \`/bin/sh\` that starts bash).`),
        textEdit: { range: replace, newText: withShell },
        sortText: `0${String(index).padStart(3, '0')}b`,
      });
    }
  });
  return items;
}

function headerItems(position: Position, indent: number, agent: string | undefined, present: Set<string>): CompletionItem[] {
  const replace: Range = { start: { line: position.line, character: indent }, end: position };
  const required = (spec: HeaderKeywordSpec) =>
    spec.required === 'always' || (agent !== undefined && (spec.requiredFor ?? []).includes(agent));
  return keysForAgent(agent)
    .filter((spec) => spec.numbered || !present.has(spec.key))
    .map((spec) => {
      const label = spec.numbered ? nextNumbered(spec, present) : spec.name;
      const rank = spec.key === 'bootstrap' ? 0 : required(spec) ? 1 : spec.legacy ? 3 : 2;
      return {
        label,
        kind: CompletionItemKind.Keyword,
        detail: required(spec) ? 'required header keyword' : 'header keyword',
        documentation: markdown(headerDocumentation(spec)),
        textEdit: { range: replace, newText: `${label}: ` },
        sortText: `${rank}${label.toLowerCase()}`,
      };
    });
}

/** `OtherURL<N>` with the first N not yet used in the header. */
function nextNumbered(spec: HeaderKeywordSpec, present: Set<string>): string {
  const stem = spec.name.replace(/\d+$/, '');
  let number = 0;
  while (present.has(`${spec.key}${number}`)) {
    number++;
  }
  return `${stem}${number}`;
}

function agentItems(position: Position, typed: string): CompletionItem[] {
  return BOOTSTRAP_AGENTS.map((spec) => ({
    label: spec.name,
    kind: CompletionItemKind.EnumMember,
    detail: spec.aliasOf ? `alias of ${spec.aliasOf}` : 'bootstrap agent',
    documentation: markdown(agentDocumentation(spec.name) ?? spec.doc),
    textEdit: { range: rangeBack(position, typed.length), newText: spec.name },
    sortText: `${spec.preferred ? '0' : spec.archived ? '2' : '1'}${spec.name}`,
  }));
}

function argumentItems(position: Position, space: string, typed: string, after: string, recipe: Recipe): CompletionItem[] {
  const closed = /^[\w.-]*\s*\}\}/.test(after);
  return [...argumentDefaults(recipe).values()].map((found) => ({
    label: found.name,
    kind: CompletionItemKind.Variable,
    detail: found.value !== undefined ? `= ${found.value}` : 'build argument',
    documentation: markdown(argumentDocumentation(found.name, found)),
    filterText: `${space}${found.name}`,
    textEdit: {
      range: rangeBack(position, space.length + typed.length),
      newText: ` ${found.name}${closed ? '' : ' }}'}`,
    },
  }));
}

function variableItems(position: Position, brace: string, typed: string, section: string | undefined): CompletionItem[] {
  if (section === undefined) {
    return [];
  }
  return BUILD_VARIABLES.filter((spec) => spec.sections.includes(section)).map((spec) => ({
    label: `$${spec.name}`,
    kind: CompletionItemKind.Variable,
    detail: `set in %${spec.sections.join(', %')}`,
    documentation: markdown(buildVariableDocumentation(spec)),
    filterText: `$${brace}${spec.name}`,
    textEdit: { range: rangeBack(position, 1 + brace.length + typed.length), newText: brace ? `\${${spec.name}}` : `$${spec.name}` },
    sortText: `${spec.dialect === 'apptainer' ? '0' : '1'}${spec.name}`,
  }));
}

export function apptainerCompletion(document: TextDocument, position: Position, context: CompletionContext): CompletionItem[] {
  const lines = splitLines(document.getText());
  const line = lines[position.line] ?? '';
  const before = line.slice(0, position.character);

  const argument = ARGUMENT_PREFIX.exec(before);
  if (argument) {
    return argumentItems(position, argument[1], argument[2], line.slice(position.character), context.recipe());
  }

  const filesFrom = FILES_FROM_PREFIX.exec(before);
  if (filesFrom) {
    const recipe = context.recipe();
    const current = stageAt(recipe, position.line);
    return recipe.stages
      .filter((stage) => stage.name !== undefined && stage.range.start.line < (current?.range.start.line ?? position.line))
      .map((stage) => ({
        label: stage.name!.value,
        kind: CompletionItemKind.Module,
        detail: `stage ${stage.index + 1}${stage.base.raw ? ` (${stage.base.agent}: ${stage.base.raw})` : ''}`,
        textEdit: { range: rangeBack(position, filesFrom[1].length), newText: stage.name!.value },
      }));
  }

  const appName = APP_NAME_PREFIX.exec(before);
  if (appName) {
    const spec = sectionSpec(appName[1]);
    return spec?.app
      ? appNames(context.recipe()).map((name) => ({
          label: name,
          kind: CompletionItemKind.Class,
          detail: 'SCIF app',
          textEdit: { range: rangeBack(position, appName[2].length), newText: name },
        }))
      : [];
  }

  const section = SECTION_PREFIX.exec(before);
  if (section) {
    return sectionItems(position, section[1].length, context);
  }

  const variable = VARIABLE_PREFIX.exec(before);
  if (variable) {
    return variableItems(position, variable[1], variable[2], sectionAt(lines, position.line));
  }

  const agent = BOOTSTRAP_VALUE_PREFIX.exec(before);
  if (agent) {
    return agentItems(position, agent[1]);
  }

  const key = HEADER_KEY_PREFIX.exec(before);
  if (key) {
    const header = headerContext(lines, position.line);
    return header ? headerItems(position, key[1].length, header.agent, header.presentKeys) : [];
  }
  return [];
}

// Definition files: the two kinds of names that are defined once and used elsewhere — build arguments
// (`%arguments` NAME=… ↔ `{{ NAME }}`) and stage names (`Stage: NAME` ↔ `%files from NAME`) — for
// go-to-definition, highlights and rename.
import {
  DocumentHighlightKind,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import type { Recipe } from '../../recipe/model';
import { LineIndex } from '../../recipe/text';

export type NameKind = 'argument' | 'stage';

export interface NamedSymbol {
  kind: NameKind;
  name: string;
  /** Ranges of the name where it is defined (`%arguments` keys, `Stage:` values). */
  definitions: Range[];
  /** Ranges of the name where it is used (inside `{{ }}`, after `%files from`). */
  uses: Range[];
}

const ARGUMENT_USE = /\{\{\s*([\w.-]+)\s*\}\}/g;
const ARGUMENT_NAME = /^[\w.-]+$/;
const STAGE_NAME = /^[^\s#]+$/;

/** Every build argument and stage name of the file with its definitions and uses. */
export function namedSymbols(recipe: Recipe): NamedSymbol[] {
  const byKey = new Map<string, NamedSymbol>();
  const entry = (kind: NameKind, name: string): NamedSymbol => {
    const key = `${kind}:${name}`;
    let symbol = byKey.get(key);
    if (!symbol) {
      symbol = { kind, name, definitions: [], uses: [] };
      byKey.set(key, symbol);
    }
    return symbol;
  };
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'arg' && step.keyword.startsWith('%')) {
        for (const pair of step.pairs) {
          if (ARGUMENT_NAME.test(pair.key.value)) {
            entry('argument', pair.key.value).definitions.push(pair.key.range);
          }
        }
      }
    }
    if (stage.name && STAGE_NAME.test(stage.name.value)) {
      entry('stage', stage.name.value).definitions.push(stage.name.range);
    }
    for (const section of stage.sections) {
      const from = section.name === 'files' && section.args[0]?.value.toLowerCase() === 'from' ? section.args[1] : undefined;
      if (from) {
        entry('stage', from.value).uses.push(from.range);
      }
    }
  }
  const index = new LineIndex(recipe.text);
  ARGUMENT_USE.lastIndex = 0;
  for (let match = ARGUMENT_USE.exec(recipe.text); match; match = ARGUMENT_USE.exec(recipe.text)) {
    const start = match.index + match[0].indexOf(match[1], 2);
    entry('argument', match[1]).uses.push(index.range(start, start + match[1].length));
  }
  return [...byKey.values()];
}

function contains(range: Range, position: Position): boolean {
  const afterStart = position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character <= range.end.character);
  return afterStart && beforeEnd;
}

export interface SymbolAt {
  symbol: NamedSymbol;
  /** The occurrence under the cursor. */
  range: Range;
}

/** The argument or stage name under the cursor, if any. */
export function symbolAt(recipe: Recipe, position: Position): SymbolAt | undefined {
  for (const symbol of namedSymbols(recipe)) {
    const range = [...symbol.definitions, ...symbol.uses].find((candidate) => contains(candidate, position));
    if (range) {
      return { symbol, range };
    }
  }
  return undefined;
}

/** Where the name under the cursor is defined; empty when it is not a name or has no definition. */
export function apptainerDefinition(recipe: Recipe, uri: string, position: Position): Location[] {
  const found = symbolAt(recipe, position);
  return found ? found.symbol.definitions.map((range) => ({ uri, range })) : [];
}

/** Every occurrence of the name under the cursor: definitions as writes, uses as reads. */
export function apptainerHighlights(recipe: Recipe, position: Position): DocumentHighlight[] {
  const found = symbolAt(recipe, position);
  if (!found) {
    return [];
  }
  return [
    ...found.symbol.definitions.map((range) => ({ range, kind: DocumentHighlightKind.Write })),
    ...found.symbol.uses.map((range) => ({ range, kind: DocumentHighlightKind.Read })),
  ];
}

/** The range and current name that rename would change, or null when the cursor is on no name. */
export function apptainerPrepareRename(recipe: Recipe, position: Position): { range: Range; placeholder: string } | null {
  const found = symbolAt(recipe, position);
  return found ? { range: found.range, placeholder: found.symbol.name } : null;
}

export class InvalidNameError extends Error {}

/** Edits renaming every occurrence of the name under the cursor; null when the cursor is on no name. */
export function apptainerRename(recipe: Recipe, position: Position, newName: string): TextEdit[] | null {
  const found = symbolAt(recipe, position);
  if (!found) {
    return null;
  }
  const valid = found.symbol.kind === 'argument' ? ARGUMENT_NAME : STAGE_NAME;
  if (!valid.test(newName)) {
    throw new InvalidNameError(
      found.symbol.kind === 'argument'
        ? `\`${newName}\` is not a valid build argument name (letters, digits, \`_\`, \`.\` and \`-\`).`
        : `\`${newName}\` is not a valid stage name (no spaces or \`#\`).`,
    );
  }
  return [...found.symbol.definitions, ...found.symbol.uses].map((range) => ({ range, newText: newName }));
}

// Definition files: semantic tokens for what the TextMate grammar cannot know — header keys and values,
// section headers and their arguments, stage and app names, build arguments (`%arguments` keys and
// `{{ }}` uses), label keys and comments. Shell text inside sections is left to the grammar.
// The legend is the Dockerfile service's (one legend per server).
import type { SemanticTokens } from 'vscode-languageserver';
import type { Range, Recipe } from '../../recipe/model';
import { LineIndex } from '../../recipe/text';
import { DOCKERFILE_TOKENS_LEGEND } from './dockerfileFeatures';

type TokenType = 'keyword' | 'comment' | 'parameter' | 'property' | 'namespace' | 'class' | 'macro' | 'string' | 'variable' | 'operator';
type TokenModifier = 'declaration' | 'definition';

interface Token {
  line: number;
  character: number;
  length: number;
  type: number;
  modifiers: number;
}

const TYPE_INDEX = new Map(DOCKERFILE_TOKENS_LEGEND.tokenTypes.map((type, index) => [type, index]));
const MODIFIER_BIT = new Map(DOCKERFILE_TOKENS_LEGEND.tokenModifiers.map((modifier, index) => [modifier, 1 << index]));
const ARGUMENT_USE = /\{\{\s*[\w.-]+\s*\}\}/g;

export function apptainerSemanticTokens(recipe: Recipe): SemanticTokens {
  const tokens: Token[] = [];
  const add = (range: Range, type: TokenType, modifiers: readonly TokenModifier[] = []): void => {
    if (range.start.line !== range.end.line || range.end.character <= range.start.character) {
      return;
    }
    tokens.push({
      line: range.start.line,
      character: range.start.character,
      length: range.end.character - range.start.character,
      type: TYPE_INDEX.get(type)!,
      modifiers: modifiers.reduce((bits, modifier) => bits | (MODIFIER_BIT.get(modifier) ?? 0), 0),
    });
  };
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind === 'header') {
        add(step.keywordRange, 'keyword');
        const kind: TokenType = step.key === 'bootstrap' ? 'namespace' : step.key === 'stage' ? 'class' : 'string';
        add(step.value.range, kind, step.key === 'stage' ? ['declaration'] : []);
      } else if (step.kind === 'arg' && step.keyword.startsWith('%')) {
        for (const pair of step.pairs) {
          add(pair.key.range, 'variable', ['declaration']);
          if (pair.value) {
            add(pair.value.range, 'string');
          }
        }
      } else if (step.kind === 'label') {
        for (const pair of step.pairs) {
          add(pair.key.range, 'property', ['declaration']);
        }
      }
    }
    for (const section of stage.sections) {
      add(section.header.range, 'keyword');
      const isFromStage = section.name === 'files' && section.args[0]?.value.toLowerCase() === 'from';
      section.args.forEach((arg, i) => {
        if (isFromStage) {
          add(arg.range, i === 0 ? 'keyword' : 'class');
        } else if (section.name.startsWith('app') && i === 0) {
          add(arg.range, 'namespace');
        } else {
          add(arg.range, 'parameter');
        }
      });
    }
  }
  for (const comment of recipe.comments) {
    add(comment.range, 'comment');
  }
  const index = new LineIndex(recipe.text);
  ARGUMENT_USE.lastIndex = 0;
  for (let match = ARGUMENT_USE.exec(recipe.text); match; match = ARGUMENT_USE.exec(recipe.text)) {
    add(index.range(match.index, match.index + match[0].length), 'macro');
  }
  return { data: encode(withoutOverlaps(tokens)) };
}

/** Sorted by position; a token that starts inside the previous one is dropped (`{{ }}` inside a header value splits it). */
function withoutOverlaps(tokens: Token[]): Token[] {
  const macros = tokens.filter((token) => token.type === TYPE_INDEX.get('macro'));
  const sorted = tokens
    .flatMap((token) => (token.type === TYPE_INDEX.get('macro') ? [token] : splitAround(token, macros)))
    .sort((a, b) => a.line - b.line || a.character - b.character || b.length - a.length);
  const kept: Token[] = [];
  for (const token of sorted) {
    const last = kept[kept.length - 1];
    if (last && last.line === token.line && token.character < last.character + last.length) {
      continue;
    }
    kept.push(token);
  }
  return kept;
}

/** The parts of `token` outside any `{{ }}` on its line, so the argument keeps its own colour. */
function splitAround(token: Token, macros: readonly Token[]): Token[] {
  let parts = [token];
  for (const macro of macros) {
    if (macro.line !== token.line) {
      continue;
    }
    parts = parts.flatMap((part) => {
      const end = part.character + part.length;
      const macroEnd = macro.character + macro.length;
      if (macro.character >= end || macroEnd <= part.character) {
        return [part];
      }
      const pieces: Token[] = [];
      if (macro.character > part.character) {
        pieces.push({ ...part, length: macro.character - part.character });
      }
      if (macroEnd < end) {
        pieces.push({ ...part, character: macroEnd, length: end - macroEnd });
      }
      return pieces;
    });
  }
  return parts;
}

function encode(tokens: readonly Token[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const deltaLine = token.line - line;
    data.push(deltaLine, deltaLine === 0 ? token.character - character : token.character, token.length, token.type, token.modifiers);
    line = token.line;
    character = token.character;
  }
  return data;
}

// Inputs that make dockerfile-utils' validate backtrack exponentially, defused before it runs.
//
// dockerfile-utils 0.16.3 checks a build stage name (the third argument of FROM) with
// /^[a-z]([a-z0-9_\-.]*)*$/: a name that starts with a letter and ends in anything else takes time
// exponential in its length. `FROM ubuntu:22.04 \` followed by `LABEL org.opencontainers.image.compilation=auto`
// (a stray continuation, found by the fuzzer) took four minutes. Such a name is invalid anyway, so its
// first letter is replaced by `!` (same length, so every range stays put) and the regex fails at once;
// the message of the finding is given back its original name.
import { DockerfileParser, type Dockerfile } from 'dockerfile-ast';
import { withLinearCommentPlacement } from '../recipe/dockerfile-comments';

/** The same language as dockerfile-utils' stage-name regex, without the nested quantifier. */
const STAGE_NAME = /^[a-z][a-z0-9_\-.]*$/;
/** A FROM line that may have an invalid third argument: three or more words, or a continuation. */
const SUSPECT_FROM = /^[ \t]*from[ \t][^\n]*$/gim;

export interface DefusedText {
  text: string;
  /** Original lower-cased stage name by defused one, for messages. */
  names: Map<string, string>;
}

/** `tree`: dockerfile-ast's parse of `text`, when the caller has one (the front end's). */
export function defuseStageNames(text: string, tree?: Dockerfile): DefusedText {
  const names = new Map<string, string>();
  if (!hasSuspectFrom(text)) {
    return { text, names };
  }
  const characters = text.split('');
  const document = tree ?? withLinearCommentPlacement(() => DockerfileParser.parse(text));
  const lines = lineStarts(text);
  for (const from of document.getFROMs()) {
    const argument = from.getArguments()[2];
    if (!argument) {
      continue;
    }
    const name = argument.getValue().toLowerCase();
    if (!/^[a-z]/.test(name) || STAGE_NAME.test(name)) {
      continue;
    }
    const start = argument.getRange().start;
    const offset = (lines[start.line] ?? text.length) + start.character;
    if (/[a-z]/i.test(characters[offset] ?? '')) {
      characters[offset] = '!';
      names.set(`!${name.slice(1)}`, name);
    }
  }
  return names.size === 0 ? { text, names } : { text: characters.join(''), names };
}

/** Gives a finding's message back the stage name it was about. */
export function restoreStageName(message: string, names: ReadonlyMap<string, string>): string {
  for (const [defused, original] of names) {
    if (message.includes(defused)) {
      return message.split(defused).join(original);
    }
  }
  return message;
}

function hasSuspectFrom(text: string): boolean {
  for (const match of text.matchAll(SUSPECT_FROM)) {
    const line = match[0].trimEnd();
    if (/[\\`]$/.test(line)) {
      return true;
    }
    const words = line.trim().split(/[ \t]+/).filter((word) => !word.startsWith('--'));
    if (words.length >= 4 && /^[a-z]/i.test(words[3]) && !STAGE_NAME.test(words[3].toLowerCase())) {
      return true;
    }
  }
  return false;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 10 || (char === 13 && text.charCodeAt(i + 1) !== 10)) {
      starts.push(i + 1);
    }
  }
  return starts;
}

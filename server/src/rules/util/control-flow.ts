// Which `if` / `case` / loop blocks each command of a shell script sits in. The shell splitter keeps
// commands flat and skips the reserved words; they remain in the text between commands, so a scan of
// those gaps rebuilds the block structure well enough to tell conditional code from code that always runs.
import type { Recipe, ShellCommand, ShellScript } from '../../recipe/model';
import { offsetOf } from './source';

export interface Block {
  kind: 'if' | 'case' | 'loop';
  /** The test of an `if`/`elif`/`while`/`until`, or the subject word of a `case`. */
  condition: string;
}

export interface CommandFlow {
  /** Enclosing blocks, outermost first. */
  blocks: readonly Block[];
  /** Part of an `a && b` / `a || b` list after its first command: runs only depending on the earlier one. */
  guarded: boolean;
  /** Part of the test of an `if`/`elif`/`while`/`until`. */
  inCondition: boolean;
}

const cache = new WeakMap<ShellScript, Map<ShellCommand, CommandFlow> | null>();

/** Flow facts per command of `script`; undefined when the script text cannot be located in the recipe. */
export function controlFlow(recipe: Recipe, script: ShellScript): Map<ShellCommand, CommandFlow> | undefined {
  let flows = cache.get(script);
  if (flows === undefined) {
    flows = computeFlow(recipe, script) ?? null;
    cache.set(script, flows);
  }
  return flows ?? undefined;
}

/** True when the command runs whenever the script reaches it: no enclosing block, not after `&&`/`||`, not a test. */
export function runsUnconditionally(flow: CommandFlow | undefined): boolean {
  return flow !== undefined && flow.blocks.length === 0 && !flow.guarded && !flow.inCondition;
}

/** `$1`, `${2}`, `$@`, `$*`, `$#`: the script's own arguments. */
export const POSITIONAL = /\$(?:[1-9#@*]|\{[1-9#@*])/;

/** True when an enclosing `if`/`case`/loop tests the script's arguments (an installer sub-command, a usage branch). */
export function dependsOnArguments(flow: CommandFlow | undefined): boolean {
  return flow !== undefined && flow.blocks.some((block) => POSITIONAL.test(block.condition));
}

interface OpenBlock extends Block {
  /** Still reading the test (before `then` / `do`). */
  collecting: boolean;
}

function computeFlow(recipe: Recipe, script: ShellScript): Map<ShellCommand, CommandFlow> | undefined {
  const base = offsetOf(recipe, script.range.start);
  if (recipe.text.slice(base, base + script.text.length) !== script.text) {
    return undefined;
  }
  const text = maskHeredocs(recipe, script, base);
  const stack: OpenBlock[] = [];
  const flows = new Map<ShellCommand, CommandFlow>();
  const ordered = script.commands
    .map((command) => ({ command, start: offsetOf(recipe, command.range.start) - base, end: offsetOf(recipe, command.range.end) - base }))
    .sort((a, b) => a.start - b.start);
  let cursor = 0;
  for (const { command, start, end } of ordered) {
    if (start >= cursor) {
      readKeywords(text.slice(cursor, start), stack);
      cursor = end;
    }
    const collecting = stack.length > 0 && stack[stack.length - 1].collecting;
    if (collecting) {
      stack[stack.length - 1].condition += ` ${text.slice(start, end)}`;
    }
    flows.set(command, {
      blocks: stack.map(({ kind, condition }) => ({ kind, condition })),
      guarded: command.separatorBefore === '&&' || command.separatorBefore === '||',
      inCondition: collecting,
    });
  }
  return flows;
}

/** Heredoc bodies are data: blank them so their words are not read as keywords. */
function maskHeredocs(recipe: Recipe, script: ShellScript, base: number): string {
  let text = script.text;
  for (const heredoc of script.heredocs) {
    const from = Math.max(0, offsetOf(recipe, heredoc.range.start) - base);
    const to = Math.min(text.length, offsetOf(recipe, heredoc.range.end) - base);
    if (to > from) {
      text = text.slice(0, from) + text.slice(from, to).replace(/[^\n]/g, ' ') + text.slice(to);
    }
  }
  return text;
}

function readKeywords(gap: string, stack: OpenBlock[]): void {
  const tokens = gap.replace(/(^|\s)#[^\n]*/g, '$1').split(/[\s;&|()]+/);
  for (let i = 0; i < tokens.length; i++) {
    const top = stack[stack.length - 1];
    switch (tokens[i]) {
      case 'if':
        stack.push({ kind: 'if', condition: '', collecting: true });
        break;
      case 'elif':
        if (top?.kind === 'if') {
          top.collecting = true;
        }
        break;
      case 'while':
      case 'until':
        stack.push({ kind: 'loop', condition: '', collecting: true });
        break;
      case 'for':
      case 'select':
        stack.push({ kind: 'loop', condition: '', collecting: false });
        break;
      case 'then':
      case 'do':
        if (top) {
          top.collecting = false;
        }
        break;
      case 'case':
        stack.push({ kind: 'case', condition: tokens[i + 1] ?? '', collecting: false });
        i++;
        break;
      case 'fi':
      case 'done':
      case 'esac':
        stack.pop();
        break;
      default:
        break;
    }
  }
}

// Turns the text of a Dockerfile RUN (shell form) into `%post` lines with Docker's semantics:
// comment and empty lines inside a continued instruction are dropped (Docker drops them; sh would not),
// continuation lines are kept where sh joins them the same way and joined where it would not
// (inside single quotes, after a `#` comment, or when the next line would start a section / stage).

export interface HeredocOperator {
  delimiter: string;
  /** `<<-`: leading tabs are stripped from body and delimiter lines. */
  stripTabs: boolean;
  /** `<<'EOF'` / `<<"EOF"`: the body is not expanded. */
  quoted: boolean;
}

export interface ShellLines {
  /** The command part (continuation lines as `\`-terminated physical lines). */
  command: string[];
  /** Heredoc operators found in the command part, in order. */
  heredocs: HeredocOperator[];
  /** Heredoc bodies with their delimiter lines, verbatim. */
  bodies: string[];
}

const HEREDOC = /^<<(-?)\s*(["']?)([A-Za-z0-9_.-]+)\2/;

/** Lines that Apptainer's parser would read as a section start or a new stage. */
export function breaksDefinition(line: string): boolean {
  return line.trimStart().startsWith('%') || /^bootstrap:/i.test(line);
}

export function dockerShellLines(raw: string, escapeChar: string, options: { joinAll?: boolean } = {}): ShellLines {
  const physical = raw.split(/\r?\n/);
  const continuation = new RegExp(`${escapeRegExp(escapeChar)}[ \\t]*$`);
  const command: string[] = [];
  const heredocs: HeredocOperator[] = [];
  const bodies: string[] = [];
  const scan: ScanState = { quote: undefined, comment: false };
  let current: string | undefined;
  let index = 0;
  for (; index < physical.length; index++) {
    const line = physical[index];
    if (current !== undefined && (/^\s*#/.test(line) || line.trim() === '')) {
      continue;
    }
    const continued = continuation.test(line);
    const body = continued ? line.replace(continuation, '') : line;
    if (current === undefined) {
      current = body;
    } else if (options.joinAll || scan.quote === "'" || scan.comment || breaksDefinition(body)) {
      current += body;
    } else {
      command.push(`${current}\\`);
      current = body;
    }
    scanLine(body, scan, heredocs);
    if (!continued) {
      break;
    }
  }
  if (current !== undefined) {
    command.push(current);
  }
  bodies.push(...physical.slice(index + 1));
  while (bodies.length > 0 && bodies[bodies.length - 1].trim() === '' && heredocs.length === 0) {
    bodies.pop();
  }
  return { command, heredocs, bodies };
}

interface ScanState {
  quote: '"' | "'" | undefined;
  comment: boolean;
}

function scanLine(text: string, state: ScanState, heredocs: HeredocOperator[]): void {
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (state.comment) {
      return;
    }
    if (state.quote === "'") {
      if (char === "'") {
        state.quote = undefined;
      }
      continue;
    }
    if (char === '\\') {
      i++;
      continue;
    }
    if (char === '"') {
      state.quote = state.quote === '"' ? undefined : '"';
      continue;
    }
    if (state.quote === '"') {
      continue;
    }
    if (char === "'") {
      state.quote = "'";
    } else if (char === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]))) {
      state.comment = true;
    } else if (char === '<' && text[i + 1] === '<' && text[i + 2] !== '<' && text[i - 1] !== '<') {
      const match = HEREDOC.exec(text.slice(i));
      if (match) {
        heredocs.push({ delimiter: match[3], stripTabs: match[1] === '-', quoted: match[2] !== '' });
        i += match[0].length - 1;
      }
    }
  }
}

/** The body lines of each heredoc (without delimiter lines), in operator order. */
export function heredocBodies(shell: ShellLines): string[][] {
  const result: string[][] = [];
  let lines = shell.bodies;
  for (const heredoc of shell.heredocs) {
    const body: string[] = [];
    let i = 0;
    for (; i < lines.length; i++) {
      const line = heredoc.stripTabs ? lines[i].replace(/^\t+/, '') : lines[i];
      if (line === heredoc.delimiter) {
        break;
      }
      body.push(line);
    }
    result.push(body);
    lines = lines.slice(i + 1);
  }
  return result;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

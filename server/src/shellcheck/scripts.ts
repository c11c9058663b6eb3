// The shell scripts inside a recipe, as the shell that runs them sees them, ready for ShellCheck:
// Dockerfile RUN / shell-form CMD, ENTRYPOINT, HEALTHCHECK (continuations joined and comment lines dropped
// as Docker does; heredocs), and definition-file script sections (%post, %setup, %test, %runscript,
// %startscript, %environment and their %app* forms).
import { factsOf } from '../recipe/facts';
import type { Recipe, Section, ShellScript, Stage, Step } from '../recipe/model';
import type { LineIndex } from '../recipe/text';
import {
  binShInterpreter,
  binShOf,
  DockerfileShells,
  interpreterOfCommand,
  interpreterOfShebang,
  type BinSh,
  type Interpreter,
} from './dialect';
import type { ScriptRole } from './codes';
import { MappedScript } from './sourceMap';

/** `[start, end)` offsets of recipe text. */
export type Piece = [number, number];

export interface ExtractedScript {
  /** The instruction or section the script belongs to. */
  step: Step;
  interpreter: Interpreter;
  role: ScriptRole;
  script: MappedScript;
  /** Recipe spans of `{{ name }}` placeholders, replaced by literal text for ShellCheck. */
  placeholders: Piece[];
}

/** Variables Docker passes to RUN without an ARG (lower-case ones would otherwise be "not assigned"). */
const DOCKER_PROXY_ARGS = ['http_proxy', 'https_proxy', 'ftp_proxy', 'no_proxy', 'all_proxy'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Apptainer `{{ name }}` build-argument placeholders. */
const TEMPLATE = /\{\{\s*[\w.-]*\s*\}\}/g;

function lineIndex(recipe: Recipe): LineIndex {
  return factsOf(recipe).lineIndex;
}

/** Every shell script of the recipe that ShellCheck can check (scripts for other interpreters are left out). */
export function extractScripts(recipe: Recipe): ExtractedScript[] {
  return recipe.format === 'dockerfile' ? dockerfileScripts(recipe) : definitionScripts(recipe);
}

// ---------------------------------------------------------------- Dockerfiles

function dockerfileScripts(recipe: Recipe): ExtractedScript[] {
  const found: ExtractedScript[] = [];
  const shells = new DockerfileShells(recipe);
  const inherited = inheritedEnv(recipe);
  for (const stage of recipe.stages) {
    const args = new Set<string>();
    const env = new Set<string>(inherited.get(stage));
    for (const step of stage.steps) {
      if (step.kind === 'arg') {
        step.pairs.forEach((pair) => args.add(pair.key.value));
      } else if (step.kind === 'env') {
        step.pairs.forEach((pair) => env.add(pair.key.value));
      } else if (step.kind === 'run' || (step.kind === 'entrypoint' && step.form === 'shell') || (step.kind === 'test' && step.script)) {
        const script = step.script;
        if (!script || isExecForm(script)) {
          continue;
        }
        const shell = shells.interpreter(stage, step);
        const declared = step.kind === 'run' ? [...DOCKER_PROXY_ARGS, ...args, ...env] : [...env];
        const extracted = dockerfileScript(recipe, step, script, { shell, binSh: shells.binSh(stage) }, declared, step.kind === 'run' ? 'build' : 'runtime');
        if (extracted) {
          found.push(extracted);
        }
      }
    }
  }
  return found;
}

/**
 * Per stage, the ENV names set by the stages it is built `FROM` (ARGs do not carry over), nearest first: each name
 * refers to the first stage so named, any case, if that comes earlier. One pass in stage order.
 */
function inheritedEnv(recipe: Recipe): Map<Stage, string[]> {
  const facts = factsOf(recipe);
  const inherited = new Map<Stage, string[]>();
  for (const stage of recipe.stages) {
    const ref = stage.base.stageRef;
    const parent = ref === undefined ? undefined : facts.earlierStageNamed(ref, stage);
    const names: string[] = [];
    if (parent !== undefined) {
      for (const step of parent.steps) {
        if (step.kind === 'env') {
          step.pairs.forEach((pair) => names.push(pair.key.value));
        }
      }
      names.push(...(inherited.get(parent) ?? []));
    }
    inherited.set(stage, names);
  }
  return inherited;
}

function isExecForm(script: ShellScript): boolean {
  const text = script.text.trimStart();
  if (!text.startsWith('[')) {
    return false;
  }
  try {
    return Array.isArray(JSON.parse(text.replace(/\\\r?\n/g, ' ')));
  } catch {
    return false;
  }
}

function dockerfileScript(
  recipe: Recipe,
  step: Step,
  script: ShellScript,
  { shell, binSh }: { shell: Interpreter | { none: string }; binSh: BinSh | undefined },
  declared: readonly string[],
  role: ScriptRole,
): ExtractedScript | undefined {
  const index = lineIndex(recipe);
  const start = index.offsetAt(script.range.start);
  const end = index.offsetAt(script.range.end);
  if (heredocOperators(recipe, index, script, start, end) > script.heredocs.length) {
    return undefined; // a heredoc the parser did not recognise (`5<<EOF`): the script cannot be rebuilt
  }
  if (script.heredocs.length > 0) {
    const body = heredocBody(recipe, index, script, start);
    if (body) {
      // `RUN <<EOF`: the body is the script (a `#!` first line picks its interpreter);
      // `RUN bash <<EOF` / `RUN <<EOF bash`: the body is bash's script.
      const inner =
        body.command.length === 0
          ? (interpreterOfShebang(recipe.text.slice(body.bodyStart, index.lineEnd(index.positionAt(body.bodyStart).line)), binSh) ?? shell)
          : interpreterOfCommand(body.command, binSh);
      if (inner && 'dialect' in inner) {
        return bodyScript(recipe, index, step, [[body.bodyStart, body.bodyEnd]], inner, role, declared);
      }
      if (body.command.length === 0) {
        return undefined;
      }
    }
  }
  if (!('dialect' in shell)) {
    return undefined;
  }
  const mapped = new MappedScript();
  mapped.generate(shebang(shell) + declarations(declared));
  copyDockerLines(recipe, index, mapped, start, end, heredocLines(index, script), recipe.escapeChar);
  return { step, interpreter: shell, role, script: mapped, placeholders: [] };
}

interface HeredocOnly {
  /** The words around the `<<EOF` operator on the instruction line (empty for a bare `RUN <<EOF`). */
  command: string[];
  bodyStart: number;
  bodyEnd: number;
}

const HEREDOC_OPERATOR = /<<-?\s*(?:"[^"]*"|'[^']*'|[^\s<>|&;]+)/g;

/** The single heredoc of a RUN whose command line is only the operator, or a shell reading it. */
function heredocBody(recipe: Recipe, index: LineIndex, script: ShellScript, start: number): HeredocOnly | undefined {
  const firstLine = script.range.start.line;
  const heredoc = script.heredocs.find((candidate) => candidate.range.start.line === firstLine + 1);
  if (!heredoc) {
    return undefined;
  }
  const commandLine = recipe.text.slice(start, index.lineEnd(firstLine));
  const operators = commandLine.match(HEREDOC_OPERATOR) ?? [];
  if (operators.length !== 1) {
    return undefined;
  }
  const rest = commandLine.replace(HEREDOC_OPERATOR, ' ').trim();
  if (/[;&|<>()`$'"\\]/.test(rest)) {
    return undefined;
  }
  const words = rest.split(/\s+/).filter((word) => word.length > 0);
  if (words.length > 0 && words.slice(1).some((word) => !word.startsWith('-') || word === '-c')) {
    return undefined;
  }
  const bodyStart = index.offsetAt(heredoc.range.start);
  return { command: words, bodyStart, bodyEnd: bodyStart + heredoc.body.length };
}

/** `<<WORD` operators (not `<<<`) on the lines that are not heredoc bodies. */
function heredocOperators(recipe: Recipe, index: LineIndex, script: ShellScript, start: number, end: number): number {
  if (!script.text.includes('<<')) {
    return 0;
  }
  const bodies = heredocLines(index, script);
  let count = 0;
  for (let line = index.positionAt(start).line; line <= index.positionAt(end).line; line++) {
    if (!bodies.has(line)) {
      const text = recipe.text.slice(Math.max(start, index.lineStart(line)), Math.min(end, index.lineEnd(line)));
      count += (text.match(/(?<!<)<<-?\s*["']?[A-Za-z_][\w.-]*/g) ?? []).length;
    }
  }
  return count;
}

/** Lines of heredoc bodies and their delimiter lines: Docker passes them on untouched. */
function heredocLines(index: LineIndex, script: ShellScript): Set<number> {
  const lines = new Set<number>();
  for (const heredoc of script.heredocs) {
    const first = heredoc.range.start.line;
    const last = heredoc.body.length === 0 ? first - 1 : heredoc.range.end.line;
    for (let line = first; line <= last + 1 && line < index.lineCount; line++) {
      lines.add(line);
    }
  }
  return lines;
}

/**
 * Copies the instruction's argument lines the way Docker builds the command: a line ending in the escape
 * character joins the next one (the escape and newline disappear), and inside such a continuation
 * comment lines and blank lines are dropped. Heredoc lines are copied as they are.
 */
function copyDockerLines(
  recipe: Recipe,
  index: LineIndex,
  mapped: MappedScript,
  start: number,
  end: number,
  verbatim: ReadonlySet<number>,
  escapeChar: string,
): void {
  const { text } = recipe;
  const first = index.positionAt(start).line;
  const last = index.positionAt(end).line;
  let continuing = false;
  for (let line = first; line <= last; line++) {
    const lineStart = line === first ? start : index.lineStart(line);
    const lineEnd = Math.min(index.lineEnd(line), end);
    if (lineStart > lineEnd) {
      continue;
    }
    const content = text.slice(lineStart, lineEnd);
    if (verbatim.has(line)) {
      if (continuing) {
        mapped.generate('\n');
        continuing = false;
      }
      mapped.copy(lineStart, content);
      mapped.generate('\n');
      continue;
    }
    if (continuing && (content.trim().length === 0 || content.trimStart().startsWith('#'))) {
      continue;
    }
    const trimmed = content.replace(/[ \t]+$/, '');
    if (trimmed.endsWith(escapeChar) && line < last) {
      mapped.copy(lineStart, trimmed.slice(0, -1));
      continuing = true;
    } else {
      mapped.copy(lineStart, content);
      mapped.generate('\n');
      continuing = false;
    }
  }
  if (continuing) {
    mapped.generate('\n');
  }
}

// ---------------------------------------------------------------- definition files


const SECTION_ROLES: Record<string, ScriptRole> = {
  post: 'build',
  appinstall: 'build',
  setup: 'host',
  test: 'runtime',
  apptest: 'runtime',
  runscript: 'runtime',
  apprun: 'runtime',
  startscript: 'runtime',
  appstart: 'runtime',
  environment: 'environment',
  appenv: 'environment',
};

/** Sections Apptainer runs with `/bin/sh -ex` (or `-c <command>`, which drops the `-e`). */
const SECTION_SCRIPT_SECTIONS = new Set(['post', 'appinstall', 'setup']);

/** Sections that pick their interpreter with a `#!` first line (`%post` ignores it: only `-c` counts). */
const SHEBANG_SECTIONS = new Set(['test', 'apptest', 'runscript', 'apprun', 'startscript', 'appstart']);

/**
 * Apptainer appends sections of the same name (and app) in file order and runs them as one script; the
 * arguments (`-c …`) of the last header that has any apply to all of it.
 */
function definitionScripts(recipe: Recipe): ExtractedScript[] {
  const found: ExtractedScript[] = [];
  const index = lineIndex(recipe);
  const templateNames = recipe.stages.flatMap((stage) =>
    stage.steps.flatMap((step) => (step.kind === 'arg' ? step.pairs.map((pair) => pair.key.value) : [])),
  );
  for (const stage of recipe.stages) {
    const binSh = binShOf(recipe, stage);
    const groups = new Map<string, { section: string; role: ScriptRole; steps: Step[]; scripts: ShellScript[] }>();
    for (const step of stage.steps) {
      const section = step.keyword.replace(/^%+/, '').toLowerCase();
      const role = SECTION_ROLES[section];
      const script = role && 'script' in step ? step.script : undefined;
      if (!role || !script) {
        continue;
      }
      const key = `${section} ${step.app ?? ''}`;
      const group = groups.get(key) ?? { section, role, steps: [], scripts: [] };
      group.steps.push(step);
      group.scripts.push(script);
      groups.set(key, group);
    }
    const environmentOf = environmentNames(stage);
    const sectionsByLine = new Map<number, Section>();
    for (const section of stage.sections) {
      if (!sectionsByLine.has(section.header.range.start.line)) {
        sectionsByLine.set(section.header.range.start.line, section);
      }
    }
    for (const { section, role, steps, scripts } of groups.values()) {
      const text = scripts.map((script) => script.text).join('');
      if (text.trim().length === 0) {
        continue;
      }
      const interpreter = sectionInterpreter(sectionsByLine, steps, section, role, binSh, text);
      if (!interpreter) {
        continue;
      }
      const app = steps[0].app;
      const declared =
        role === 'host'
          ? templateNames
          : role === 'environment'
            ? [...templateNames, ...(app === undefined ? [] : environmentOf(undefined))]
            : [...templateNames, ...environmentOf(app)];
      const pieces = scripts.map((script): Piece => {
        const start = index.offsetAt(script.range.start);
        return [start, start + script.text.length];
      });
      found.push(bodyScript(recipe, index, steps[0], pieces, interpreter, role, declared, true));
    }
  }
  return found;
}

/**
 * The ENV names a section of an app (or of no app) sees, in file order: those of `%environment` and, for an app, its
 * own `%appenv`. The stage's ENV steps are grouped by app once (scanning every step for every app was quadratic).
 */
function environmentNames(stage: Stage): (app: string | undefined) => string[] {
  const byApp = new Map<string | undefined, { position: number; names: string[] }[]>();
  stage.steps.forEach((step, position) => {
    if (step.kind === 'env' && step.pairs.length > 0) {
      const list = byApp.get(step.app) ?? [];
      list.push({ position, names: step.pairs.map((pair) => pair.key.value) });
      byApp.set(step.app, list);
    }
  });
  return (app) => {
    const everyApp = byApp.get(undefined) ?? [];
    const own = app === undefined ? [] : (byApp.get(app) ?? []);
    const names: string[] = [];
    let i = 0;
    let j = 0;
    while (i < everyApp.length || j < own.length) {
      const next = j >= own.length || (i < everyApp.length && everyApp[i].position < own[j].position) ? everyApp[i++] : own[j++];
      names.push(...next.names);
    }
    return names;
  };
}

function sectionInterpreter(
  sectionsByLine: ReadonlyMap<number, Section>,
  steps: readonly Step[],
  section: string,
  role: ScriptRole,
  binSh: ReturnType<typeof binShOf>,
  text: string,
): Interpreter | undefined {
  const stageBinSh = role === 'host' ? undefined : binSh;
  if (SECTION_SCRIPT_SECTIONS.has(section)) {
    const command = shellCommandOf(sectionsByLine, steps);
    if (command) {
      return interpreterOfCommand(command, stageBinSh);
    }
    return { ...binShInterpreter(stageBinSh), errexit: true };
  }
  if (SHEBANG_SECTIONS.has(section)) {
    const firstLine = text.split('\n').find((line) => line.trim().length > 0) ?? '';
    const fromShebang = interpreterOfShebang(firstLine, binSh);
    if (fromShebang) {
      return 'dialect' in fromShebang ? fromShebang : undefined;
    }
  }
  return binShInterpreter(stageBinSh);
}

/** The words after `-c` in the arguments of the last header with arguments (`%post -c /bin/bash -e` → `/bin/bash -e`). */
function shellCommandOf(sectionsByLine: ReadonlyMap<number, Section>, steps: readonly Step[]): string[] | undefined {
  let args: string[] = [];
  for (const step of steps) {
    const section = sectionsByLine.get(step.keywordRange.start.line);
    const own = section?.args.map((arg) => arg.value) ?? [];
    const words = step.app !== undefined ? own.slice(1) : own;
    if (words.length > 0) {
      args = words;
    }
  }
  const flag = args.indexOf('-c');
  const command = flag >= 0 ? args.slice(flag + 1).map((word) => word.replace(/^["']|["']$/g, '')) : [];
  return command.length > 0 ? command.join(' ').split(/\s+/) : undefined;
}

/**
 * A whole body (heredoc or section) copied line by line after a generated `#!` line for the dialect. A `#!`
 * first line of the body is left out: it named the interpreter (or, in `%post`, is ignored by Apptainer).
 */
function bodyScript(
  recipe: Recipe,
  index: LineIndex,
  step: Step,
  pieces: readonly Piece[],
  interpreter: Interpreter,
  role: ScriptRole,
  declared: readonly string[],
  templates = false,
): ExtractedScript {
  const mapped = new MappedScript();
  mapped.generate(shebang(interpreter));
  let seenContent = false;
  let declaring = declarations(declared);
  const placeholders: Piece[] = [];
  for (const [start, end] of pieces) {
    const first = index.positionAt(start).line;
    const last = end > start ? index.positionAt(end).line : first - 1;
    for (let line = first; line <= last; line++) {
      const lineStart = Math.max(index.lineStart(line), start);
      const lineEnd = Math.min(index.lineEnd(line), end);
      if (lineStart >= end && line > first) {
        break;
      }
      const content = recipe.text.slice(lineStart, Math.max(lineStart, lineEnd));
      const trimmed = content.trim();
      if (!seenContent && trimmed.length > 0) {
        seenContent = true;
        if (trimmed.startsWith('#!')) {
          mapped.generate('\n');
          continue;
        }
      }
      if (declaring.length > 0 && trimmed.length > 0 && !trimmed.startsWith('#')) {
        // After the leading comments, so a file-wide `# shellcheck disable=…` there stays file-wide.
        mapped.generate(declaring);
        declaring = '';
      }
      mapped.copy(lineStart, templates ? withoutTemplates(content, lineStart, placeholders) : content);
      mapped.generate('\n');
    }
  }
  return { step, interpreter, role, script: mapped, placeholders };
}

/** `{{ name }}` → underscores of the same length (a literal word), remembering where they were. */
function withoutTemplates(content: string, offset: number, placeholders: Piece[]): string {
  if (!content.includes('{{')) {
    return content;
  }
  return content.replace(TEMPLATE, (match: string, at: number) => {
    placeholders.push([offset + at, offset + at + match.length]);
    return '_'.repeat(match.length);
  });
}

function shebang(interpreter: Interpreter): string {
  return `#!/bin/${interpreter.dialect}${interpreter.errexit ? ' -e' : ''}\n`;
}

/** A line declaring the recipe's variables (ARG, ENV, `%arguments`, `%environment`), so ShellCheck knows they are set. */
function declarations(declared: readonly string[]): string {
  const names = [...new Set(declared)].filter((name) => NAME.test(name));
  return names.length > 0 ? `export ${names.map((name) => `${name}=1`).join(' ')}\n` : '';
}

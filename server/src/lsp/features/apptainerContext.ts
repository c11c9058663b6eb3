// Where the cursor is in a definition file, from the raw lines (robust while the user is typing).
import type { Recipe, Stage } from '../../recipe/model';

const SECTION_LINE = /^\s*%([A-Za-z]+)/;
const STAGE_START = /^\s*bootstrap\s*:/i;
const HEADER_LINE = /^(\s*)([A-Za-z][A-Za-z0-9]*)(\s*:)/;
const BOOTSTRAP_VALUE = /^\s*bootstrap\s*:\s*([\w-]*)/i;

export function splitLines(text: string): string[] {
  return text.split(/\r?\n|\r/);
}

export interface HeaderContext {
  /** Lower-cased agent after `Bootstrap:` of this stage, if written. */
  agent?: string;
  /** Lower-cased keys written in this stage's header, except on `exceptLine`. */
  presentKeys: Set<string>;
}

/** The header `line` belongs to, or undefined when `line` is inside a section body. */
export function headerContext(lines: readonly string[], line: number): HeaderContext | undefined {
  const start = STAGE_START.test(lines[line] ?? '') ? line : headerStart(lines, line);
  if (start === undefined) {
    return undefined;
  }
  const context: HeaderContext = { presentKeys: new Set() };
  for (let current = start; current < lines.length; current++) {
    const text = lines[current];
    if (SECTION_LINE.test(text) || (current > start && current !== line && STAGE_START.test(text))) {
      break;
    }
    if (current === line) {
      continue;
    }
    const header = HEADER_LINE.exec(text);
    if (header) {
      context.presentKeys.add(header[2].toLowerCase());
    }
    const agent = BOOTSTRAP_VALUE.exec(text);
    if (agent && agent[1].length > 0 && context.agent === undefined) {
      context.agent = agent[1].toLowerCase();
    }
  }
  return context;
}

/** The `Bootstrap:` line above `line` (0 before any), or undefined when a section comes first. */
function headerStart(lines: readonly string[], line: number): number | undefined {
  for (let current = line - 1; current >= 0; current--) {
    const text = lines[current] ?? '';
    if (SECTION_LINE.test(text)) {
      return undefined;
    }
    if (STAGE_START.test(text)) {
      return current;
    }
  }
  return 0;
}

/** Lower-cased name of the section whose body holds `line` (undefined in a header). */
export function sectionAt(lines: readonly string[], line: number): string | undefined {
  for (let current = line - 1; current >= 0; current--) {
    const text = lines[current] ?? '';
    const section = SECTION_LINE.exec(text);
    if (section) {
      return section[1].toLowerCase();
    }
    if (STAGE_START.test(text)) {
      return undefined;
    }
  }
  return undefined;
}

/** The stage that holds `line` (the last one starting at or above it). */
export function stageAt(recipe: Recipe, line: number): Stage | undefined {
  let found: Stage | undefined;
  for (const stage of recipe.stages) {
    if (stage.range.start.line <= line) {
      found = stage;
    }
  }
  return found;
}

export interface ArgumentDefault {
  name: string;
  value?: string;
  /** Line of the `%arguments` entry. */
  line: number;
}

/** `%arguments` entries of the whole file, first definition of each name wins. */
export function argumentDefaults(recipe: Recipe): Map<string, ArgumentDefault> {
  const defaults = new Map<string, ArgumentDefault>();
  for (const stage of recipe.stages) {
    for (const step of stage.steps) {
      if (step.kind !== 'arg' || !step.keyword.startsWith('%')) {
        continue;
      }
      for (const pair of step.pairs) {
        const name = pair.key.value;
        if (name.length > 0 && !defaults.has(name)) {
          defaults.set(name, { name, value: pair.value?.value, line: pair.range.start.line });
        }
      }
    }
  }
  return defaults;
}

/** SCIF app names in first-appearance order. */
export function appNames(recipe: Recipe): string[] {
  const names: string[] = [];
  for (const stage of recipe.stages) {
    for (const section of stage.sections) {
      const app = section.name.startsWith('app') ? section.args[0]?.value : undefined;
      if (app && !names.includes(app)) {
        names.push(app);
      }
    }
  }
  return names;
}

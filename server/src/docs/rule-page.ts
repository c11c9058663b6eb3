// Parses a rule's page, `server/src/rules/<category>/<name>.md`, into the rule's docs.
//
// The page has fixed sections, in this order:
//   # HPC-GROUP-NNN rule-name
//   One-line summary.
//   ## What it does
//   ## Why it bites on HPC systems
//   ## Bad examples        fenced blocks: ```dockerfile or ```apptainer, optionally followed by the
//   ## Good examples       `.hpclint.yaml` settings the example assumes as JSON: ```dockerfile {"publish": "public"}
//   ## How to fix
//   ## Exceptions          (optional)
//   ## References          a list of URLs
// Lines of a paragraph are joined with one space (as Markdown renders them); paragraphs are kept apart
// by a blank line, list items by a line break.
import type { RuleDocs, RuleExample, RuleSettings } from '../engine/rule';
import type { RecipeFormat } from '../recipe/model';

export interface RulePage {
  /** `HPC-PORT-001` and `no-march-native` from the title line. */
  code: string;
  name: string;
  docs: RuleDocs;
}

const SECTIONS = [
  'What it does',
  'Why it bites on HPC systems',
  'Bad examples',
  'Good examples',
  'How to fix',
  'Exceptions',
  'References',
] as const;
type SectionTitle = (typeof SECTIONS)[number];
const OPTIONAL_SECTIONS: ReadonlySet<SectionTitle> = new Set(['Exceptions']);

const FORMATS: ReadonlySet<string> = new Set<RecipeFormat>(['dockerfile', 'apptainer']);
const EXAMPLE_SETTINGS: ReadonlySet<string> = new Set<keyof RuleSettings>(['publish', 'trustedRegistries', 'registryMirror']);

/** The section titles of a rule page, in order (for the scaffolder and the docs). */
export const RULE_PAGE_SECTIONS: readonly string[] = SECTIONS;

export class RulePageError extends Error {}

/** Parses a rule page; throws a `RulePageError` that names the problem when the page does not follow the layout. */
export function parseRulePage(markdown: string): RulePage {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  let index = 0;
  const skipBlank = (): void => {
    while (index < lines.length && lines[index].trim() === '') {
      index++;
    }
  };

  skipBlank();
  const title = /^# (HPC-[A-Z]+-\d{3}) ([a-z0-9-]+)\s*$/.exec(lines[index] ?? '');
  if (!title) {
    throw new RulePageError(`the first line must be the title \`# HPC-GROUP-NNN rule-name\`, found: ${lines[index] ?? '(end of file)'}`);
  }
  index++;

  const bodies = new Map<string, string[]>();
  let current: string[] = [];
  const preamble = current;
  let previous = -1;
  let fence: string | undefined;
  for (; index < lines.length; index++) {
    const line = lines[index];
    fence = fenceAfter(line, fence);
    const heading = fence === undefined ? /^(#{1,6})\s+(.*?)\s*$/.exec(line) : null;
    if (heading) {
      const name = heading[2] as SectionTitle;
      const position = SECTIONS.indexOf(name);
      if (heading[1] !== '##' || position < 0) {
        throw new RulePageError(`unknown heading \`${line}\`; sections are ${SECTIONS.map((s) => `\`## ${s}\``).join(', ')}`);
      }
      if (position <= previous) {
        throw new RulePageError(`\`## ${name}\` is out of order or repeated; sections are ${SECTIONS.join(', ')}`);
      }
      previous = position;
      current = [];
      bodies.set(name, current);
      continue;
    }
    current.push(line);
  }
  if (fence !== undefined) {
    throw new RulePageError(`unclosed fence ${fence}`);
  }
  for (const section of SECTIONS) {
    if (!bodies.has(section) && !OPTIONAL_SECTIONS.has(section)) {
      throw new RulePageError(`missing section \`## ${section}\``);
    }
  }

  const summary = prose(preamble, 'the summary');
  if (summary.includes('\n')) {
    throw new RulePageError('the summary must be one paragraph (it is the one-line description in tables and hovers)');
  }
  const exceptions = bodies.get('Exceptions');
  const docs: RuleDocs = {
    summary,
    whatItDoes: prose(bodies.get('What it does') ?? [], '`## What it does`'),
    whyHpc: prose(bodies.get('Why it bites on HPC systems') ?? [], '`## Why it bites on HPC systems`'),
    howToFix: prose(bodies.get('How to fix') ?? [], '`## How to fix`'),
    bad: examples(bodies.get('Bad examples') ?? [], '`## Bad examples`'),
    good: examples(bodies.get('Good examples') ?? [], '`## Good examples`'),
    ...(exceptions ? { exceptions: prose(exceptions, '`## Exceptions`') } : {}),
    references: references(bodies.get('References') ?? []),
  };
  return { code: title[1], name: title[2], docs };
}

/** The open fence after `line` (undefined when outside any fenced block). */
function fenceAfter(line: string, open: string | undefined): string | undefined {
  const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
  if (marker === undefined) {
    return open;
  }
  if (open === undefined) {
    return marker;
  }
  return marker[0] === open[0] && marker.length >= open.length && line.trim() === marker ? undefined : open;
}

const LIST_ITEM = /^\s*(?:[-*+]|\d+[.)])\s/;

/** Markdown prose: paragraph lines joined by a space, paragraphs by a blank line, list items by a line break. */
function prose(lines: readonly string[], where: string): string {
  const paragraphs: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length > 0) {
      paragraphs.push(paragraph.join(''));
      paragraph = [];
    }
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      flush();
    } else if (paragraph.length === 0) {
      paragraph.push(line);
    } else {
      paragraph.push(LIST_ITEM.test(raw) ? `\n${line}` : ` ${line}`);
    }
  }
  flush();
  if (paragraphs.length === 0) {
    throw new RulePageError(`${where} is empty`);
  }
  return paragraphs.join('\n\n');
}

function examples(lines: readonly string[], where: string): RuleExample[] {
  const found: RuleExample[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') {
      continue;
    }
    const open = /^(`{3,}|~{3,})(\S*)\s*(.*)$/.exec(line);
    if (!open) {
      throw new RulePageError(`${where} holds only fenced examples, found: ${line}`);
    }
    const [, fence, format, settingsText] = open;
    if (!FORMATS.has(format)) {
      throw new RulePageError(`${where}: an example's fence must name its format (\`dockerfile\` or \`apptainer\`), found: ${line}`);
    }
    const body: string[] = [];
    for (index++; index < lines.length && fenceAfter(lines[index], fence) !== undefined; index++) {
      body.push(lines[index]);
    }
    const example: RuleExample = { format: format as RecipeFormat, code: `${body.join('\n')}\n` };
    if (settingsText !== '') {
      example.settings = exampleSettings(settingsText, where);
    }
    found.push(example);
  }
  return found;
}

function exampleSettings(text: string, where: string): RuleExample['settings'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RulePageError(`${where}: the settings after an example's format must be a JSON object, found: ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RulePageError(`${where}: the settings after an example's format must be a JSON object, found: ${text}`);
  }
  for (const key of Object.keys(parsed)) {
    if (!EXAMPLE_SETTINGS.has(key)) {
      throw new RulePageError(`${where}: unknown example setting \`${key}\` (known: ${[...EXAMPLE_SETTINGS].join(', ')})`);
    }
  }
  return parsed as RuleExample['settings'];
}

function references(lines: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    const item = /^\s*[-*]\s+(\S.*?)\s*$/.exec(line);
    if (!item) {
      throw new RulePageError(`\`## References\` holds a list (\`- https://…\`), found: ${line}`);
    }
    found.push(item[1]);
  }
  if (found.length === 0) {
    throw new RulePageError('`## References` is empty');
  }
  return found;
}

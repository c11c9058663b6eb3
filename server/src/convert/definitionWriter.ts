// Collects the converted pieces of each stage and renders the definition file with its notes.

export type NoteSeverity = 'warning' | 'info';

/** A transcoding loss (catalogue rule HPC-BUILD-002), located in the converted text. */
export interface ConversionNote {
  message: string;
  /** 0-based line in the output that the note is about (the line below its `# hpclint-convert:` comment). */
  line: number;
  severity: NoteSeverity;
  code: 'HPC-BUILD-002';
}

export interface PendingNote {
  message: string;
  severity: NoteSeverity;
}

/** Lines of output (already indented) plus the notes written as comments above them. */
export interface Entry {
  lines: string[];
  notes: PendingNote[];
}

export type SectionName = 'arguments' | 'files' | 'labels' | 'environment' | 'post' | 'runscript' | 'test';

export const NOTE_PREFIX = '# hpclint-convert: ';
export const INDENT = '    ';

export class StageWriter {
  readonly header: Entry[] = [];
  readonly sections = new Map<string, Entry[]>();
  postShell?: string;

  /** Adds an entry to `%name [args]`; sections render in first-use order within the fixed order below. */
  add(section: SectionName, entry: Entry, args = ''): void {
    const key = args ? `${section} ${args}` : section;
    const entries = this.sections.get(key) ?? [];
    entries.push(entry);
    this.sections.set(key, entries);
  }

  has(section: SectionName): boolean {
    return [...this.sections.keys()].some((key) => key.split(' ')[0] === section);
  }
}

const ORDER: SectionName[] = ['arguments', 'files', 'labels', 'environment', 'post', 'runscript', 'test'];

export function renderDefinition(preamble: string[], stages: readonly StageWriter[]): { text: string; notes: ConversionNote[] } {
  const out: string[] = [...preamble];
  const notes: ConversionNote[] = [];
  const emit = (entry: Entry, indent: string): void => {
    const noteLines: PendingNote[] = entry.notes;
    for (const note of noteLines) {
      out.push(`${indent}${NOTE_PREFIX}${safeComment(note.message)}`);
    }
    const target = entry.lines.length > 0 ? out.length : out.length - 1;
    for (const note of noteLines) {
      notes.push({ message: note.message, line: Math.max(0, target), severity: note.severity, code: 'HPC-BUILD-002' });
    }
    out.push(...entry.lines);
  };
  stages.forEach((stage, index) => {
    if (index > 0 || out.length > 0) {
      out.push('');
    }
    for (const entry of stage.header) {
      emit(entry, '');
    }
    const keys = [...stage.sections.keys()].sort((a, b) => ORDER.indexOf(a.split(' ')[0] as SectionName) - ORDER.indexOf(b.split(' ')[0] as SectionName));
    for (const key of keys) {
      out.push('');
      const name = key.split(' ')[0];
      const args = key.slice(name.length);
      out.push(name === 'post' && stage.postShell ? `%post -c ${stage.postShell}` : `%${name}${args}`);
      for (const entry of stage.sections.get(key) ?? []) {
        emit(entry, INDENT);
      }
    }
  });
  return { text: `${out.join('\n')}\n`, notes };
}

/** A note must stay one comment line and must not look like a `{{ name }}` build variable. */
function safeComment(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
}

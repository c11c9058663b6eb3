// Markdown documentation of definition-file vocabulary for hover and completion.
import {
  HEADER_KEYWORDS,
  bootstrapAgent,
  type BuildVariableSpec,
  type HeaderKeywordSpec,
  type SectionSpec,
} from '../../recipe/apptainer-spec';
import type { ArgumentDefault } from './apptainerContext';

/** What a section does at which time and where, in one sentence. */
export function sectionTiming(spec: SectionSpec): string {
  switch (spec.phase) {
    case 'parse':
      return 'Read before the build: its values replace `{{ name }}` placeholders in the whole file.';
    case 'build':
      if (spec.kind === 'files') {
        return 'Applied at build time: files are copied from the host (or an earlier stage) into the container, before `%post`.';
      }
      return spec.runsOn === 'host'
        ? 'Runs at build time on the host (outside the container, with the privileges of the build).'
        : 'Runs at build time inside the container.';
    case 'runtime':
      return spec.kind === 'environment'
        ? 'Takes effect at runtime, inside the container (not during the build).'
        : 'Runs at runtime inside the container.';
    case 'metadata':
      return 'Stored as image metadata at build time; nothing runs.';
  }
}

export function sectionDocumentation(spec: SectionSpec): string {
  const facts: string[] = [];
  if (spec.app) {
    facts.push('takes a SCIF app name: `%' + spec.name + ' <app>`');
  }
  if (spec.args.includes('-c')) {
    facts.push('`-c <shell>` picks the interpreter');
  }
  if (spec.shebang) {
    facts.push('a `#!` first line picks the interpreter');
  }
  if (spec.legacy) {
    facts.push('legacy');
  }
  if (spec.dialect === 'apptainer') {
    facts.push('Apptainer only');
  }
  if (spec.sinceApptainer) {
    facts.push(`Apptainer ≥ ${spec.sinceApptainer}`);
  }
  if (spec.sinceSingularityCE) {
    facts.push(`SingularityCE ≥ ${spec.sinceSingularityCE}`);
  }
  const suffix = facts.length > 0 ? `\n\n*${facts.join('; ')}*` : '';
  return `**%${spec.name}** (${spec.phase})\n\n${spec.doc}\n\n${sectionTiming(spec)}${suffix}`;
}

/** What Apptainer does with some keys beyond their table entry. */
const HEADER_NOTES: Record<string, string> = {
  bootstrap: 'Starts a new stage.',
  fingerprints: 'Apptainer verifies the PGP signatures of the base SIF against these fingerprints before using it.',
  regcode: 'Never commit a real registration code.',
};

function agentList(spec: HeaderKeywordSpec): string {
  return spec.agents === 'all' ? 'every agent' : spec.agents.map((agent) => `\`${agent}\``).join(', ');
}

export function headerDisplayName(spec: HeaderKeywordSpec): string {
  return spec.numbered ? `${spec.name.replace(/\d+$/, '')}<N>` : spec.name;
}

export function headerDocumentation(spec: HeaderKeywordSpec): string {
  const required =
    spec.required === 'always'
      ? 'Required in every stage.'
      : spec.required === 'agent'
        ? `Required for ${(spec.requiredFor ?? []).map((agent) => `\`${agent}\``).join(', ')}.`
        : 'Optional.';
  const notes = [
    spec.dialect === 'apptainer' ? 'Apptainer only' : '',
    spec.sinceApptainer ? `Apptainer ≥ ${spec.sinceApptainer}` : '',
    spec.sinceSingularityCE ? `SingularityCE ≥ ${spec.sinceSingularityCE}` : '',
    spec.legacy ? 'legacy' : '',
    spec.credential ? 'credential: never commit it' : '',
  ].filter((note) => note.length > 0);
  const extra = HEADER_NOTES[spec.key];
  return [
    `**${headerDisplayName(spec)}:** header keyword`,
    spec.doc + (extra ? ` ${extra}` : ''),
    `Read at build time, on the host, while the base is bootstrapped. ${required} Used by ${agentList(spec)}.`,
    notes.length > 0 ? `*${notes.join('; ')}*` : '',
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

/** Header keys an agent reads (the agent's alias target counts too). */
export function keysForAgent(agent: string | undefined): HeaderKeywordSpec[] {
  const spec = agent === undefined ? undefined : bootstrapAgent(agent);
  if (!spec) {
    return [...HEADER_KEYWORDS];
  }
  const names = [spec.name, ...(spec.aliasOf ? [spec.aliasOf] : [])];
  return HEADER_KEYWORDS.filter((keyword) => keyword.agents === 'all' || names.some((name) => keyword.agents.includes(name)));
}

export function agentDocumentation(name: string): string | undefined {
  const spec = bootstrapAgent(name);
  if (!spec) {
    return undefined;
  }
  const required = spec.requiredKeys.map((key) => HEADER_KEYWORDS.find((keyword) => keyword.key === key)?.name ?? key);
  const optional = keysForAgent(spec.name)
    .filter((keyword) => keyword.agents !== 'all' && !spec.requiredKeys.includes(keyword.key))
    .map(headerDisplayName);
  const notes = [
    spec.aliasOf ? `alias of ${spec.aliasOf}` : '',
    spec.dialect === 'apptainer' ? 'Apptainer only' : '',
    spec.sinceApptainer ? `Apptainer ≥ ${spec.sinceApptainer}` : '',
    spec.needsHostTools ? 'needs the package tools on the build host' : '',
    spec.archived ? 'archived: accepts no new images' : '',
  ].filter((note) => note.length > 0);
  return [
    `**Bootstrap: ${spec.name}**`,
    spec.doc,
    `Runs at build time on the host to create the base file system. ${
      required.length > 0 ? `Needs ${required.map((key) => `\`${key}:\``).join(', ')}.` : 'Needs no other header key.'
    }${optional.length > 0 ? ` Also reads ${optional.map((key) => `\`${key}:\``).join(', ')}.` : ''}`,
    notes.length > 0 ? `*${notes.join('; ')}*` : '',
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

export function buildVariableDocumentation(spec: BuildVariableSpec): string {
  const sections = spec.sections.map((section) => `%${section}`).join(', ');
  const notes = [spec.dialect === 'apptainer' ? 'Apptainer only' : '', spec.alternative ? `same as \`$${spec.alternative}\`` : ''].filter(
    (note) => note.length > 0,
  );
  return [
    `**$${spec.name}** build variable`,
    spec.doc,
    `Set at build time in ${sections} only.`,
    notes.length > 0 ? `*${notes.join('; ')}*` : '',
  ]
    .filter((part) => part.length > 0)
    .join('\n\n');
}

export function argumentDocumentation(name: string, found: ArgumentDefault | undefined): string {
  const where = found
    ? found.value !== undefined
      ? `Default \`${found.value}\` (from \`%arguments\`, line ${found.line + 1}).`
      : `Declared in \`%arguments\` (line ${found.line + 1}) without a default.`
    : 'Not declared in `%arguments`: the build fails unless it is given with `--build-arg`.';
  return `**{{ ${name} }}** build argument\n\n${where}\n\nReplaced before the build; override with \`--build-arg ${name}=…\` or \`--build-arg-file\`.`;
}

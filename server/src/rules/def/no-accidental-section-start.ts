// HPC-DEF-006: script lines that Apptainer's parser reads as a new section or a new stage.
import { defineRule, type Fix } from '../../engine/rule';
import { remove, safeFix } from '../../engine/fixBuilder';
import type { Recipe, Section, Stage } from '../../recipe/model';
import { sectionSpec } from '../../recipe/apptainer-spec';
import { lineIndexOf, offsetOf } from '../util/source';
import docs from './no-accidental-section-start.md';

const HEREDOC = /<<(-?)\s*(?:'([^'\n]+)'|"([^"\n]+)"|\\?([^\s;&|<>()'"]+))/g;

/** The delimiter of a heredoc still open at the end of `body`, if any (lenient: an indented delimiter line also closes). */
export function openHeredoc(body: string): string | undefined {
  let open: string | undefined;
  for (const line of body.split('\n')) {
    const trimmed = line.trim();
    if (open !== undefined) {
      if (trimmed === open) {
        open = undefined;
      }
      continue;
    }
    if (trimmed.startsWith('#')) {
      continue;
    }
    HEREDOC.lastIndex = 0;
    for (let match = HEREDOC.exec(line); match; match = HEREDOC.exec(line)) {
      if (line[match.index - 1] !== '<') {
        open = match[2] ?? match[3] ?? match[4];
      }
    }
  }
  return open;
}

/** The section whose body was cut short by `section`'s header line (the one before it in the same stage). */
function previousSection(stage: Stage, position: number): Section | undefined {
  return position > 0 ? stage.sections[position - 1] : undefined;
}

function isScript(section: Section | undefined): boolean {
  const kind = section ? sectionSpec(section.name)?.kind : undefined;
  return kind === 'script' || kind === 'environment';
}

/** The last non-blank line of `body` is not a comment and ends with an unescaped `\` (a continuation). */
function endsWithContinuation(body: string): boolean {
  const lines = body.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  if (last.trim().startsWith('#')) {
    return false;
  }
  const trailing = /\\*$/.exec(last)?.[0].length ?? 0;
  return trailing % 2 === 1;
}

export type AccidentalStart = 'continuation' | 'heredoc' | 'indented';

/**
 * Why the header line of `stage.sections[position]` is not a real section start, if it is not: a `\`
 * continuation or an open heredoc of the previous script section runs into it, or it is indented
 * (Apptainer then names the section "" and rejects it, unless it is the very first line of the stage).
 * HPC-DEF-005 can use this to leave such lines to this rule.
 */
export function accidentalSectionStart(recipe: Recipe, stage: Stage, position: number): AccidentalStart | undefined {
  const section = stage.sections[position];
  const previous = previousSection(stage, position);
  if (previous && isScript(previous)) {
    if (endsWithContinuation(previous.body)) {
      return 'continuation';
    }
    if (openHeredoc(previous.body) !== undefined) {
      return 'heredoc';
    }
  }
  if (section.header.range.start.character > 0) {
    const lineStart = lineIndexOf(recipe).lineStart(section.header.range.start.line);
    if (lineStart !== offsetOf(recipe, stage.range.start)) {
      return 'indented';
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    code: 'HPC-DEF-006',
    name: 'no-accidental-section-start',
    category: 'def',
    severity: 'error',
    formats: ['apptainer'],
    fix: 'safe',
  },
  docs,
  check(context) {
    const { recipe } = context;
    const index = lineIndexOf(recipe);
    recipe.stages.forEach((stage, stageIndex) => {
      stage.sections.forEach((section, position) => {
        const reason = accidentalSectionStart(recipe, stage, position);
        if (!reason) {
          return;
        }
        const previous = previousSection(stage, position);
        const lineStart = index.lineStart(section.header.range.start.line);
        const fixes: Fix[] = [];
        let message: string;
        if (reason === 'continuation' && previous) {
          const bodyStart = offsetOf(recipe, previous.bodyRange.start);
          const slash = recipe.text.lastIndexOf('\\', lineStart);
          const previousLine = recipe.text.slice(index.lineStart(index.positionAt(slash).line), slash);
          if (slash >= bodyStart && !previousLine.includes("'")) {
            fixes.push(safeFix('Join this line to the command above', remove(index.range(slash, lineStart))));
          }
          message = `This line continues the command above, but its first word starts with \`%\`, so Apptainer ends \`${previous.header.text}\` here and starts a section \`${section.header.text}\`.`;
        } else if (reason === 'heredoc' && previous) {
          message = `This line is inside a heredoc of \`${previous.header.text}\`, but its first word starts with \`%\`, so Apptainer ends the script here and starts a section \`${section.header.text}\`.`;
        } else {
          if (sectionSpec(section.name)) {
            fixes.push(safeFix('Remove the indentation', remove({ start: index.positionAt(lineStart), end: section.header.range.start })));
          }
          message = `Indented section header: Apptainer reads \`${section.header.text}\` as a section with an empty name and stops with "invalid section(s) specified". Start it in column 1.`;
        }
        context.report({ range: section.header.range, message, fixes });
      });
      const previousStage = recipe.stages[stageIndex - 1];
      const cut = previousStage?.sections[previousStage.sections.length - 1];
      if (cut && isScript(cut)) {
        const delimiter = openHeredoc(cut.body);
        if (delimiter !== undefined || endsWithContinuation(cut.body)) {
          const bootstrap = stage.steps.find((step) => step.kind === 'header' && step.key === 'bootstrap');
          const range = bootstrap?.keywordRange ?? stage.range;
          context.report({
            range,
            message:
              delimiter !== undefined
                ? `This \`Bootstrap:\` line is inside the heredoc \`<<${delimiter}\` of \`${cut.header.text}\`, but Apptainer starts a new stage at every line beginning with \`Bootstrap:\`, so the script is cut here.`
                : `This \`Bootstrap:\` line continues the command above, but Apptainer starts a new stage at every line beginning with \`Bootstrap:\`, so the script is cut here.`,
          });
        }
      }
    });
  },
});

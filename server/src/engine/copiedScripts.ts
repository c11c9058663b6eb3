// Scripts copied in from the build context and run (#12 item 10). The engine stays pure: the service
// reads the files (io/copiedScripts.ts) and passes their texts in `scripts`; the engine lints each text
// as the body of the RUN / `%post` that runs it, on that stage's base, and reports every finding on the
// command that runs the script, with the script's own location as related information.
import { wantedPaths, type CopiedScript } from '../recipe/copied-scripts';
import { logicalLineExtents } from '../recipe/logical-lines';
import type { BaseImage, Range, Recipe, RunStep, Stage } from '../recipe/model';
import { parsePragmas } from '../recipe/pragmas';
import { splitShell } from '../recipe/shell';
import { LineIndex } from '../recipe/text';

/** Every context path the lint would like to read (what the service reads and passes in `scripts`). */
export function wantedScripts(scripts: readonly CopiedScript[]): string[] {
  return wantedPaths(scripts);
}

/**
 * The script as a recipe of one stage on the base of the stage that runs it, whose one step is the
 * RUN / `%post` that runs it with the script as its body. Ranges are the script's own; what comes from
 * the recipe (the base, the stage) is placed after the script's last line, where no command is.
 */
export function scriptRecipe(recipe: Recipe, script: CopiedScript & { text: string }): Recipe {
  const { text } = script;
  const index = new LineIndex(text);
  const body = splitShell(text, 0, text.length, index);
  const after: Range = { start: { line: index.lineCount + 1, character: 0 }, end: { line: index.lineCount + 1, character: 0 } };
  const extents = new Map<number, { startLine: number; endLine: number }>();
  for (const extent of logicalLineExtents(body, index)) {
    for (let line = extent.startLine; line < extent.endLine; line++) {
      extents.set(line, { startLine: line, endLine: extent.endLine });
    }
  }
  const step: RunStep = { kind: 'run', keyword: script.step.keyword, keywordRange: after, range: body.range, flags: [], script: body };
  const stage: Stage = { index: 0, base: baseOf(script.stage.base, after), steps: [step], range: after, sections: [] };
  return {
    format: recipe.format,
    text,
    stages: [stage],
    globalArgs: [],
    comments: body.comments,
    pragmas: parsePragmas(body.comments, index, (line) => extents.get(line) ?? { startLine: line, endLine: line }),
    diagnostics: [],
    escapeChar: recipe.escapeChar,
  };
}

function baseOf(base: BaseImage, range: Range): BaseImage {
  return {
    agent: base.agent,
    raw: base.raw,
    range,
    ...(base.image ? { image: { ...base.image, range } } : {}),
    ...(base.osVersion ? { osVersion: { ...base.osVersion, range } } : {}),
  };
}
